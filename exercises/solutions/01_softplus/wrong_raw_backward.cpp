// expect-hint: build the gradient from tensor ops
// A wrong solution of exercise 01: the backward computes sigmoid(x) on the raw array x.value(),
// so its result is a constant to the tape: first derivatives are right, second ones are not.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

Tensor64 softplus(const Tensor64& x) {
    xt::xarray<double> value = xt::maximum(x.value(), 0.0) + xt::log1p(xt::exp(-xt::abs(x.value())));
    return autograd::record<double>("my_softplus", std::move(value), {x},
                                    [x](const Tensor64&, const Tensor64& grad_out) {
                                        xt::xarray<double> slope = 1.0 / (1.0 + xt::exp(-x.value()));
                                        return autograd::Grads<double>{grad_out * Tensor64(slope)};
                                    });
}

}  // namespace ex01
