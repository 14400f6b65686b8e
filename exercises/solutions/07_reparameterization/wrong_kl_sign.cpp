// expect-hint: the sign: a KL divergence is never negative
// A wrong solution of exercise 07: the KL with its sign flipped: +1/2 sum (1 + logvar -
// mu^2 - exp(logvar)), which is never positive.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex07 {

using autograd::Tensor64;

Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    return mu + autograd::exp(logvar * 0.5) * eps;
}

Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    const Tensor64 terms = 1.0 + logvar - autograd::square(mu) - autograd::exp(logvar);  // (N, L)
    return autograd::sum(terms) * (0.5 / static_cast<double>(mu.shape()[0]));            // wrong: + 1/2
}

}  // namespace ex07
