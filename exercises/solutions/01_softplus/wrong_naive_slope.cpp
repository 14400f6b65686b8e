// expect-hint: inf / inf = nan
// A wrong solution of exercise 01: the slope written as e^x / (1 + e^x), which is inf / inf =
// nan at x = 1000.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

Tensor64 softplus(const Tensor64& x) {
    xt::xarray<double> value = xt::maximum(x.value(), 0.0) + xt::log1p(xt::exp(-xt::abs(x.value())));
    return autograd::record<double>("my_softplus", std::move(value), {x},
                                    [x](const Tensor64&, const Tensor64& grad_out) {
                                        const Tensor64 e = autograd::exp(x);
                                        return autograd::Grads<double>{grad_out * e / (1.0 + e)};
                                    });
}

}  // namespace ex01
