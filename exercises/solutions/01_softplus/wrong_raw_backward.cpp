// expect-hint: build the gradient from tensor ops
// mistake: The backward computes sigmoid(x) on the raw array x.value(), so its result is a constant to the tape: first derivatives are right, second ones are not.
// expect-check: gradgradcheck: the second derivative
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
                                        xt::xarray<double> slope = 1.0 / (1.0 + xt::exp(-x.value()));  // MISTAKE
                                        return autograd::Grads<double>{grad_out * Tensor64(slope)};    // MISTAKE
                                    });
}

}  // namespace ex01
