// expect-hint: return a new constant tensor
// mistake: Masking noise built with a tensor op, x * mask: when x requires grad the result is recorded on the tape, with a history back to x.
// expect-check: no history: the result is a constant, even when x requires grad
// The reference solution of exercise 05.
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <xtensor/xarray.hpp>
#include <xtensor/xbuilder.hpp>  // MISTAKE

#include "exercise.hpp"

namespace ex05 {

using autograd::Generator;
using autograd::Tensor;

namespace {
// nu is a probability; the negated test also rejects NaN.
void check_probability(const char* what, double nu) {
    if (!(nu >= 0.0 && nu <= 1.0))
        throw std::invalid_argument(fmt::format("{}: nu must be a probability in [0, 1], got {}", what, nu));
}
}  // namespace

Tensor masking_noise(const Tensor& x, double nu, Generator& gen) {
    check_probability("masking_noise", nu);
    xt::xarray<float> v = xt::ones<float>(x.shape());  // a mask of 1s  // MISTAKE
    for (float& e : v)
        if (gen.uniform() < nu) e = 0.0f;  // P(u < nu) = nu for u ~ U[0, 1)
    return x * Tensor(std::move(v));       // an op on x, recorded when x requires grad  // MISTAKE
}

Tensor salt_and_pepper(const Tensor& x, double nu, Generator& gen) {
    check_probability("salt_and_pepper", nu);
    xt::xarray<float> v = x.value();
    // One draw per element: u < nu/2 gives 0 (pepper), nu/2 <= u < nu gives 1 (salt).
    for (float& e : v) {
        const double u = gen.uniform();
        if (u < nu) e = u < 0.5 * nu ? 0.0f : 1.0f;
    }
    return Tensor(std::move(v));
}

}  // namespace ex05
