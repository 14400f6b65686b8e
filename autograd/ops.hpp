// ops.hpp: every differentiable op, by family. Each is implemented with its backward right
// below its forward in the .cpp file named on the family's banner, and every backward is
// written with these same ops, so gradients can be differentiated again (create_graph).
//
// Binary ops broadcast as NumPy does ((3,1) with (1,4), (2,3) with (3,), a scalar with
// anything); their backward sums the gradient back to each operand's own shape (sum_to).
// Bad shapes throw ShapeError with the op's name and the shapes, e.g.
// "matmul: cannot multiply (2, 3) by (4, 5): inner sizes 3 and 4 differ".
#pragma once

#include <cstddef>
#include <vector>

#include "autograd/tensor.hpp"

namespace autograd {

template <class T>
using Tn = BasicTensor<T>;  // short name for the declarations below

// ---- arithmetic (ops_arith.cpp) ----------------------------------------------------------
template <class T>
Tn<T> operator+(const Tn<T>& a, const Tn<T>& b);  // a + b
template <class T>
Tn<T> operator-(const Tn<T>& a, const Tn<T>& b);  // a - b
template <class T>
Tn<T> operator*(const Tn<T>& a, const Tn<T>& b);  // a * b, elementwise
template <class T>
Tn<T> operator/(const Tn<T>& a, const Tn<T>& b);  // a / b, elementwise
template <class T>
Tn<T> operator-(const Tn<T>& a);  // -a
template <class T>
Tn<T> operator+(const Tn<T>& a, double s);  // a + s
template <class T>
Tn<T> operator+(double s, const Tn<T>& a);  // s + a
template <class T>
Tn<T> operator-(const Tn<T>& a, double s);  // a - s
template <class T>
Tn<T> operator-(double s, const Tn<T>& a);  // s - a
template <class T>
Tn<T> operator*(const Tn<T>& a, double s);  // a * s
template <class T>
Tn<T> operator*(double s, const Tn<T>& a);  // s * a
template <class T>
Tn<T> operator/(const Tn<T>& a, double s);  // a / s
template <class T>
Tn<T> operator/(double s, const Tn<T>& a);  // s / a
template <class T>
Tn<T> pow(const Tn<T>& a, double p);  // a^p
template <class T>
Tn<T> square(const Tn<T>& a);  // a^2
template <class T>
Tn<T> sqrt(const Tn<T>& a);
template <class T>
Tn<T> exp(const Tn<T>& a);
template <class T>
Tn<T> log(const Tn<T>& a);
template <class T>
Tn<T> abs(const Tn<T>& a);  // the gradient at 0 is 0

// ---- activations and masks (ops_activation.cpp) ------------------------------------------
template <class T>
Tn<T> sigmoid(const Tn<T>& a);  // 1 / (1 + e^-a), stable for large |a|
template <class T>
Tn<T> tanh(const Tn<T>& a);
template <class T>
Tn<T> relu(const Tn<T>& a);  // max(a, 0); the gradient at 0 is 0
template <class T>
Tn<T> leaky_relu(const Tn<T>& a, double slope = 0.01);
template <class T>
Tn<T> softplus(const Tn<T>& a);  // log(1 + e^a), stable for large |a|
// Limits each element to [lo, hi]; the gradient flows only where a was inside.
template <class T>
Tn<T> clamp(const Tn<T>& a, double lo, double hi);
// mask ? a : b elementwise, the three broadcast together. Call it as autograd::where: with an
// xt::xarray mask, argument-dependent lookup also finds xt::where.
template <class T>
Tn<T> where(const xt::xarray<bool>& mask, const Tn<T>& a, const Tn<T>& b);

// ---- matrix products (ops_linalg.cpp) ----------------------------------------------------
template <class T>
Tn<T> matmul(const Tn<T>& a, const Tn<T>& b);  // (M, K) @ (K, N) -> (M, N)
// op(a) @ op(b), where op transposes when asked: one BLAS call, no transposed copy.
template <class T>
Tn<T> gemm(const Tn<T>& a, const Tn<T>& b, bool transpose_a, bool transpose_b);
template <class T>
Tn<T> transpose(const Tn<T>& a);  // (M, N) -> (N, M)

// ---- shapes and indexing (ops_shape.cpp) -------------------------------------------------
template <class T>
Tn<T> reshape(const Tn<T>& a, const Shape& shape);
template <class T>
Tn<T> flatten(const Tn<T>& a);  // (N, ...) -> (N, rest)
template <class T>
Tn<T> broadcast_to(const Tn<T>& a, const Shape& shape);
// Sums a broadcast gradient back to `shape`: the inverse of broadcast_to.
template <class T>
Tn<T> sum_to(const Tn<T>& a, const Shape& shape);
// The rows a[index[0]], a[index[1]], ... (along axis 0): how a minibatch is taken.
template <class T>
Tn<T> rows(const Tn<T>& a, const std::vector<std::size_t>& index);
// A zero tensor with `num_rows` rows where row index[k] gets a[k] added: the backward of rows.
template <class T>
Tn<T> scatter_rows(const Tn<T>& a, const std::vector<std::size_t>& index, std::size_t num_rows);
template <class T>
Tn<T> concat(const std::vector<Tn<T>>& parts, long axis = 0);
// The slab [start, start + length) of a along `axis`.
template <class T>
Tn<T> narrow(const Tn<T>& a, long axis, std::size_t start, std::size_t length);
// The axes reordered: out.shape[i] = a.shape[axes[i]], as numpy.transpose(a, axes).
template <class T>
Tn<T> permute(const Tn<T>& a, const std::vector<std::size_t>& axes);

// ---- reductions (ops_reduce.cpp) ---------------------------------------------------------
template <class T>
Tn<T> sum(const Tn<T>& a);  // over everything, shape ()
template <class T>
Tn<T> sum(const Tn<T>& a, const std::vector<long>& axes, bool keepdims = false);
template <class T>
Tn<T> mean(const Tn<T>& a);
template <class T>
Tn<T> mean(const Tn<T>& a, const std::vector<long>& axes, bool keepdims = false);
// The maximum; ties share the gradient equally.
template <class T>
Tn<T> max(const Tn<T>& a);
template <class T>
Tn<T> max(const Tn<T>& a, const std::vector<long>& axes, bool keepdims = false);
// a - log(sum(exp(a))) along `axis`, computed without overflow.
template <class T>
Tn<T> log_softmax(const Tn<T>& a, long axis = -1);

}  // namespace autograd
