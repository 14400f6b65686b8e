// expect-hint: N times too large
// A wrong solution of exercise 07: the KL summed over the batch (as models/vae.cpp does,
// Reduction::Sum) instead of averaged over it: N times the per-example KL.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex07 {

using autograd::Tensor64;

Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    return mu + autograd::exp(logvar * 0.5) * eps;
}

Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    const Tensor64 terms = 1.0 + logvar - autograd::square(mu) - autograd::exp(logvar);  // (N, L)
    return autograd::sum(terms) * -0.5;                                                  // wrong: not divided by N
}

}  // namespace ex07
