// ops.hpp: every differentiable op, in one include. Each family has a header of its own, and the
// .cpp file of the same name defines it, every op's backward right below its forward:
//   ops_arith       + - * / and their scalar forms, pow, square, sqrt, exp, log, abs
//   ops_activation  activations and masks: sigmoid, tanh, relu, leaky_relu, softplus, clamp, where
//   ops_linalg      matrix products: matmul, gemm, linear, tied_linear, transpose
//   ops_shape       shapes and indexing: reshape, flatten, permute, narrow, rows, scatter_rows,
//                   concat, broadcast_to, sum_to
//   ops_reduce      reductions: sum, mean, max, softmax, log_softmax
//   ops_im2col      the index arithmetic of convolution: im2col, col2im, the convolution matrix
//   ops_conv        convolutions and transposed convolutions (NCHW)
//   ops_pool        pooling and upsampling
//   ops_norm        batch normalisation
//   losses          the losses and penalties of the lectures
// Every backward is written with these same ops, so gradients can be differentiated again
// (create_graph).
//
// Binary ops broadcast as NumPy does ((3,1) with (1,4), (2,3) with (3,), a scalar with
// anything); their backward sums the gradient back to each operand's own shape (sum_to).
// Bad shapes throw ShapeError with the op's name and the shapes, e.g.
// "matmul: cannot multiply (2, 3) by (4, 5): inner sizes 3 and 4 differ".
#pragma once

#include "autograd/losses.hpp"
#include "autograd/ops_activation.hpp"
#include "autograd/ops_arith.hpp"
#include "autograd/ops_conv.hpp"
#include "autograd/ops_im2col.hpp"
#include "autograd/ops_linalg.hpp"
#include "autograd/ops_norm.hpp"
#include "autograd/ops_pool.hpp"
#include "autograd/ops_reduce.hpp"
#include "autograd/ops_shape.hpp"
