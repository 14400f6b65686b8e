// expect-hint: N times too large
// mistake: The KL summed over the batch (as models/vae.cpp does, Reduction::Sum) instead of averaged over it: N times the per-example KL.
// expect-check: the KL is -1/2 sum_j (1 + logvar - mu^2 - exp(logvar)), averaged over the batch
// The reference solution of exercise 07.
#include "exercise.hpp"

namespace ex07 {

using autograd::Tensor64;

// z = mu + sigma * eps, sigma = exp(logvar / 2)
Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    return mu + autograd::exp(logvar * 0.5) * eps;  // (N, L); eps is a constant, mu and logvar on the tape
}

// -1/2 (1/N) sum_n sum_j (1 + logvar - mu^2 - exp(logvar))
Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    const Tensor64 terms = 1.0 + logvar - autograd::square(mu) - autograd::exp(logvar);  // (N, L)
    // MISTAKE: the batch size N, to divide by, is missing here
    return autograd::sum(terms) * -0.5;  // () not divided by N  // MISTAKE
}

}  // namespace ex07
