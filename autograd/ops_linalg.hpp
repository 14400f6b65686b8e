// ops_linalg.hpp: matrix products: matmul, gemm, linear, tied_linear, transpose.
// Defined in ops_linalg.cpp, each forward with its backward right below it; ops.hpp includes every
// family and states the rules they all follow.
#pragma once

#include <cstddef>

#include "autograd/tensor.hpp"

namespace autograd {

template <class T>
BasicTensor<T> matmul(const BasicTensor<T>& a, const BasicTensor<T>& b);  // (M, K) @ (K, N) -> (M, N)
// op(a) @ op(b), where op transposes when asked: one BLAS call, no transposed copy.
template <class T>
BasicTensor<T> gemm(const BasicTensor<T>& a, const BasicTensor<T>& b, bool transpose_a, bool transpose_b);
template <class T>
BasicTensor<T> transpose(const BasicTensor<T>& a);  // (M, N) -> (N, M)
// A fully connected layer, x W + b: x (N, D), W (D, H), b (H,) or undefined -> (N, H). What
// nn::Linear computes; W is (D, H), the slides' orientation (PyTorch keeps its transpose).
template <class T>
BasicTensor<T> linear(const BasicTensor<T>& x, const BasicTensor<T>& W, const BasicTensor<T>& b = {});
// The same layer run back through a weight it shares, x W^T + b: x (N, H), W (D, H), b (D,) or
// undefined -> (N, D). What nn::TiedLinear computes (Scott slide 8, W4 = W1^T).
template <class T>
BasicTensor<T> tied_linear(const BasicTensor<T>& x, const BasicTensor<T>& W, const BasicTensor<T>& b = {});

}  // namespace autograd
