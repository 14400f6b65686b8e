// expect-env: LAB_CHECK_SECONDS=1
// (the number of seconds is left out of the hint: the sanitized suite scales the limit by 4)
// expect-hint: your program ran past
// A wrong solution of exercise 01: a loop whose counter is never moved on, so its condition
// never becomes false and the first check never ends. The grader's time limit stops it and
// names the check; LAB_CHECK_SECONDS=1 makes that quick.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

Tensor64 softplus(const Tensor64& x) {
    xt::xarray<double> value = xt::zeros_like(x.value());
    volatile double* out = value.data();  // (volatile: each write happens, as a student's would)
    std::size_t i = 0;
    while (i < value.size()) out[i] = std::log1p(std::exp(x.value().data()[i]));  // i is never advanced
    return autograd::record<double>("my_softplus", std::move(value), {x},
                                    [x](const Tensor64&, const Tensor64& grad_out) {
                                        return autograd::Grads<double>{grad_out * autograd::sigmoid(x)};
                                    });
}

}  // namespace ex01
