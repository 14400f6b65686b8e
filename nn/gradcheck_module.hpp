// gradcheck_module.hpp: a module's gradients checked in float64, the way autograd/gradcheck.hpp checks
// an op's. Training runs in float32, where central differences drown in rounding; so the check
// runs the module's forward64 (the same functional forms as its forward, in float64) on float64
// copies of its parameters:
//
//     nn::Linear layer(3, 2, gen);
//     const auto r = nn::gradcheck_module(layer, autograd::randn<double>({4, 3}, gen));
//     if (!r) fmt::print("{}", r.report);
//
// Before comparing gradients it checks that forward64 computes what forward computes (to float32
// rounding), so that a check of forward64 is a check of the layer that trains.
#pragma once

#include "autograd/gradcheck.hpp"
#include "nn/module.hpp"

namespace nn {

// d module(x) / d x and d module(x) / d every parameter that requires grad, against central
// differences. The module is left as it was (its mode, parameters and buffers).
autograd::GradcheckResult gradcheck_module(Module& module, const autograd::Tensor64& x,
                                           const autograd::GradcheckOptions& options = {});

// The same for the second derivatives (autograd::gradgradcheck), which the contractive penalty
// and other gradient penalties differentiate.
autograd::GradcheckResult gradgradcheck_module(Module& module, const autograd::Tensor64& x,
                                               const autograd::GradcheckOptions& options = {});

}  // namespace nn
