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

// ---- arithmetic (ops_arith.cpp) ----------------------------------------------------------
template <class T>
BasicTensor<T> operator+(const BasicTensor<T>& a, const BasicTensor<T>& b);  // a + b
template <class T>
BasicTensor<T> operator-(const BasicTensor<T>& a, const BasicTensor<T>& b);  // a - b
template <class T>
BasicTensor<T> operator*(const BasicTensor<T>& a, const BasicTensor<T>& b);  // a * b, elementwise
template <class T>
BasicTensor<T> operator/(const BasicTensor<T>& a, const BasicTensor<T>& b);  // a / b, elementwise
template <class T>
BasicTensor<T> operator-(const BasicTensor<T>& a);  // -a
template <class T>
BasicTensor<T> operator+(const BasicTensor<T>& a, double s);  // a + s
template <class T>
BasicTensor<T> operator+(double s, const BasicTensor<T>& a);  // s + a
template <class T>
BasicTensor<T> operator-(const BasicTensor<T>& a, double s);  // a - s
template <class T>
BasicTensor<T> operator-(double s, const BasicTensor<T>& a);  // s - a
template <class T>
BasicTensor<T> operator*(const BasicTensor<T>& a, double s);  // a * s
template <class T>
BasicTensor<T> operator*(double s, const BasicTensor<T>& a);  // s * a
template <class T>
BasicTensor<T> operator/(const BasicTensor<T>& a, double s);  // a / s
template <class T>
BasicTensor<T> operator/(double s, const BasicTensor<T>& a);  // s / a
template <class T>
BasicTensor<T> pow(const BasicTensor<T>& a, double p);  // a^p
template <class T>
BasicTensor<T> square(const BasicTensor<T>& a);  // a^2
template <class T>
BasicTensor<T> sqrt(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> exp(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> log(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> abs(const BasicTensor<T>& a);  // the gradient at 0 is 0

// ---- activations and masks (ops_activation.cpp) ------------------------------------------
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

// ---- matrix products (ops_linalg.cpp) ----------------------------------------------------
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

// ---- shapes and indexing (ops_shape.cpp) -------------------------------------------------
template <class T>
BasicTensor<T> reshape(const BasicTensor<T>& a, const Shape& shape);
template <class T>
BasicTensor<T> flatten(const BasicTensor<T>& a);  // (N, ...) -> (N, rest)
template <class T>
BasicTensor<T> broadcast_to(const BasicTensor<T>& a, const Shape& shape);
// Sums a broadcast gradient back to `shape`: the inverse of broadcast_to.
template <class T>
BasicTensor<T> sum_to(const BasicTensor<T>& a, const Shape& shape);
// The rows a[index[0]], a[index[1]], ... (along axis 0): how a minibatch is taken.
template <class T>
BasicTensor<T> rows(const BasicTensor<T>& a, const std::vector<std::size_t>& index);
// A zero tensor with `num_rows` rows where row index[k] gets a[k] added: the backward of rows.
template <class T>
BasicTensor<T> scatter_rows(const BasicTensor<T>& a, const std::vector<std::size_t>& index, std::size_t num_rows);
template <class T>
BasicTensor<T> concat(const std::vector<BasicTensor<T>>& parts, long axis = 0);
// The slab [start, start + length) of a along `axis`.
template <class T>
BasicTensor<T> narrow(const BasicTensor<T>& a, long axis, std::size_t start, std::size_t length);
// The axes reordered: out.shape[i] = a.shape[axes[i]], as numpy.transpose(a, axes).
template <class T>
BasicTensor<T> permute(const BasicTensor<T>& a, const std::vector<std::size_t>& axes);

// ---- reductions (ops_reduce.cpp) ---------------------------------------------------------
template <class T>
BasicTensor<T> sum(const BasicTensor<T>& a);  // over everything, shape ()
template <class T>
BasicTensor<T> sum(const BasicTensor<T>& a, const std::vector<long>& axes, bool keepdims = false);
template <class T>
BasicTensor<T> mean(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> mean(const BasicTensor<T>& a, const std::vector<long>& axes, bool keepdims = false);
// The maximum; ties share the gradient equally.
template <class T>
BasicTensor<T> max(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> max(const BasicTensor<T>& a, const std::vector<long>& axes, bool keepdims = false);
// e^a / sum(e^a) along `axis`: positive entries that sum to 1 (class probabilities from logits),
// computed without overflow.
template <class T>
BasicTensor<T> softmax(const BasicTensor<T>& a, long axis = -1);
// a - log(sum(exp(a))) along `axis`, computed without overflow: log(softmax(a)), and exact where
// softmax(a) would round to 0 (use it for a loss).
template <class T>
BasicTensor<T> log_softmax(const BasicTensor<T>& a, long axis = -1);

}  // namespace autograd
