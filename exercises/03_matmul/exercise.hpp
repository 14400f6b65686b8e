// exercise.hpp (exercise 03): the functions you write in student.cpp. Do not change their signatures.
//
// Dimension letters: A (m, k), B (k, n), C = A B (m, n); for the layer, N examples, D inputs,
// H hidden units.
#pragma once

#include <xtensor/xarray.hpp>

#include "autograd/autograd.hpp"

namespace ex03 {

// C = A B, (m, k) @ (k, n) -> (m, n), recorded on the tape as the op "my_matmul" with a backward
// of your own built from tape ops (autograd::matmul, autograd::transpose).
autograd::Tensor64 matmul(const autograd::Tensor64& A, const autograd::Tensor64& B);

// The gradients of one encoder layer's loss with respect to its parameters.
struct LayerGrads {
    xt::xarray<double> dW;  // dL/dW, (D, H)
    xt::xarray<double> db;  // dL/db, (H,)
};

// For L = mean over all N x H elements of (sigmoid(x W + b) - t)^2, with x (N, D), W (D, H),
// b (H,), t (N, H): dL/dW and dL/db by the chain rule, by hand, on plain arrays (no tape).
LayerGrads one_layer_grads(const xt::xarray<double>& x, const xt::xarray<double>& W, const xt::xarray<double>& b,
                           const xt::xarray<double>& t);

}  // namespace ex03
