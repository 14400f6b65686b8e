// The denoising autoencoder's corruptions: their statistics on a large tensor, determinism
// with a seed, constant results, and bad arguments.
#include "check.hpp"

#include <cmath>
#include <limits>

#include "nn/noise.hpp"

using autograd::Generator;
using autograd::Tensor;

namespace {
constexpr std::size_t kRows = 200, kCols = 500;  // 100,000 elements: the fractions' std is ~0.0015

// A (200, 500) tensor of values in [0.25, 0.75), never 0 or 1, so every change is visible.
Tensor grey(std::uint64_t seed = 5) {
    Generator gen(seed);
    return autograd::uniform({kRows, kCols}, 0.25, 0.75, gen).requires_grad_();
}
}  // namespace

TEST_CASE("gaussian_noise adds N(0, sigma^2): mean and std of the difference") {
    const Tensor x = grey();
    Generator gen(1);
    const double sigma = 0.3;
    const Tensor y = nn::gaussian_noise(x, sigma, gen);
    REQUIRE(y.shape() == x.shape());
    double s = 0, s2 = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double z = double(y.value().data()[i]) - double(x.value().data()[i]);
        s += z, s2 += z * z;
    }
    const double n = double(x.size()), mean = s / n, std = std::sqrt(s2 / n - mean * mean);
    CHECK_MESSAGE(std::abs(mean) < 0.005, "mean of the noise: expected 0, got " << mean);
    CHECK_MESSAGE(std::abs(std - sigma) < 0.005, "std of the noise: expected " << sigma << ", got " << std);
    Generator gen0(1);
    const Tensor same = nn::gaussian_noise(x, 0.0, gen0);
    CHECK_MESSAGE(same.value() == x.value(), "sigma 0 must leave x unchanged");
}

TEST_CASE("masking_noise zeroes a fraction nu and leaves the rest unchanged") {
    const Tensor x = grey();
    for (double nu : {0.0, 0.1, 0.5, 0.9, 1.0}) {
        Generator gen(2);
        const Tensor y = nn::masking_noise(x, nu, gen);
        REQUIRE(y.shape() == x.shape());
        std::size_t zeroed = 0, changed = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const float a = x.value().data()[i], b = y.value().data()[i];
            zeroed += b == 0.0f;
            changed += b != 0.0f && b != a;
        }
        const double fraction = double(zeroed) / double(x.size());
        CHECK_MESSAGE(std::abs(fraction - nu) < 0.01,
                      "nu " << nu << ": expected a fraction " << nu << " zeroed, got " << fraction);
        CHECK_MESSAGE(changed == 0, "nu " << nu << ": " << changed << " elements changed to something other than 0");
    }
}

TEST_CASE("dropout_noise zeroes what masking_noise zeroes and scales the rest by 1 / (1 - nu)") {
    const Tensor x = grey();
    for (double nu : {0.0, 0.2, 0.5, 0.9}) {
        Generator gen_mask(2), gen_drop(2);
        const xt::xarray<float> masked = nn::masking_noise(x, nu, gen_mask).value();
        const xt::xarray<float> dropped = nn::dropout_noise(x, nu, gen_drop).value();
        REQUIRE(dropped.shape() == masked.shape());
        check_close(dropped, xt::xarray<float>(masked / static_cast<float>(1.0 - nu)), 1e-6);
        // The rescaling keeps the mean: E[x~] = x, so mean(x~) - mean(x) is sampling noise only:
        // its std is x sqrt(nu / (1 - nu) / 100,000), below 0.005 for x < 0.75 at nu 0.9.
        const double shift = xt::mean(dropped)() - xt::mean(x.value())();
        CHECK_MESSAGE(std::abs(shift) < 0.02, "nu " << nu << ": expected the mean unchanged, it moved by " << shift);
    }
}

