// expect-hint: the 1 is missing
// A wrong solution of exercise 07: the 1 left out of 1 + logvar - mu^2 - exp(logvar), so the
// KL is L/2 at the prior instead of 0.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex07 {

using autograd::Tensor64;

Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    return mu + autograd::exp(logvar * 0.5) * eps;
}

Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    const Tensor64 terms = logvar - autograd::square(mu) - autograd::exp(logvar);  // wrong: no 1
    return autograd::sum(terms) * (-0.5 / static_cast<double>(mu.shape()[0]));
}

}  // namespace ex07
