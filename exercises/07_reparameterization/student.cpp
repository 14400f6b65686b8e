// Exercise 07: the reparameterization trick and the Gaussian KL. Read README.md first.
//
// Fill in the two bodies below; `./lab check 07` grades them.
#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex07 {

using autograd::Tensor64;

// z = mu + sigma * eps, sigma = exp(logvar / 2)
Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    // One line of tensor ops on mu, logvar and eps (autograd::exp, *, +): the sample must be a
    // function of mu and logvar on the tape, or no gradient reaches the encoder.
    lab::hole("reparameterize: z = mu + exp(logvar / 2) * eps", mu, logvar, eps);
}

// KL(N(mu, sigma^2) || N(0, 1)) = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j)), per example,
// averaged over the N rows of the batch.
Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    // The terms (N, L) from ops (autograd::square, exp, +, -), summed over everything, divided by
    // N (the size of axis 0) and multiplied by -1/2: one number, shape ().
    lab::hole("gaussian_kl: the closed-form KL per example, averaged over the batch", mu, logvar);
}

}  // namespace ex07
