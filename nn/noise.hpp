// noise.hpp: the corruptions of the denoising autoencoder (Vincent et al. 2010; Scott,
// Lecture 5, slide 19). The network is given a corrupted x~ and trained to give back the clean x:
//   Gaussian noise:         x~ = x + z,  z ~ N(0, sigma^2 I)
//   masking noise:          each component of x set to 0 with probability nu
//   salt-and-pepper noise:  each component with probability nu set to its min or its max
//                           (equally likely)
//   dropout noise:          masking noise with the survivors scaled by 1 / (1 - nu), as the
//                           Dropout layer does (Silva's "shutting down nodes" on the input):
//                           E[x~] = x, where masking gives E[x~] = (1 - nu) x
// Each result is a constant tensor: a new leaf with no history, so no gradient flows back
// through the corruption (the corrupted input is data, not a function of the parameters).
// Every random number comes from `gen`, one draw per element in row-major order, so the same
// seed gives the same corruption.
#pragma once

#include "autograd/random.hpp"
#include "autograd/tensor.hpp"

namespace nn {

// x + sigma * N(0, 1), independently per element; sigma < 0 is a std::invalid_argument.
autograd::Tensor gaussian_noise(const autograd::Tensor& x, double sigma, autograd::Generator& gen);

// x with each element set to 0 independently with probability nu in [0, 1] (else a
// std::invalid_argument).
autograd::Tensor masking_noise(const autograd::Tensor& x, double nu, autograd::Generator& gen);

// x with each element set to 0 independently with probability nu in [0, 1), the others divided
// by 1 - nu (else a std::invalid_argument). It draws as masking_noise does: from generators in
// the same state the two zero the same elements, and dropout_noise = masking_noise / (1 - nu).
autograd::Tensor dropout_noise(const autograd::Tensor& x, double nu, autograd::Generator& gen);

// x with each element, independently with probability nu in [0, 1], set to lo or to hi (equally
// likely); the others are unchanged. For MNIST pixels in [0, 1] the defaults are the min and max.
autograd::Tensor salt_and_pepper(const autograd::Tensor& x, double nu, autograd::Generator& gen, double lo = 0.0,
                                 double hi = 1.0);

}  // namespace nn
