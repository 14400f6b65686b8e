// expect-hint: sigma = exp(logvar / 2): logvar is log sigma^2
// mistake: sigma taken as exp(logvar), which is the variance sigma^2, not the standard deviation.
// expect-check: z = mu + exp(logvar / 2) * eps
// The reference solution of exercise 07.
#include "exercise.hpp"

namespace ex07 {

using autograd::Tensor64;

// z = mu + sigma * eps, sigma = exp(logvar / 2)
Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    return mu + autograd::exp(logvar) * eps;  // (N, L); exp(logvar) is sigma^2  // MISTAKE
}

// -1/2 (1/N) sum_n sum_j (1 + logvar - mu^2 - exp(logvar))
Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    const Tensor64 terms = 1.0 + logvar - autograd::square(mu) - autograd::exp(logvar);  // (N, L)
    const double N = static_cast<double>(mu.shape()[0]);
    return autograd::sum(terms) * (-0.5 / N);  // ()
}

}  // namespace ex07
