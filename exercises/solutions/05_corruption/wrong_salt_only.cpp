// expect-hint: half 1 (salt)
// A wrong solution of exercise 05: salt-and-pepper sets every corrupted element to 1
// (all salt, no pepper).
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

Tensor salt_and_pepper(const Tensor& x, double nu, Generator& gen) {
    if (!(nu >= 0.0 && nu <= 1.0)) throw std::invalid_argument("salt_and_pepper: nu must be in [0, 1]");
    xt::xarray<float> v = x.value();
    for (float& e : v)
        if (gen.uniform() < nu) e = 1.0f;  // wrong: never 0
    return Tensor(std::move(v));
}

}  // namespace ex05
