// exercise.hpp (exercise 07): the functions you write in student.cpp. Do not change their signatures.
#pragma once

#include "autograd/autograd.hpp"

namespace ex07 {

// The reparameterization trick: z = mu + exp(logvar / 2) * eps, elementwise, for mu, logvar and
// eps of one shape (N, L); eps ~ N(0, 1) is drawn by the caller. Built from autograd ops, so that
// gradients reach mu and logvar.
autograd::Tensor64 reparameterize(const autograd::Tensor64& mu, const autograd::Tensor64& logvar,
                                  const autograd::Tensor64& eps);

// KL(N(mu, exp(logvar)) || N(0, I)) in closed form, per example and averaged over the batch:
//     -1/2 (1/N) sum_n sum_j (1 + logvar[n, j] - mu[n, j]^2 - exp(logvar[n, j]))
// for mu and logvar of shape (N, L). A scalar tensor (shape ()), built from autograd ops.
autograd::Tensor64 gaussian_kl(const autograd::Tensor64& mu, const autograd::Tensor64& logvar);

}  // namespace ex07

// In your own build (`./lab check`) the library's finished answer to this exercise is off limits:
// a call to it from student.cpp is a compile error saying so. The lectures keep using it.
#if defined(LAB_STUDENT_BUILD)
#include "exercises/grader/lab.hpp"
namespace autograd {
LAB_OFF_LIMITS("07", "autograd::gaussian_kl")
Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar, Reduction r = Reduction::Mean);
LAB_OFF_LIMITS("07", "autograd::gaussian_kl")
Tensor gaussian_kl(const Tensor& mu, const Tensor& logvar, Reduction r = Reduction::Mean);
}  // namespace autograd
#endif
