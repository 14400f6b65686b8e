// models/gan_metrics.cpp: the judge learns and judges a set against itself as equal; the
// Fréchet distance, the label entropy, the nearest-neighbour distance and the Gaussian baseline
// against closed forms.
#include <cmath>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xview.hpp>

#include "check.hpp"
#include "models/gan_metrics.hpp"
#include "toy_datasets.hpp"

using namespace autograd;

TEST_CASE("frechet_distance: 0 for a set with itself, the closed forms on Gaussians") {
    Generator gen(7);
    const xt::xarray<double> x = randn<double>({200, 5}, gen).value();
    CHECK(models::frechet_distance(x, x) == doctest::Approx(0.0).scale(1.0).epsilon(1e-8));
    // Commuting (diagonal) covariances: |mu1 - mu2|^2 + sum (sqrt(a_i) - sqrt(b_i))^2.
    const xt::xarray<double> mu1 = {0.0, 1.0, -2.0}, mu2 = {1.0, 1.0, 0.0};
    const xt::xarray<double> a = {1.0, 4.0, 0.25}, b = {9.0, 1.0, 0.25};
    const double want = 1.0 + 0.0 + 4.0 + (1 - 3) * (1 - 3) + (2 - 1) * (2 - 1) + 0.0;
    CHECK(models::frechet_distance(mu1, xt::diag(a), mu2, xt::diag(b)) == doctest::Approx(want).epsilon(1e-10));
    // Non-commuting 2x2: tr (S1 S2)^{1/2} = sqrt(tr(S1 S2) + 2 sqrt(det(S1 S2))), since the two
    // eigenvalues l1, l2 of S1 S2 give (sqrt l1 + sqrt l2)^2 = l1 + l2 + 2 sqrt(l1 l2).
    const xt::xarray<double> s1 = {{2.0, 0.5}, {0.5, 1.0}}, s2 = {{1.0, -0.3}, {-0.3, 3.0}};
    const xt::xarray<double> p = xt::linalg::dot(s1, s2);
    const double tr = p(0, 0) + p(1, 1), det = p(0, 0) * p(1, 1) - p(0, 1) * p(1, 0);
    const double closed = (2.0 + 1.0) + (1.0 + 3.0) - 2.0 * std::sqrt(tr + 2.0 * std::sqrt(det));
    const xt::xarray<double> zero2 = {0.0, 0.0};
    CHECK(models::frechet_distance(zero2, s1, zero2, s2) == doctest::Approx(closed).epsilon(1e-10));
    // Symmetric in its two arguments.
    CHECK(models::frechet_distance(zero2, s2, zero2, s1) == doctest::Approx(closed).epsilon(1e-10));
    // From samples: two large samples of the same Gaussian are close to 0, of N(0, I) and N(1, I)
    // in 5-D close to |mu1 - mu2|^2 = 5.
    const xt::xarray<double> y = randn<double>({20000, 5}, gen).value(), w = randn<double>({20000, 5}, gen).value();
    CHECK(models::frechet_distance(y, w) < 0.01);
    CHECK(models::frechet_distance(y, xt::xarray<double>(w + 1.0)) == doctest::Approx(5.0).epsilon(0.01));
    CHECK_THROWS_CONTAINING(models::frechet_distance(mu1, xt::diag(a), zero2, s1), "frechet_distance");
}

TEST_CASE("label_entropy and mean_nearest_distance") {
    CHECK(models::label_entropy({3, 3, 3, 3}) == doctest::Approx(0.0));
    std::vector<std::size_t> even;
    for (std::size_t i = 0; i < 100; ++i) even.push_back(i % 10);
    CHECK(models::label_entropy(even) == doctest::Approx(std::log(10.0)));
    CHECK(models::label_entropy({0, 1}) == doctest::Approx(std::log(2.0)));
    CHECK_THROWS_CONTAINING(models::label_entropy({10}), "label 10");
    // Queries at known distances from the reference rows (found by brute force here).
    const xt::xarray<float> reference = {{0, 0, 0}, {1, 0, 0}, {0, 5, 0}};
    const xt::xarray<float> queries = {{0, 0, 0}, {1, 0, 2}, {0, 3, 4}, {10, 0, 0}};
    const double want = (0.0 + 2.0 + std::sqrt(4.0 + 16.0) + 9.0) / 4.0;  // (0, 3, 4): nearest (0, 5, 0)
    CHECK(models::mean_nearest_distance(queries, reference) == doctest::Approx(want).epsilon(1e-6));
    // Across the 256-query blocks: a training set queried with itself is at distance 0.
    Generator gen(8);
    const xt::xarray<float> many = rand({600, 20}, gen).value();
    CHECK(models::mean_nearest_distance(many, many) < 1e-3);
}

TEST_CASE("MnistJudge: a judge learns two kinds of images, and judges a set against itself as equal") {
    Generator gen(9);
    const io::Dataset data = left_or_right_images(256, gen);  // two "digits": bright left or right half
    models::MnistJudge judge(gen);
    CHECK(judge.fit(data, data, 3, gen) > 0.95);
    CHECK(judge.features(data.images).shape() == std::vector<std::size_t>{256, 64});
    const models::MnistJudge::Judgement same = judge.judge(data.images, judge.features(data.images));
    CHECK(same.fid == doctest::Approx(0.0).scale(1.0).epsilon(1e-6));
    CHECK(same.class_entropy == doctest::Approx(std::log(2.0)).epsilon(1e-6));
}

TEST_CASE("gaussian_samples: the data's mean and covariance, a constant pixel kept, values in [0, 1]") {
    Generator gen(8);
    // Two correlated pixels, 0.3 + 0.2 u and 0.2 + 0.2 u + 0.1 v, and one constant at 0.5.
    const std::size_t N = 4000;
    xt::xarray<float> images = xt::zeros<float>({N, std::size_t{3}});
    for (std::size_t i = 0; i < N; ++i) {
        const double u = gen.uniform(), v = gen.uniform();
        images(i, 0) = static_cast<float>(0.3 + 0.2 * u);
        images(i, 1) = static_cast<float>(0.2 + 0.2 * u + 0.1 * v);
        images(i, 2) = 0.5f;
    }
    const xt::xarray<float> s = models::gaussian_samples(images, 20000, gen);  // (20000, 3)
    REQUIRE(s.shape() == std::vector<std::size_t>{20000, 3});
    CHECK(xt::amin(s)() >= 0.0f);
    CHECK(xt::amax(s)() <= 1.0f);
    const xt::xarray<double> sd = xt::cast<double>(s), id = xt::cast<double>(images);
    const xt::xarray<double> ms = xt::mean(sd, {0}), mi = xt::mean(id, {0});
    // The means to a few standard errors (sd 0.06 / sqrt(20000) ~ 4e-4); the constant pixel exactly.
    CHECK(std::abs(ms(0) - mi(0)) < 2e-3);
    CHECK(std::abs(ms(1) - mi(1)) < 2e-3);
    CHECK(std::abs(ms(2) - 0.5) < 1e-6);
    // The covariance of the two pixels: (0.2)(0.2) var(u) = 0.04 / 12, to 5% (its standard error is ~1%).
    const double cov01 = xt::mean((xt::view(sd, xt::all(), 0) - ms(0)) * (xt::view(sd, xt::all(), 1) - ms(1)))();
    CHECK(std::abs(cov01 / (0.04 / 12.0) - 1.0) < 0.05);
    CHECK_THROWS_AS(models::gaussian_samples(xt::zeros<float>({std::size_t{1}, std::size_t{3}}), 5, gen),
                    std::invalid_argument);
}
