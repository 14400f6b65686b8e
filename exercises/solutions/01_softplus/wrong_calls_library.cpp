// expect-compile-error: exercise 01 asks you to write it yourself: autograd::softplus is the library's finished answer
// mistake: the value taken from the library's autograd::softplus instead of computed
// The reference solution of exercise 01.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

// f(x) = log(1 + e^x)        df/dx = e^x / (1 + e^x) = sigmoid(x)
Tensor64 softplus(const Tensor64& x) {
    // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): e^-|x| <= 1, so nothing overflows.
    xt::xarray<double> value = autograd::softplus(x).value();  // MISTAKE
    return autograd::record<double>("my_softplus", std::move(value), {x},
                                    [x](const Tensor64& /*out*/, const Tensor64& grad_out) {
                                        // Built from ops, so that create_graph can differentiate it again.
                                        return autograd::Grads<double>{grad_out * autograd::sigmoid(x)};
                                    });
}

}  // namespace ex01
