// t-SNE: the perplexity calibration, the affinities, and the loss's gradient against the closed
// form and against central differences.
#include "check.hpp"
#include "models/tsne.hpp"

#include <cmath>

#include <xtensor/xview.hpp>

using namespace autograd;

namespace {
xt::xarray<double> random_points(std::size_t n, std::size_t d, std::uint64_t seed) {
    Generator gen(seed);
    return randn<double>({n, d}, gen).value();
}

// KL(P || Q) straight from the definitions, for comparison with tsne_loss.
double kl_by_definition(const xt::xarray<double>& y, const xt::xarray<double>& p) {
    const std::size_t n = y.shape()[0];
    xt::xarray<double> w = xt::zeros<double>({n, n});
    double z = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j) {
                const double d = xt::sum(xt::square(xt::view(y, i) - xt::view(y, j)))();
                w(i, j) = 1.0 / (1.0 + d);
                z += w(i, j);
            }
    double kl = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j && p(i, j) > 0) kl += p(i, j) * std::log(p(i, j) / (w(i, j) / z));
    return kl;
}
}  // namespace

TEST_CASE("squared_distances matches the definition") {
    const xt::xarray<double> x = random_points(6, 3, 1);
    const xt::xarray<double> d = models::squared_distances(x);
    for (std::size_t i = 0; i < 6; ++i)
        for (std::size_t j = 0; j < 6; ++j)
            CHECK(d(i, j) == doctest::Approx(xt::sum(xt::square(xt::view(x, i) - xt::view(x, j)))()).epsilon(1e-12));
    CHECK_THROWS_CONTAINING(models::squared_distances(xt::xarray<double>{1.0, 2.0}), "(N, D)");
}

TEST_CASE("the binary search reaches the target perplexity within 1e-3 on every row") {
    const xt::xarray<double> d = models::squared_distances(random_points(200, 10, 2));
    for (double target : {5.0, 30.0, 100.0}) {
        CAPTURE(target);
        const xt::xarray<double> pc = models::conditional_affinities(d, target);
        double worst = 0.0;
        for (std::size_t i = 0; i < 200; ++i) {
            worst = std::max(worst, std::abs(models::row_perplexity(pc, i) - target));
            CHECK(pc(i, i) == 0.0);
            CHECK(xt::sum(xt::view(pc, i))() == doctest::Approx(1.0).epsilon(1e-12));
        }
        CHECK(worst < 1e-3);
    }
    // Distances 1000 times larger only change the calibrated widths, not the result.
    const xt::xarray<double> a = models::conditional_affinities(d, 30.0);
    const xt::xarray<double> b = models::conditional_affinities(xt::xarray<double>(d * 1000.0), 30.0);
    check_close(a, b, 1e-6);
    CHECK_THROWS_CONTAINING(models::conditional_affinities(d, 199.0), "below N - 1");
    CHECK_THROWS_CONTAINING(models::conditional_affinities(d, 0.5), "at least 1");
    CHECK_THROWS_CONTAINING(models::conditional_affinities(xt::zeros<double>({3, 4}), 1.5), "square");
}

TEST_CASE("joint affinities are symmetric, zero on the diagonal, and sum to 1") {
    const xt::xarray<double> pc =
        models::conditional_affinities(models::squared_distances(random_points(50, 4, 3)), 10.0);
    const xt::xarray<double> p = models::joint_affinities(pc);
    check_close(p, xt::xarray<double>(xt::transpose(p)), 0.0);
    CHECK(xt::sum(p)() == doctest::Approx(1.0).epsilon(1e-12));
    for (std::size_t i = 0; i < 50; ++i) CHECK(p(i, i) == 0.0);
}

TEST_CASE("tsne_loss is KL(P || Q), and its gradient is the closed form") {
    const std::size_t n = 30;
    const xt::xarray<double> p = models::joint_affinities(
        models::conditional_affinities(models::squared_distances(random_points(n, 5, 4)), 8.0));
    Generator gen(5);
    Tensor64 y = randn<double>({n, 2}, gen).requires_grad_();
    const Tensor64 pt(p);
    Tensor64 loss = models::tsne_loss(y, pt);
    CHECK(loss.item() == doctest::Approx(kl_by_definition(y.value(), p)).epsilon(1e-10));
    CHECK(loss.item() > 0.0);
    loss.backward();
    const xt::xarray<double> closed = models::tsne_gradient(y.value(), p);
    const double rel = xt::amax(xt::abs(y.grad().value() - closed))() / xt::amax(xt::abs(closed))();
    CHECK(rel < 1e-10);
    CHECK_GRADCHECK([&](const std::vector<Tensor64>& in) { return models::tsne_loss(in[0], pt); }, {y});
    CHECK_THROWS_CONTAINING(models::tsne_loss(y, Tensor64(xt::xarray<double>(xt::zeros<double>({n, n + 1})))),
                            "(N, N)");
}

