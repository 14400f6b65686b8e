// op_helpers.hpp (internal to autograd/): small pieces shared by the op files.
#pragma once

#include <fmt/format.h>
#include <xtensor/xarray.hpp>

#include "autograd/detail/broadcast.hpp"
#include "autograd/ops.hpp"
#include "autograd/shape.hpp"

namespace autograd::detail {

// A constant tensor (no history, no grad): masks and saved numbers used inside a backward.
template <class T>
BasicTensor<T> constant(xt::xarray<T> value) {
    return BasicTensor<T>(std::move(value));
}

// The gradient for `input` of a broadcasting op: `grad`, the input's gradient at the output's
// shape (grad_out times the local derivative), summed back to input's shape; or nothing when the
// input does not need one.
template <class T>
BasicTensor<T> grad_for(const BasicTensor<T>& input, const BasicTensor<T>& grad) {
    if (!input.requires_grad()) return BasicTensor<T>();
    return sum_to(grad, input.shape());
}

// The shape a and b broadcast to; throws naming the op and both shapes when they do not, or when
// that shape is too large to allocate (broadcasting can multiply the sizes).
template <class T>
Shape check_broadcast(const char* op, const BasicTensor<T>& a, const BasicTensor<T>& b) {
    Shape shape = broadcast_shapes(op, a.shape(), b.shape());
    checked_numel(op, shape, sizeof(T));
    return shape;
}

template <class T>
void check_defined(const char* op, const BasicTensor<T>& a) {
    if (!a.defined()) throw std::logic_error(std::string(op) + ": an input tensor is undefined");
}

}  // namespace autograd::detail
