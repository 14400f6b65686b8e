// autograd.hpp: everything a program needs, in one include.
//
//   tensor.hpp     the differentiable tensor handle, its node, grad mode, factories
//   ops.hpp        every op: it includes each family's header, ops_arith.hpp to ops_norm.hpp and
//                  losses.hpp (forward and backward side by side in the .cpp of the same name)
//   engine.hpp     backward() and grad(): the reverse sweep
//   anomaly.hpp    anomaly mode: the first op to make a NaN or Inf, forward or backward
//   gradcheck.hpp  central differences against backward, first and second order
//   inspect.hpp    the tape as text and as DOT text (io/dot.hpp writes and renders it)
//   random.hpp     the seeded generator behind every random number
#pragma once

#include "autograd/anomaly.hpp"
#include "autograd/engine.hpp"
#include "autograd/gradcheck.hpp"
#include "autograd/inspect.hpp"
#include "autograd/ops.hpp"
#include "autograd/random.hpp"
#include "autograd/shape.hpp"
#include "autograd/tensor.hpp"
