// Exercise 02: broadcasting in backward. Read README.md first.
//
// Fill in the three bodies below; `./lab check 02` grades them.
#include <vector>

#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex02 {

using autograd::Shape;
using autograd::Tensor64;

// g has the broadcast shape; `shape` is an input's shape, aligned with g's on the right.
Tensor64 sum_to_shape(const Tensor64& g, const Shape& shape) {
    // 1. The axes to sum, as a std::vector<long>: the leading g.dim() - shape.size() axes, and
    //    every later axis i where the input had size 1 but g has more.
    // 2. Sum g over those axes, then give the result the input's shape: the leading axes go
    //    away, the size-1 axes stay.
    // (No axes to sum: return g as it is.)
    lab::hole("sum_to_shape: the axes to sum, then sum and reshape", g, shape);
}

// f(a, b) = a + b          df/da = 1, df/db = 1
Tensor64 add(const Tensor64& a, const Tensor64& b) {
    // 1. The value: a.value() + b.value() (xtensor broadcasts as NumPy does), an xt::xarray<double>.
    // 2. return autograd::record<double>("my_add", value, {a, b}, backward), where backward is a
    //    closure [a, b](const Tensor64& out, const Tensor64& grad_out) { ... } returning
    //    autograd::Grads<double>{ the gradient for a, the gradient for b }, each of ITS input's shape.
    lab::hole("add: its value and its backward", a, b);
}

// f(a, b) = a * b          df/da = b, df/db = a
Tensor64 mul(const Tensor64& a, const Tensor64& b) {
    // The same as add, recorded as "my_mul"; each input's gradient is grad_out times its partial
    // derivative, summed back to that input's shape.
    lab::hole("mul: its value and its backward", a, b);
}

}  // namespace ex02
