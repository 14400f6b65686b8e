// init.hpp: weight initialisers. Each draws from the generator it is given, so the same seed
// gives the same network, bit for bit.
#pragma once

#include <cstddef>

#include "autograd/random.hpp"
#include "autograd/tensor.hpp"

namespace nn {

// Which initialiser a layer uses for its weight.
enum class Init {
    Xavier,  // Glorot and Bengio (2010): keeps the variance through sigmoid / tanh layers
    He,      // He et al. (2015): keeps the variance through ReLU layers
};

// Xavier / Glorot uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), so Var = 2 / (fan_in + fan_out).
autograd::Tensor xavier_uniform(const autograd::Shape& shape, std::size_t fan_in, std::size_t fan_out,
                                autograd::Generator& gen);

// He / Kaiming normal: N(0, 2 / fan_in); ReLU zeroes half the inputs, the factor 2 makes up for it.
autograd::Tensor he_normal(const autograd::Shape& shape, std::size_t fan_in, autograd::Generator& gen);

// The weight of a layer with the given fans, by `init`.
autograd::Tensor init_weight(Init init, const autograd::Shape& shape, std::size_t fan_in, std::size_t fan_out,
                             autograd::Generator& gen);

}  // namespace nn
