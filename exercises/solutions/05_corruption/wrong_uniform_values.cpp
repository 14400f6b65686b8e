// expect-hint: not a random value in between
// mistake: salt-and-pepper replaces a corrupted element by a uniform draw in [0, 1) instead of exactly 0 or 1.
// expect-check: salt-and-pepper: each element is kept bit for bit or set to exactly 0 or 1
// The reference solution of exercise 05.
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <xtensor/xarray.hpp>

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
    xt::xarray<float> v = x.value();  // a copy: x itself is left alone
    for (float& e : v)
        if (gen.uniform() < nu) e = 0.0f;  // P(u < nu) = nu for u ~ U[0, 1)
    return Tensor(std::move(v));           // a new leaf: no history
}

Tensor salt_and_pepper(const Tensor& x, double nu, Generator& gen) {
    check_probability("salt_and_pepper", nu);
    xt::xarray<float> v = x.value();
    // One draw per element: u < nu/2 gives 0 (pepper), nu/2 <= u < nu gives 1 (salt).
    for (float& e : v) {
        const double u = gen.uniform();
        if (u < nu) e = static_cast<float>(gen.uniform());  // any value in [0, 1)  // MISTAKE
    }
    return Tensor(std::move(v));
}

}  // namespace ex05
