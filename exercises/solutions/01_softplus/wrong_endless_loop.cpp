// expect-env: LAB_CHECK_SECONDS=1
// expect-hint: your program ran past
// mistake: A loop whose counter i is never advanced, so its condition never becomes false and the first check never ends.
// expect-check: the value is log(1 + e^x)
// The reference solution of exercise 01.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

// f(x) = log(1 + e^x)        df/dx = e^x / (1 + e^x) = sigmoid(x)
Tensor64 softplus(const Tensor64& x) {
    // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): e^-|x| <= 1, so nothing overflows.
    xt::xarray<double> value = xt::zeros_like(x.value());  // MISTAKE
    volatile double* out = value.data();  // (volatile: each write happens, as a student's would)  // MISTAKE
    std::size_t i = 0;                    // MISTAKE
    while (i < value.size()) out[i] = std::log1p(std::exp(x.value().data()[i]));  // i is never advanced  // MISTAKE
    return autograd::record<double>("my_softplus", std::move(value), {x},
                                    [x](const Tensor64& /*out*/, const Tensor64& grad_out) {
                                        // Built from ops, so that create_graph can differentiate it again.
                                        return autograd::Grads<double>{grad_out * autograd::sigmoid(x)};
                                    });
}

}  // namespace ex01
