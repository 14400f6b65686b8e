// expect-hint: inf / inf = nan
// mistake: The slope written as e^x / (1 + e^x), which is inf / inf = nan at x = 1000.
// expect-check: the gradient is finite and right at x = +-1000
// The reference solution of exercise 01.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

// f(x) = log(1 + e^x)        df/dx = e^x / (1 + e^x) = sigmoid(x)
Tensor64 softplus(const Tensor64& x) {
    // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): e^-|x| <= 1, so nothing overflows.
    xt::xarray<double> value = xt::maximum(x.value(), 0.0) + xt::log1p(xt::exp(-xt::abs(x.value())));
    return autograd::record<double>("my_softplus", std::move(value), {x},
                                    [x](const Tensor64& /*out*/, const Tensor64& grad_out) {
                                        // Built from ops, so that create_graph can differentiate it again.
                                        const Tensor64 e = autograd::exp(x);                       // MISTAKE
                                        return autograd::Grads<double>{grad_out * e / (1.0 + e)};  // MISTAKE
                                    });
}

}  // namespace ex01
