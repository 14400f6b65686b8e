#include "nn/noise.hpp"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace nn {

namespace {
// The value of x, copied: the corruption is done in place on the copy.
xt::xarray<float> copy_of(const char* what, const autograd::Tensor& x) {
    if (!x.defined()) throw std::invalid_argument(fmt::format("{}: x is an undefined tensor", what));
    return x.value();
}

// nu is a probability; the negated test also rejects NaN.
void check_probability(const char* what, double nu) {
    if (!(nu >= 0.0 && nu <= 1.0))
        throw std::invalid_argument(fmt::format("{}: nu must be a probability in [0, 1], got {}", what, nu));
}
}  // namespace

autograd::Tensor gaussian_noise(const autograd::Tensor& x, double sigma, autograd::Generator& gen) {
    if (!(sigma >= 0.0))
        throw std::invalid_argument(fmt::format("gaussian_noise: sigma must be 0 or more, got {}", sigma));
    xt::xarray<float> v = copy_of("gaussian_noise", x);
    for (float& e : v) e = static_cast<float>(e + sigma * gen.normal());  // x~ = x + z, z ~ N(0, sigma^2)
    return autograd::Tensor(std::move(v));
}

autograd::Tensor masking_noise(const autograd::Tensor& x, double nu, autograd::Generator& gen) {
    check_probability("masking_noise", nu);
    xt::xarray<float> v = copy_of("masking_noise", x);
    for (float& e : v)
        if (gen.uniform() < nu) e = 0.0f;  // P(u < nu) = nu for u ~ U[0, 1)
    return autograd::Tensor(std::move(v));
}

autograd::Tensor dropout_noise(const autograd::Tensor& x, double nu, autograd::Generator& gen) {
    // nu = 1 would leave nothing to rescale (a division by 0): dropout's p is below 1.
    if (!(nu >= 0.0 && nu < 1.0))
        throw std::invalid_argument(fmt::format("dropout_noise: nu must be in [0, 1), got {}", nu));
    xt::xarray<float> v = copy_of("dropout_noise", x);
    const double keep = 1.0 - nu;
    for (float& e : v) e = gen.uniform() < nu ? 0.0f : static_cast<float>(e / keep);  // E[x~] = x
    return autograd::Tensor(std::move(v));
}

autograd::Tensor salt_and_pepper(const autograd::Tensor& x, double nu, autograd::Generator& gen, double lo, double hi) {
    check_probability("salt_and_pepper", nu);
    xt::xarray<float> v = copy_of("salt_and_pepper", x);
    // One draw per element: u < nu/2 gives lo (pepper), nu/2 <= u < nu gives hi (salt), each with
    // probability nu/2.
    for (float& e : v) {
        const double u = gen.uniform();
        if (u < nu) e = static_cast<float>(u < 0.5 * nu ? lo : hi);
    }
    return autograd::Tensor(std::move(v));
}

}  // namespace nn
