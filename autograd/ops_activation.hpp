// ops_activation.hpp: activations and masks: sigmoid, tanh, relu, leaky_relu, softplus, clamp, where.
// Defined in ops_activation.cpp, each forward with its backward right below it; ops.hpp includes every
// family and states the rules they all follow.
#pragma once

#include <cstddef>

#include "autograd/tensor.hpp"

namespace autograd {

template <class T>
BasicTensor<T> sigmoid(const BasicTensor<T>& a);  // 1 / (1 + e^-a), stable for large |a|
template <class T>
BasicTensor<T> tanh(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> relu(const BasicTensor<T>& a);  // max(a, 0); the gradient at 0 is 0
template <class T>
BasicTensor<T> leaky_relu(const BasicTensor<T>& a, double slope = 0.01);
template <class T>
BasicTensor<T> softplus(const BasicTensor<T>& a);  // log(1 + e^a), stable for large |a|
// Limits each element to [lo, hi]; the gradient flows only where a was inside.
template <class T>
BasicTensor<T> clamp(const BasicTensor<T>& a, double lo, double hi);
// mask ? a : b elementwise, the three broadcast together. Call it as autograd::where: with an
// xt::xarray mask, argument-dependent lookup also finds xt::where.
template <class T>
BasicTensor<T> where(const xt::xarray<bool>& mask, const BasicTensor<T>& a, const BasicTensor<T>& b);

}  // namespace autograd
