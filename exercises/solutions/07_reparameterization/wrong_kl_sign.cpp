// expect-hint: the sign: a KL divergence is never negative
// mistake: The KL with its sign flipped: +1/2 sum (1 + logvar - mu^2 - exp(logvar)), which is never positive.
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
    const double N = static_cast<double>(mu.shape()[0]);
    return autograd::sum(terms) * (0.5 / N);  // () +1/2  // MISTAKE
}

}  // namespace ex07
