// expect-hint: the chain rule multiplies the local derivative by the gradient coming from above
// mistake: The backward returns the local derivative sigmoid(x) and forgets to multiply it by grad_out.
// expect-check: the backward multiplies by the incoming gradient
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
                                    [x](const Tensor64& /*out*/, const Tensor64& /*grad_out*/) {  // MISTAKE
                                        // Built from ops, so that create_graph can differentiate it again.
                                        return autograd::Grads<double>{autograd::sigmoid(x)};  // MISTAKE
                                    });
}

}  // namespace ex01
