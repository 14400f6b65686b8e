// expect-hint: nearly every element moved
// A wrong solution of exercise 05: salt-and-pepper written as strong noise added to every
// element and clipped to [0, 1], so that some elements land on 0 or 1 (a different corruption:
// every element moves).
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
    for (float& e : v) {
        const double noisy = e + nu * 4.0 * gen.normal();                       // wrong: every element moves,
        e = static_cast<float>(noisy < 0.0 ? 0.0 : noisy > 1.0 ? 1.0 : noisy);  // then is clipped to [0, 1]
    }
    return Tensor(std::move(v));
}

}  // namespace ex05
