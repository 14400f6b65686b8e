#include "autograd/random.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "autograd/shape.hpp"

namespace autograd {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Generator::Generator(std::uint64_t seed) {
    for (auto& s : s_) s = splitmix64(seed);
}

std::array<std::uint64_t, 4> Generator::state() const { return {s_[0], s_[1], s_[2], s_[3]}; }

void Generator::set_state(const std::array<std::uint64_t, 4>& state) {
    if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0)
        throw std::invalid_argument("Generator::set_state: an all-zero state would give only zeros");
    for (std::size_t i = 0; i < 4; ++i) s_[i] = state[i];
}

std::uint64_t Generator::next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double Generator::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Generator::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double Generator::normal() {
    // Box-Muller: for u1 in (0, 1] and u2 in [0, 1), sqrt(-2 log u1) cos(2 pi u2) ~ N(0, 1).
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

std::uint64_t Generator::below(std::uint64_t n) {
    if (n == 0) throw std::invalid_argument("Generator::below: n must be positive");
    // Reject the top partial block of 2^64 so that every remainder is equally likely.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x;
    do x = next_u64();
    while (x >= limit);
    return x % n;
}

void Generator::shuffle(std::vector<std::size_t>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
}

std::vector<std::size_t> Generator::permutation(std::size_t n) {
    std::vector<std::size_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = i;
    shuffle(v);
    return v;
}

template <class T>
BasicTensor<T> randn(const Shape& shape, Generator& gen) {
    xt::xarray<T> a = allocate<T>("randn", shape);
    for (auto& x : a) x = static_cast<T>(gen.normal());
    return BasicTensor<T>(std::move(a));
}

namespace {
// Draws from U[lo, hi); a shape too large is a ShapeError naming `op`.
template <class T>
BasicTensor<T> uniform_draws(const char* op, const Shape& shape, double lo, double hi, Generator& gen) {
    xt::xarray<T> a = allocate<T>(op, shape);
    for (auto& x : a) x = static_cast<T>(gen.uniform(lo, hi));
    return BasicTensor<T>(std::move(a));
}
}  // namespace

template <class T>
BasicTensor<T> uniform(const Shape& shape, double lo, double hi, Generator& gen) {
    return uniform_draws<T>("uniform", shape, lo, hi, gen);
}

template <class T>
BasicTensor<T> rand(const Shape& shape, Generator& gen) {
    return uniform_draws<T>("rand", shape, 0.0, 1.0, gen);
}

template BasicTensor<float> randn<float>(const Shape&, Generator&);
template BasicTensor<double> randn<double>(const Shape&, Generator&);
template BasicTensor<float> rand<float>(const Shape&, Generator&);
template BasicTensor<double> rand<double>(const Shape&, Generator&);
template BasicTensor<float> uniform<float>(const Shape&, double, double, Generator&);
template BasicTensor<double> uniform<double>(const Shape&, double, double, Generator&);

}  // namespace autograd
