// expect-hint: the sample must be a function of mu and logvar on the tape, that is the trick
// A wrong solution of exercise 07: z computed on the arrays mu.value() and logvar.value():
// the right numbers, but a constant with no history, so no gradient reaches mu or logvar.
#include <utility>

#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex07 {

using autograd::Tensor64;

Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    xt::xarray<double> z = mu.value() + xt::exp(logvar.value() * 0.5) * eps.value();  // wrong: off the tape
    return Tensor64(std::move(z));
}

Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    const Tensor64 terms = 1.0 + logvar - autograd::square(mu) - autograd::exp(logvar);  // (N, L)
    return autograd::sum(terms) * (-0.5 / static_cast<double>(mu.shape()[0]));
}

}  // namespace ex07
