// The linear mixing model's generator: Gamma and Dirichlet draws against their moments, pixels
// against the mixture written out by hand, and the same seed giving the same data.
#include "check.hpp"
#include "io/linear_mixing.hpp"

#include <cmath>

#include <xtensor/xview.hpp>

using namespace autograd;

TEST_CASE("sample_gamma's mean and variance are both the shape, within 5 standard errors") {
    Generator gen(1);
    const std::size_t n = 40000;
    // The shapes below 1 take the U^(1 / shape) path; 1 and above Marsaglia and Tsang's alone.
    for (double k : {0.3, 1.0, 2.5, 10.0}) {
        double sum = 0.0, sum_sq = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double g = io::sample_gamma(k, gen);
            REQUIRE(g >= 0.0);
            sum += g;
            sum_sq += g * g;
        }
        const double mean = sum / n, var = sum_sq / n - mean * mean;
        // Gamma(k, 1): mean k, variance k, fourth central moment 3k^2 + 6k, so the sample
        // variance has variance about (3k^2 + 6k - k^2) / n.
        const double se_mean = std::sqrt(k / n), se_var = std::sqrt((2.0 * k * k + 6.0 * k) / n);
        CHECK_MESSAGE(std::abs(mean - k) < 5.0 * se_mean, fmt::format("shape {}: mean expected {} got {}", k, k, mean));
        CHECK_MESSAGE(std::abs(var - k) < 5.0 * se_var,
                      fmt::format("shape {}: variance expected {} got {}", k, k, var));
    }
    CHECK_THROWS_AS(io::sample_gamma(0.0, gen), std::invalid_argument);
}

TEST_CASE("Dirichlet draws lie on the simplex and their means are alpha / sum(alpha)") {
    Generator gen(2);
    const std::vector<double> alpha{2.0, 1.0, 0.5, 0.25};
    const std::size_t n = 20000;
    const xt::xarray<double> a = io::sample_dirichlet(alpha, n, gen);  // (N, M)
    REQUIRE(a.shape() == std::vector<std::size_t>{n, alpha.size()});
    CHECK(xt::amin(a)() >= 0.0);
    const xt::xarray<double> row_sums = xt::sum(a, {1});
    CHECK(xt::amax(xt::abs(row_sums - 1.0))() < 1e-12);
    // a_m has mean alpha_m / alpha_0 and variance mean (1 - mean) / (alpha_0 + 1).
    const double alpha0 = 3.75;
    const xt::xarray<double> means = xt::mean(a, {0});
    for (std::size_t m = 0; m < alpha.size(); ++m) {
        const double expected = alpha[m] / alpha0;
        const double se = std::sqrt(expected * (1.0 - expected) / (alpha0 + 1.0) / n);
        CHECK_MESSAGE(
            std::abs(means(m) - expected) < 5.0 * se,
            fmt::format("a_{}: mean expected {:.4f} got {:.4f} (standard error {:.4f})", m, expected, means(m), se));
    }
    CHECK_THROWS_AS(io::sample_dirichlet({1.0, -1.0}, 3, gen), std::invalid_argument);
}

TEST_CASE("random_endmembers are positive spectra of the right shape") {
    Generator gen(3);
    const xt::xarray<double> wl = io::band_wavelengths(268);
    CHECK(wl(0) == 400.0);
    CHECK(wl(267) == 2500.0);
    const xt::xarray<double> E = io::random_endmembers(5, wl, gen);  // (M, B)
    CHECK(E.shape() == std::vector<std::size_t>{5, 268});
    CHECK(xt::amin(E)() >= 0.05);
    CHECK(xt::amax(E)() <= 0.9 + 1e-12);
    // Smooth: the widest bump is 60 nm wide and bands are 7.9 nm apart, so neighbouring bands
    // differ by far less than the spectra's range.
    const xt::xarray<double> steps =
        xt::abs(xt::view(E, xt::all(), xt::range(1, 268)) - xt::view(E, xt::all(), xt::range(0, 267)));  // (M, B - 1)
    CHECK(xt::amax(steps)() < 0.1);
}

