// Exercise 03: the backward of matmul, and the chain rule through a one-layer network. Read
// README.md first.
//
// Fill in the two bodies below; `./lab check 03` grades them.
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>

#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex03 {

using autograd::Tensor64;

// C = A B        dL/dA = G B^T,  dL/dB = A^T G,  where G = dL/dC = grad_out
Tensor64 matmul(const Tensor64& A, const Tensor64& B) {
    // 1. The value A B, an xt::xarray<double> (m, n), from the two arrays.
    // 2. return autograd::record<double>("my_matmul", value, {A, B}, backward), where backward is
    //    a closure [A, B](const Tensor64& out, const Tensor64& grad_out) { ... } returning
    //    autograd::Grads<double>{ dA (A's shape), dB (B's shape) }, made with autograd::matmul and
    //    autograd::transpose. Let the shapes tell you where each transpose goes.
    lab::hole("matmul: its value and its backward", A, B);
}

// L = 1/(N H) sum (sigmoid(x W + b) - t)^2
LayerGrads one_layer_grads(const xt::xarray<double>& x, const xt::xarray<double>& W, const xt::xarray<double>& b,
                           const xt::xarray<double>& t) {
    // The forward pass, keeping what the backward needs:   a = x W + b,  h = sigmoid(a)   (N, H)
    // Then the chain rule, one line per step, from the loss back to W and b (README):
    //   dL/dh, dL/da, dL/dW = x^T dL/da, dL/db.
    // Arrays only: xt::linalg::dot for products, xt::transpose, xt::sum(array, {axis}).
    lab::hole("one_layer_grads: the forward pass, then the chain rule by hand", x, W, b, t);
}

}  // namespace ex03