TEST_CASE("salt_and_pepper sets a fraction nu to lo or hi, half each") {
    const Tensor x = grey();
    for (double nu : {0.0, 0.2, 0.6, 1.0}) {
        for (const auto& [lo, hi] : {std::pair<double, double>{0.0, 1.0}, {-1.0, 2.0}}) {
            Generator gen(3);
            const Tensor y = nn::salt_and_pepper(x, nu, gen, lo, hi);
            std::size_t n_lo = 0, n_hi = 0, other = 0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                const float a = x.value().data()[i], b = y.value().data()[i];
                if (b == float(lo))
                    ++n_lo;
                else if (b == float(hi))
                    ++n_hi;
                else if (b != a)
                    ++other;
            }
            const double n = double(x.size());
            const double f_lo = double(n_lo) / n, f_hi = double(n_hi) / n;
            CHECK_MESSAGE(other == 0, "nu " << nu << ": " << other << " values are neither lo, hi nor unchanged");
            CHECK_MESSAGE(std::abs(f_lo + f_hi - nu) < 0.01,
                          "nu " << nu << ": expected a fraction " << nu << " corrupted, got " << f_lo + f_hi);
            CHECK_MESSAGE(std::abs(f_lo - nu / 2) < 0.01,
                          "nu " << nu << ": expected " << nu / 2 << " set to lo " << lo << ", got " << f_lo);
            CHECK_MESSAGE(std::abs(f_hi - nu / 2) < 0.01,
                          "nu " << nu << ": expected " << nu / 2 << " set to hi " << hi << ", got " << f_hi);
        }
    }
}

TEST_CASE("the same seed gives the same corruption, another seed another") {
    const Tensor x = grey();
    auto corrupt = [&](int which, std::uint64_t seed) {
        Generator gen(seed);
        if (which == 0) return nn::gaussian_noise(x, 0.5, gen);
        if (which == 1) return nn::masking_noise(x, 0.3, gen);
        if (which == 2) return nn::dropout_noise(x, 0.3, gen);
        return nn::salt_and_pepper(x, 0.3, gen);
    };
    for (int which = 0; which < 4; ++which) {
        CHECK_MESSAGE(corrupt(which, 9).value() == corrupt(which, 9).value(),
                      "noise " << which << ": seed 9 twice differs");
        CHECK_MESSAGE(corrupt(which, 9).value() != corrupt(which, 10).value(),
                      "noise " << which << ": seeds 9 and 10 agree");
    }
    // Two calls on one generator draw fresh noise.
    Generator gen(4);
    const Tensor a = nn::masking_noise(x, 0.5, gen), b = nn::masking_noise(x, 0.5, gen);
    CHECK(a.value() != b.value());
}

TEST_CASE("the results are constants: no history, no grad, x untouched") {
    const Tensor x = grey();  // requires grad
    const xt::xarray<float> before = x.value();
    Generator gen(6);
    for (const Tensor& y : {nn::gaussian_noise(x, 0.1, gen), nn::masking_noise(x, 0.5, gen),
                            nn::dropout_noise(x, 0.5, gen), nn::salt_and_pepper(x, 0.5, gen)}) {
        CHECK_FALSE(y.requires_grad());
        CHECK(std::string(y.op()) == "leaf");
        CHECK(y.inputs().empty());
    }
    CHECK_MESSAGE(x.value() == before, "the noise functions must not change x");
}

TEST_CASE("bad arguments are std::invalid_argument naming the function and the value") {
    const Tensor x = grey();
    Generator gen(7);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_CONTAINING(nn::gaussian_noise(x, -0.5, gen), "gaussian_noise", "sigma", "-0.5");
    CHECK_THROWS_CONTAINING(nn::gaussian_noise(x, nan, gen), "gaussian_noise", "nan");
    CHECK_THROWS_CONTAINING(nn::masking_noise(x, 1.5, gen), "masking_noise", "nu", "1.5");
    CHECK_THROWS_CONTAINING(nn::masking_noise(x, -0.1, gen), "masking_noise", "-0.1");
    CHECK_THROWS_CONTAINING(nn::salt_and_pepper(x, 2.0, gen), "salt_and_pepper", "nu", "2");
    CHECK_THROWS_CONTAINING(nn::salt_and_pepper(x, nan, gen), "salt_and_pepper", "nan");
    CHECK_THROWS_AS(nn::masking_noise(x, 1.01, gen), std::invalid_argument);
    CHECK_THROWS_CONTAINING(nn::dropout_noise(x, 1.0, gen), "dropout_noise", "nu", "1");
    CHECK_THROWS_CONTAINING(nn::dropout_noise(x, nan, gen), "dropout_noise", "nan");
    CHECK_THROWS_CONTAINING(nn::masking_noise(Tensor(), 0.5, gen), "masking_noise", "undefined");
}