TEST_CASE("tsne separates two far-apart clusters") {
    // 40 points in two tight clusters 10 apart in 5-D: their 2-D images must not mix.
    xt::xarray<double> x = random_points(40, 5, 6) * 0.1;
    for (std::size_t i = 20; i < 40; ++i) x(i, 0) += 10.0;
    models::TSNEOptions o;
    o.perplexity = 5.0;
    o.iterations = 300;
    o.exaggeration_iterations = 100;
    o.learning_rate = 10.0;
    Generator gen(7);
    const xt::xarray<float> y = models::tsne(x, o, gen);
    REQUIRE(y.shape() == std::vector<std::size_t>{40, 2});
    // Every point is nearer its own cluster's centre than the other's.
    const xt::xarray<float> c0 = xt::mean(xt::view(y, xt::range(0, 20)), {0});
    const xt::xarray<float> c1 = xt::mean(xt::view(y, xt::range(20, 40)), {0});
    for (std::size_t i = 0; i < 40; ++i) {
        const float d0 = xt::sum(xt::square(xt::view(y, i) - c0))(), d1 = xt::sum(xt::square(xt::view(y, i) - c1))();
        CHECK((i < 20 ? d0 < d1 : d1 < d0));
    }
}

TEST_CASE("tsne_cross_entropy is the KL less sum p log p, with the same gradient") {
    const std::size_t n = 20;
    const xt::xarray<double> p = models::joint_affinities(
        models::conditional_affinities(models::squared_distances(random_points(n, 4, 8)), 5.0));
    double p_log_p = 0.0;
    for (double v : p)
        if (v > 0) p_log_p += v * std::log(v);
    Generator gen(9);
    Tensor64 y = randn<double>({n, 2}, gen).requires_grad_();
    const Tensor64 pt(p);
    Tensor64 h = models::tsne_cross_entropy(y, pt);
    CHECK(h.item() == doctest::Approx(kl_by_definition(y.value(), p) - p_log_p).epsilon(1e-10));
    h.backward();
    const xt::xarray<double> closed = models::tsne_gradient(y.value(), p);
    CHECK(xt::amax(xt::abs(y.grad().value() - closed))() < 1e-10 * xt::amax(xt::abs(closed))());
}

TEST_CASE("sne_loss is KL(P || Q) with a Gaussian q, and its gradient is the closed form") {
    const std::size_t n = 25;
    const xt::xarray<double> p = models::joint_affinities(
        models::conditional_affinities(models::squared_distances(random_points(n, 5, 10)), 6.0));
    Generator gen(11);
    Tensor64 y = randn<double>({n, 2}, gen).requires_grad_();
    // KL from the definitions: g_ij = exp(-|y_i - y_j|^2), q_ij = g_ij / sum_{k != l} g_kl.
    xt::xarray<double> g = xt::zeros<double>({n, n});
    double z = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j) {
                g(i, j) = std::exp(-xt::sum(xt::square(xt::view(y.value(), i) - xt::view(y.value(), j)))());
                z += g(i, j);
            }
    double kl = 0.0, p_log_p = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j && p(i, j) > 0) {
                kl += p(i, j) * std::log(p(i, j) / (g(i, j) / z));
                p_log_p += p(i, j) * std::log(p(i, j));
            }
    const Tensor64 pt(p);
    Tensor64 loss = models::sne_loss(y, pt);
    CHECK(loss.item() == doctest::Approx(kl).epsilon(1e-10));
    CHECK(models::sne_cross_entropy(y, pt).item() == doctest::Approx(kl - p_log_p).epsilon(1e-10));
    loss.backward();
    const xt::xarray<double> closed = models::sne_gradient(y.value(), p);
    const double rel = xt::amax(xt::abs(y.grad().value() - closed))() / xt::amax(xt::abs(closed))();
    CHECK(rel < 1e-10);
    CHECK_GRADCHECK([&](const std::vector<Tensor64>& in) { return models::sne_loss(in[0], pt); }, {y});
    CHECK_THROWS_CONTAINING(models::sne_loss(y, Tensor64(xt::xarray<double>(xt::zeros<double>({n, n + 1})))), "(N, N)");
}
