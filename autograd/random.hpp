// random.hpp: the one source of randomness. An explicit, seeded generator with its own
// transforms to uniform and normal numbers: the standard library's distributions are not the
// same on every implementation, these are, so a lecture prints the same numbers everywhere.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "autograd/tensor.hpp"

namespace autograd {

// xoshiro256** (Blackman and Vigna), its state filled from the seed by splitmix64.
class Generator {
public:
    explicit Generator(std::uint64_t seed);

    std::uint64_t next_u64();
    double uniform();                                     // in [0, 1), 53 random bits
    double uniform(double lo, double hi);                 // in [lo, hi)
    double normal();                                      // N(0, 1) by the Box-Muller transform
    std::uint64_t below(std::uint64_t n);                 // in [0, n), without modulo bias
    void shuffle(std::vector<std::size_t>& v);            // Fisher-Yates
    std::vector<std::size_t> permutation(std::size_t n);  // a shuffled 0, 1, ..., n-1

    // The four words of state, to keep and restore: a lecture saves them with a trained model, so
    // that a run which reloads the model draws the same numbers afterwards as the run that trained
    // it. An all-zero state (xoshiro's one fixed point) is a std::invalid_argument.
    std::array<std::uint64_t, 4> state() const;
    void set_state(const std::array<std::uint64_t, 4>& state);

private:
    std::uint64_t s_[4];
};

// Tensors of independent draws, constant leaves (a parameter: randn({3, 2}, gen).requires_grad_()).
template <class T = float>
BasicTensor<T> randn(const Shape& shape, Generator& gen);  // N(0, 1)
template <class T = float>
BasicTensor<T> rand(const Shape& shape, Generator& gen);  // U[0, 1)
template <class T = float>
BasicTensor<T> uniform(const Shape& shape, double lo, double hi, Generator& gen);

}  // namespace autograd
