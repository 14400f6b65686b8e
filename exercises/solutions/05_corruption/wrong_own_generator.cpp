// expect-hint: starts from the same seed every call
// A wrong solution of exercise 05: salt-and-pepper draws from a generator of its own,
// seeded inside the function, instead of from gen: every call gives the same corruption.
#include <stdexcept>
#include <utility>

#include <xtensor/xarray.hpp>

#include "exercise.hpp"

namespace ex05 {

using autograd::Generator;
using autograd::Tensor;

Tensor masking_noise(const Tensor& x, double nu, Generator& gen) {
    if (!(nu >= 0.0 && nu <= 1.0)) throw std::invalid_argument("masking_noise: nu must be in [0, 1]");
    xt::xarray<float> v = x.value();
    for (float& e : v)
        if (gen.uniform() < nu) e = 0.0f;
    return Tensor(std::move(v));
}

Tensor salt_and_pepper(const Tensor& x, double nu, Generator& /*gen*/) {
    if (!(nu >= 0.0 && nu <= 1.0)) throw std::invalid_argument("salt_and_pepper: nu must be in [0, 1]");
    Generator mine(42);  // wrong: a fresh generator each call
    xt::xarray<float> v = x.value();
    for (float& e : v)
        if (mine.uniform() < nu) e = mine.uniform() < 0.5 ? 0.0f : 1.0f;
    return Tensor(std::move(v));
}

}  // namespace ex05
