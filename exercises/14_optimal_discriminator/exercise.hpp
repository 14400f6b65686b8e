// exercise.hpp (exercise 14): the functions you write in student.cpp. Do not change their signatures.
//
// Densities on the real line are given by their values at the points of a grid of spacing dx, as
// plain float64 arrays; an integral over the line is the rectangle rule, sum_k f(x_k) dx.
// Dimension letters: K points of the grid, N samples in a batch.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include <xtensor/xarray.hpp>

#include "autograd/autograd.hpp"
#include "nn/nn.hpp"

namespace ex14 {

using Array = xt::xarray<double>;

// The best discriminator for a fixed generator, elementwise:
//     D*(x) = p_data(x) / (p_data(x) + p_g(x)),
// from two arrays of density values (each >= 0) of the same shape; the result has that shape and
// lies in [0, 1]. Where both densities are 0, every D(x) does equally well: return 1/2 there.
Array optimal_discriminator(const Array& p_data, const Array& p_g);

// The value of the game, V(D, G) = integral of p_data(x) log D(x) + p_g(x) log(1 - D(x)) dx, by the
// rectangle rule: p_data, p_g and D are (K,) values on a grid of spacing dx, D in [0, 1]. A term
// whose density is 0 counts as 0 (0 log 0 = 0, the limit).
double game_value(const Array& p_data, const Array& p_g, const Array& D, double dx);

// JSD(p_data || p_g), in nats, as the game measures it: from the value at the best discriminator,
// V(D*, G) = -log 4 + 2 JSD(p_data || p_g) (Goodfellow et al. 2014, Theorem 1). p_data and p_g are
// (K,) on a grid of spacing dx, each summing to 1 by the rectangle rule.
double jsd_by_game(const Array& p_data, const Array& p_g, double dx);

// Draws n samples of a distribution on the real line: a column (n, 1), float32.
using Sampler = std::function<autograd::Tensor(std::size_t n, autograd::Generator& gen)>;

// A discriminator trained for the fixed generator whose samples sample_g draws: a model that maps
// x (N, 1) to the logit l(x) (N, 1), D(x) = sigmoid(l(x)) its probability that x is real, trained
// on J(D) (label 1 for samples of sample_data, 0 for those of sample_g). Every random number (the
// weights, the samples) comes from `gen`.
std::shared_ptr<nn::Module> train_discriminator(const Sampler& sample_data, const Sampler& sample_g,
                                                autograd::Generator& gen);

}  // namespace ex14
