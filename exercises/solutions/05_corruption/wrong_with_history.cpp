// expect-hint: return a new constant tensor
// A wrong solution of exercise 05: masking noise built with tensor ops, x * mask: when x
// requires grad the result is recorded on the tape, with a history back to x.
#include <stdexcept>
#include <utility>

#include <xtensor/xarray.hpp>
#include <xtensor/xbuilder.hpp>

#include "exercise.hpp"

namespace ex05 {

using autograd::Generator;
using autograd::Tensor;

Tensor masking_noise(const Tensor& x, double nu, Generator& gen) {
    if (!(nu >= 0.0 && nu <= 1.0)) throw std::invalid_argument("masking_noise: nu must be in [0, 1]");
    xt::xarray<float> keep = xt::ones<float>(x.shape());
    for (float& k : keep)
        if (gen.uniform() < nu) k = 0.0f;
    return x * Tensor(std::move(keep));  // wrong: an op on x, recorded when x requires grad
}

Tensor salt_and_pepper(const Tensor& x, double nu, Generator& gen) {
    if (!(nu >= 0.0 && nu <= 1.0)) throw std::invalid_argument("salt_and_pepper: nu must be in [0, 1]");
    xt::xarray<float> v = x.value();
    for (float& e : v)
        if (gen.uniform() < nu) e = gen.uniform() < 0.5 ? 0.0f : 1.0f;
    return Tensor(std::move(v));
}

}  // namespace ex05
