// expect-hint: nor one mask of pixels shared by every image
// mistake: Masking draws one mask over the columns (the pixels) and applies it to every row (every image): the same pixels are lost in each image.
// expect-check: masking: each element has its own draw
// The reference solution of exercise 05.
#include <stdexcept>
#include <utility>
#include <vector>  // MISTAKE

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
    xt::xarray<float> v = x.value();                                      // a copy: x itself is left alone
    const std::size_t rows = v.shape()[0], cols = v.size() / rows;        // MISTAKE
    std::vector<bool> drop(cols);                                         // MISTAKE
    for (std::size_t j = 0; j < cols; ++j) drop[j] = gen.uniform() < nu;  // one draw per pixel  // MISTAKE
    for (std::size_t i = 0; i < rows; ++i)                                // MISTAKE
        for (std::size_t j = 0; j < cols; ++j)                            // MISTAKE
            if (drop[j]) v.data()[i * cols + j] = 0.0f;                   // MISTAKE
    return Tensor(std::move(v));                                          // a new leaf: no history
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