TEST_CASE("without noise a pixel is its abundances times the endmembers") {
    Generator gen(4);
    const xt::xarray<double> E = io::random_endmembers(3, io::band_wavelengths(20), gen);  // (M, B)
    const io::MixedPixels p = io::mix_pixels(E, {1.0, 1.0, 1.0}, 50, /*noise=*/0.0, gen);
    REQUIRE(p.pixels.shape() == std::vector<std::size_t>{50, 20});
    double worst = 0.0;
    for (std::size_t i = 0; i < 50; ++i)
        for (std::size_t b = 0; b < 20; ++b) {
            double x = 0.0;
            for (std::size_t m = 0; m < 3; ++m) x += p.abundances(i, m) * E(m, b);
            worst = std::max(worst, std::abs(p.pixels(i, b) - x));
        }
    CHECK_MESSAGE(worst < 1e-12, fmt::format("largest difference from a E: {}", worst));
    CHECK(p.pixels == p.clean);

    // The bilinear term: + sum_{i<j} a_i a_j e_i e_j, band by band.
    const io::MixedPixels q = io::mix_pixels(E, {1.0, 1.0, 1.0}, 5, 0.0, gen, io::Mixing::Bilinear);
    worst = 0.0;
    for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t b = 0; b < 20; ++b) {
            double x = 0.0;
            for (std::size_t m = 0; m < 3; ++m) x += q.abundances(i, m) * E(m, b);
            for (std::size_t m = 0; m < 3; ++m)
                for (std::size_t k = m + 1; k < 3; ++k)
                    x += q.abundances(i, m) * q.abundances(i, k) * E(m, b) * E(k, b);
            worst = std::max(worst, std::abs(q.pixels(i, b) - x));
        }
    CHECK_MESSAGE(worst < 1e-12, fmt::format("largest difference from the bilinear mixture: {}", worst));
    CHECK_THROWS_AS(io::mix_pixels(E, {1.0, 1.0}, 5, 0.0, gen), std::invalid_argument);
}

TEST_CASE("Hapke's reflectance and albedo are inverses (so a pure pixel is its endmember)") {
    CHECK(io::hapke_reflectance(0.0) == 0.0);
    CHECK(io::hapke_reflectance(1.0) == 1.0);
    CHECK(io::hapke_reflectance(0.75) == doctest::Approx(0.75 / 4.0).epsilon(1e-14));  // sqrt(1/4) = 1/2
    for (double r = 0.0; r <= 1.0; r += 0.05) {
        CAPTURE(r);
        CHECK(io::hapke_reflectance(io::hapke_albedo(r)) == doctest::Approx(r).epsilon(1e-12));
    }
}

TEST_CASE("intimate mixing is r(a w(E)) band by band, and darker than linear mixing") {
    Generator gen(5);
    const xt::xarray<double> E = io::random_endmembers(3, io::band_wavelengths(20), gen);  // (M, B)
    const io::MixedPixels p = io::mix_pixels(E, {1.0, 1.0, 1.0}, 50, 0.0, gen, io::Mixing::Intimate);
    double worst = 0.0, brighter = -1.0;
    for (std::size_t i = 0; i < 50; ++i)
        for (std::size_t b = 0; b < 20; ++b) {
            double w = 0.0, linear = 0.0;
            for (std::size_t m = 0; m < 3; ++m) {
                w += p.abundances(i, m) * io::hapke_albedo(E(m, b));
                linear += p.abundances(i, m) * E(m, b);
            }
            worst = std::max(worst, std::abs(p.pixels(i, b) - io::hapke_reflectance(w)));
            brighter = std::max(brighter, p.pixels(i, b) - linear);
        }
    CHECK_MESSAGE(worst < 1e-12, fmt::format("largest difference from r(a w(E)): {}", worst));
    // r is convex, so r(sum a_m w_m) <= sum a_m r(w_m) = a E (Jensen): the darker materials
    // dominate an intimate mixture.
    CHECK_MESSAGE(brighter <= 1e-12, fmt::format("an intimate pixel brighter than the linear one by {}", brighter));
    CHECK_THROWS_AS(io::mix_pixels(E * 2.0, {1.0, 1.0, 1.0}, 5, 0.0, gen, io::Mixing::Intimate), std::invalid_argument);
}

TEST_CASE("the noise is N(0, noise^2) in every band, and the same seed gives the same data") {
    const auto make = [](std::uint64_t seed) {
        Generator gen(seed);
        const xt::xarray<double> E = io::random_endmembers(4, io::band_wavelengths(100), gen);
        return io::mix_pixels(E, {1.0, 2.0, 0.5, 0.5}, 500, /*noise=*/0.01, gen);
    };
    const io::MixedPixels a = make(7), b = make(7), c = make(8);
    CHECK(a.pixels == b.pixels);
    CHECK(a.abundances == b.abundances);
    CHECK(a.pixels != c.pixels);
    // 50,000 noise values: their standard deviation is 0.01 within 1% (its standard error is 0.3%).
    const double sd = std::sqrt(xt::mean(xt::square(a.pixels - a.clean))());
    CHECK_MESSAGE(std::abs(sd - 0.01) < 1e-4, fmt::format("noise standard deviation expected 0.01 got {}", sd));
}
