// expect-hint: log1p(u) computes log(1 + u) without adding the 1 first
// mistake: The stable form with log(1 + u) where log1p(u) belongs: where e^-|x| is below float64's rounding (x = -50: 1.9e-22), 1 + e^-|x| rounds to 1 and the value is 0 instead of 1.9e-22.
// expect-check: the value is finite and right at x = +-1000
// The reference solution of exercise 01.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

// f(x) = log(1 + e^x)        df/dx = e^x / (1 + e^x) = sigmoid(x)
Tensor64 softplus(const Tensor64& x) {
    // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): e^-|x| <= 1, so nothing overflows.
    xt::xarray<double> value = xt::maximum(x.value(), 0.0) + xt::log(1.0 + xt::exp(-xt::abs(x.value())));  // MISTAKE
    return autograd::record<double>("my_softplus", std::move(value), {x},
                                    [x](const Tensor64& /*out*/, const Tensor64& grad_out) {
                                        // Built from ops, so that create_graph can differentiate it again.
                                        return autograd::Grads<double>{grad_out * autograd::sigmoid(x)};
                                    });
}

}  // namespace ex01
