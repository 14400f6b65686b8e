// expect-hint: the sample must be a function of mu and logvar on the tape, that is the trick
// mistake: z computed on the arrays mu.value() and logvar.value(): the right numbers, but a constant with no history, so no gradient reaches mu or logvar.
// expect-check: z is on the tape: it depends on mu and logvar
// The reference solution of exercise 07.
#include <utility>            // MISTAKE
#include <xtensor/xmath.hpp>  // MISTAKE
#include "exercise.hpp"

namespace ex07 {

using autograd::Tensor64;

// z = mu + sigma * eps, sigma = exp(logvar / 2)
Tensor64 reparameterize(const Tensor64& mu, const Tensor64& logvar, const Tensor64& eps) {
    xt::xarray<double> z = mu.value() + xt::exp(logvar.value() * 0.5) * eps.value();  // off the tape  // MISTAKE
    return Tensor64(std::move(z));                                                    // MISTAKE
}

// -1/2 (1/N) sum_n sum_j (1 + logvar - mu^2 - exp(logvar))
Tensor64 gaussian_kl(const Tensor64& mu, const Tensor64& logvar) {
    const Tensor64 terms = 1.0 + logvar - autograd::square(mu) - autograd::exp(logvar);  // (N, L)
    const double N = static_cast<double>(mu.shape()[0]);
    return autograd::sum(terms) * (-0.5 / N);  // ()
}

}  // namespace ex07
