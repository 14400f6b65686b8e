// expect-hint: sigma = exp(logvar / 2): logvar is log sigma^2
// A wrong solution of exercise 07: sigma taken as exp(logvar), which is the variance
// sigma^2, not the standard deviation.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex07 {

using autograd::Tensor64;

Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    return mu + autograd::exp(logvar) * eps;  // wrong: exp(logvar) is sigma^2
}

Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    const Tensor64 terms = 1.0 + logvar - autograd::square(mu) - autograd::exp(logvar);  // (N, L)
    return autograd::sum(terms) * (-0.5 / static_cast<double>(mu.shape()[0]));
}

}  // namespace ex07
