// expect-compile-error: exercise 07 asks you to write it yourself: autograd::gaussian_kl is the library's finished answer
// mistake: the library's autograd::gaussian_kl called instead of the KL written out
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
    return autograd::gaussian_kl(mu, logvar);  // MISTAKE
}

}  // namespace ex07
