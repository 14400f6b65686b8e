// exercise.hpp (exercise 10): the functions you write in student.cpp. Do not change their signatures.
//
// The discriminator outputs a logit l; its probability that the input is real is D = sigmoid(l).
// float64 throughout (the checks compare gradients).
#pragma once

#include "autograd/autograd.hpp"

namespace ex10 {

using autograd::Tensor64;

// J(D) = -mean log D(x) - mean log(1 - D(G(z))), from real_logits (N, 1) (the discriminator on
// real images) and fake_logits (M, 1) (on generated ones): a scalar (), finite for any logits.
Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits);

// The non-saturating generator loss J(G) = -mean log D(G(z)), from fake_logits (M, 1): a scalar
// (), finite for any logits.
Tensor64 generator_loss(const Tensor64& fake_logits);

}  // namespace ex10
