// expect-hint: your backward returns grad_out * sigmoid(-x)
// A wrong solution of exercise 01: the backward multiplies grad_out by sigmoid(-x), the slope
// with its sign mixed up (1 - sigmoid(x)), where d/dx log(1 + e^x) = sigmoid(x).
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

Tensor64 softplus(const Tensor64& x) {
    xt::xarray<double> value = xt::maximum(x.value(), 0.0) + xt::log1p(xt::exp(-xt::abs(x.value())));
    return autograd::record<double>("my_softplus", std::move(value), {x},
                                    [x](const Tensor64& /*out*/, const Tensor64& grad_out) {
                                        return autograd::Grads<double>{grad_out * autograd::sigmoid(-x)};
                                    });
}

}  // namespace ex01
