// expect-compile-error: exercise 05 asks you to write it yourself: nn::masking_noise is the library's finished answer
// mistake: the library's nn::masking_noise called instead of the noise drawn
// The reference solution of exercise 05.
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <xtensor/xarray.hpp>

#include "exercise.hpp"
#include "nn/noise.hpp"  // MISTAKE

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
    return nn::masking_noise(x, nu, gen);  // MISTAKE
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
