// expect-hint: log1p(u) computes log(1 + u) without adding the 1 first
// A wrong solution of exercise 01: the stable form with log(1 + u) where log1p(u) belongs. Nothing
// overflows, but where e^-|x| is below float64's rounding (x = -50: 1.9e-22) 1 + e^-|x| rounds to 1
// and the value is 0 instead of 1.9e-22.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

Tensor64 softplus(const Tensor64& x) {
    xt::xarray<double> value = xt::maximum(x.value(), 0.0) + xt::log(1.0 + xt::exp(-xt::abs(x.value())));
    return autograd::record<double>("my_softplus", std::move(value), {x},
                                    [x](const Tensor64& /*out*/, const Tensor64& grad_out) {
                                        return autograd::Grads<double>{grad_out * autograd::sigmoid(x)};
                                    });
}

}  // namespace ex01
