// expect-hint: nor one mask of pixels shared by every image
// A wrong solution of exercise 05: masking draws one mask over the columns (the
// pixels) and applies it to every row (every image): the same pixels are lost in each image.
#include <stdexcept>
#include <utility>
#include <vector>

#include <xtensor/xarray.hpp>

#include "exercise.hpp"

namespace ex05 {

using autograd::Generator;
using autograd::Tensor;

Tensor masking_noise(const Tensor& x, double nu, Generator& gen) {
    if (!(nu >= 0.0 && nu <= 1.0)) throw std::invalid_argument("masking_noise: nu must be in [0, 1]");
    xt::xarray<float> v = x.value();
    const std::size_t rows = v.shape()[0], cols = v.size() / rows;
    std::vector<bool> drop(cols);
    for (std::size_t j = 0; j < cols; ++j) drop[j] = gen.uniform() < nu;  // wrong: one draw per pixel, not per element
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j)
            if (drop[j]) v.data()[i * cols + j] = 0.0f;
    return Tensor(std::move(v));
}

Tensor salt_and_pepper(const Tensor& x, double nu, Generator& gen) {
    if (!(nu >= 0.0 && nu <= 1.0)) throw std::invalid_argument("salt_and_pepper: nu must be in [0, 1]");
    xt::xarray<float> v = x.value();
    for (float& e : v)
        if (gen.uniform() < nu) e = gen.uniform() < 0.5 ? 0.0f : 1.0f;
    return Tensor(std::move(v));
}

}  // namespace ex05
