// expect-hint: logvar and exp(logvar) have traded places
// A wrong solution of exercise 07: logvar and exp(logvar) confused: 1 + exp(logvar) -
// mu^2 - logvar.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex07 {

using autograd::Tensor64;

Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    return mu + autograd::exp(logvar * 0.5) * eps;
}

Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    const Tensor64 terms = 1.0 + autograd::exp(logvar) - autograd::square(mu) - logvar;  // wrong: swapped
    return autograd::sum(terms) * (-0.5 / static_cast<double>(mu.shape()[0]));
}

}  // namespace ex07
