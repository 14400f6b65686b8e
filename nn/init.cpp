#include "nn/init.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "autograd/ops.hpp"

namespace nn {

namespace {
void check_fans(const char* what, std::size_t fan_in, std::size_t fan_out) {
    if (fan_in == 0 || fan_out == 0)
        throw std::invalid_argument(
            fmt::format("{}: fan_in ({}) and fan_out ({}) must be positive", what, fan_in, fan_out));
}
}  // namespace

autograd::Tensor xavier_uniform(const autograd::Shape& shape, std::size_t fan_in, std::size_t fan_out,
                                autograd::Generator& gen) {
    check_fans("xavier_uniform", fan_in, fan_out);
    const double a = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
    return autograd::uniform(shape, -a, a, gen);
}

autograd::Tensor he_normal(const autograd::Shape& shape, std::size_t fan_in, autograd::Generator& gen) {
    check_fans("he_normal", fan_in, 1);
    return autograd::randn(shape, gen) * std::sqrt(2.0 / static_cast<double>(fan_in));
}

autograd::Tensor init_weight(Init init, const autograd::Shape& shape, std::size_t fan_in, std::size_t fan_out,
                             autograd::Generator& gen) {
    return init == Init::He ? he_normal(shape, fan_in, gen) : xavier_uniform(shape, fan_in, fan_out, gen);
}

}  // namespace nn
