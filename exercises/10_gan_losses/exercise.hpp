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

// In your own build (`./lab check`) the library's finished answer to this exercise is off limits:
// a call to it from student.cpp is a compile error saying so. The lectures keep using it.
#if defined(LAB_STUDENT_BUILD)
#include "exercises/grader/lab.hpp"
#include "models/gan.hpp"
namespace models {
LAB_OFF_LIMITS("10", "models::discriminator_loss")
autograd::Tensor discriminator_loss(const autograd::Tensor& real_logits, const autograd::Tensor& fake_logits);
LAB_OFF_LIMITS("10", "models::generator_loss_nonsaturating")
autograd::Tensor generator_loss_nonsaturating(const autograd::Tensor& fake_logits);
}  // namespace models
namespace autograd {
LAB_OFF_LIMITS("10", "autograd::bce_with_logits")
Tensor64 bce_with_logits(const Tensor64& z, const Tensor64& target, Reduction r = Reduction::Mean);
LAB_OFF_LIMITS("10", "autograd::bce_with_logits")
Tensor bce_with_logits(const Tensor& z, const Tensor& target, Reduction r = Reduction::Mean);
}  // namespace autograd
#endif
