// autograd.hpp: everything a program needs, in one include.
//
//   tensor.hpp     the differentiable tensor handle, its node, grad mode, factories
//   ops.hpp        the elementwise, matrix, shape and reduction ops (forward and backward side by
//                  side in ops_*.cpp)
//   losses.hpp     mse, binary and categorical cross-entropy, the two KL penalties, the contractive penalty
//   conv.hpp       convolutions and transposed convolutions (NCHW), im2col and col2im
//   pool.hpp       pooling and upsampling
//   norm.hpp       batch normalisation
//   engine.hpp     backward() and grad(): the reverse sweep
//   anomaly.hpp    anomaly mode: the first op to make a NaN or Inf, forward or backward
//   gradcheck.hpp  central differences against backward, first and second order
//   inspect.hpp    the tape as text and as a Graphviz picture
//   random.hpp     the seeded generator behind every random number
#pragma once

#include "autograd/anomaly.hpp"
#include "autograd/conv.hpp"
#include "autograd/engine.hpp"
#include "autograd/gradcheck.hpp"
#include "autograd/inspect.hpp"
#include "autograd/losses.hpp"
#include "autograd/norm.hpp"
#include "autograd/ops.hpp"
#include "autograd/pool.hpp"
#include "autograd/random.hpp"
#include "autograd/shape.hpp"
#include "autograd/tensor.hpp"
