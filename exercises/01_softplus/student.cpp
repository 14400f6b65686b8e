// Exercise 01: the backward of an elementwise op (softplus). Read README.md first.
//
// Fill in the body below; `./lab check 01` grades it.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex01 {

using autograd::Tensor64;

// f(x) = log(1 + e^x)        df/dx = e^x / (1 + e^x) = sigmoid(x)
Tensor64 softplus(const Tensor64& x) {
    // 1. The forward value, an xt::xarray<double> of x's shape, that stays finite for x = +-1000.
    // 2. return autograd::record<double>("my_softplus", value, {x}, backward), where backward is a
    //    closure [x](const Tensor64& out, const Tensor64& grad_out) { ... } returning
    //    autograd::Grads<double>{ the gradient for x }, built from tensor ops (README: "Why ops").
    lab::hole("softplus: its forward value and its backward", x);
}

}  // namespace ex01
