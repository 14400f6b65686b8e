// The losses: values against their formulas, stability, gradchecks.
#include <cmath>
#include <limits>

#include <xtensor/xview.hpp>

#include "check.hpp"

using namespace autograd;

TEST_CASE("mse_loss: value and gradient") {
    Generator gen(126);
    const Tensor64 p(xt::xarray<double>{{1.0, 2.0}, {3.0, 4.0}}), t(xt::xarray<double>{{0.0, 2.0}, {5.0, 4.0}});
    CHECK(mse_loss(p, t).item() == doctest::Approx(5.0 / 4.0));
    CHECK(mse_loss(p, t, Reduction::Sum).item() == doctest::Approx(5.0));
    const V in{randn<double>({3, 4}, gen), randn<double>({3, 4}, gen)};
    CHECK_GRADCHECK([](const V& x) { return mse_loss(x[0], x[1]); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return mse_loss(x[0], x[1]); }, in);
}

TEST_CASE("bce_loss from probabilities: value, clamping at 0 and 1, gradient") {
    Generator gen(127);
    const Tensor64 p(xt::xarray<double>{0.9, 0.2}), t(xt::xarray<double>{1.0, 0.0});
    CHECK(bce_loss(p, t).item() == doctest::Approx(-(std::log(0.9) + std::log(0.8)) / 2.0));
    const Tensor64 edge(xt::xarray<double>{0.0, 1.0});
    const double v = bce_loss(edge, Tensor64(xt::xarray<double>{1.0, 0.0})).item();
    CHECK(std::isfinite(v));
    CHECK(v > 30.0);  // -log(eps) with eps = 2.2e-16
    const V in{uniform<double>({2, 3}, 0.05, 0.95, gen), uniform<double>({2, 3}, 0.0, 1.0, gen)};
    CHECK_GRADCHECK([](const V& x) { return bce_loss(x[0], x[1], Reduction::Sum); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return bce_loss(x[0], x[1]); }, in);
}

TEST_CASE("bce_with_logits: equals bce of sigmoid, finite for logits of +-1000, gradient at 0") {
    Generator gen(128);
    const V in{randn<double>({3, 4}, gen), uniform<double>({3, 4}, 0.0, 1.0, gen)};
    CHECK(bce_with_logits(in[0], in[1]).item() ==
          doctest::Approx(bce_loss(sigmoid(in[0]), in[1]).item()).epsilon(1e-12));
    const Tensor64 z(xt::xarray<double>{1000.0, -1000.0, 1000.0, -1000.0});
    const Tensor64 t(xt::xarray<double>{1.0, 0.0, 0.0, 1.0});
    const double loss = bce_with_logits(z, t, Reduction::Sum).item();
    CHECK(loss == doctest::Approx(2000.0));
    Tensor64 zl(xt::xarray<double>{1000.0, -1000.0, 0.0}, true);
    bce_with_logits(zl, Tensor64(xt::xarray<double>{0.0, 1.0, 0.25}), Reduction::Sum).backward();
    check_close(zl.grad().value(), xt::xarray<double>{1.0, -1.0, 0.25}, 1e-12);  // sigmoid(z) - t
    CHECK_GRADCHECK([](const V& x) { return bce_with_logits(x[0], x[1]); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return bce_with_logits(x[0], x[1]); }, in);
    // At the kink z = 0 (targets inside (0, 1): central differences step both ways, and a target
    // past 1 is outside the loss's domain).
    CHECK_GRADCHECK([](const V& x) { return bce_with_logits(x[0], x[1]); },
                    (V{Tensor64(xt::xarray<double>{0.0, 0.0}), Tensor64(xt::xarray<double>{0.3, 0.9})}));
}

TEST_CASE("cross_entropy with integer labels") {
    Generator gen(129);
    const Tensor64 logits(xt::xarray<double>{{2.0, 1.0, 0.1}, {0.5, 2.5, 0.0}});
    const std::vector<std::size_t> labels{0, 2};
    const double r0 = 2.0 - std::log(std::exp(2.0) + std::exp(1.0) + std::exp(0.1));
    const double r1 = 0.0 - std::log(std::exp(0.5) + std::exp(2.5) + std::exp(0.0));
    CHECK(cross_entropy(logits, labels).item() == doctest::Approx(-(r0 + r1) / 2.0));
    CHECK(cross_entropy(logits, labels, Reduction::Sum).item() == doctest::Approx(-(r0 + r1)));
    const V in{randn<double>({4, 5}, gen)};
    const std::vector<std::size_t> y{1, 4, 0, 1};
    CHECK_GRADCHECK([&y](const V& x) { return cross_entropy(x[0], y); }, in);
    CHECK_GRADGRADCHECK([&y](const V& x) { return cross_entropy(x[0], y); }, in);
}

TEST_CASE("kl_sparsity: the Bernoulli KL sum, zero at q = p") {
    Generator gen(130);
    const double p = 0.1;
    const Tensor64 q(xt::xarray<double>{0.1, 0.3, 0.05});
    double expected = 0.0;
    for (double qi : {0.1, 0.3, 0.05}) expected += p * std::log(p / qi) + (1 - p) * std::log((1 - p) / (1 - qi));
    CHECK(kl_sparsity(q, p, Reduction::Sum).item() == doctest::Approx(expected).epsilon(1e-12));
    CHECK(kl_sparsity(q, p).item() == doctest::Approx(expected / 3.0).epsilon(1e-12));  // Mean over the 3 units
    CHECK(kl_sparsity(Tensor64(xt::xarray<double>{0.1, 0.1}), p, Reduction::Sum).item() ==
          doctest::Approx(0.0).epsilon(1e-15));
    const V in{uniform<double>({6}, 0.02, 0.9, gen)};
    CHECK_GRADCHECK([p](const V& x) { return kl_sparsity(x[0], p, Reduction::Sum); }, in);
    CHECK_GRADGRADCHECK([p](const V& x) { return kl_sparsity(x[0], p, Reduction::Sum); }, in);
    // Through a batch mean of sigmoid activations, as in the sparse autoencoder.
    CHECK_GRADCHECK([p](const V& x) { return kl_sparsity(mean(sigmoid(x[0]), {0}), p, Reduction::Sum); },
                    V{randn<double>({5, 4}, gen)});
}

TEST_CASE("gaussian_kl: the closed form per row, zero for N(0, 1)") {
    Generator gen(131);
    const Tensor64 mu(xt::xarray<double>{{0.5, -1.0}, {0.0, 0.0}});
    const Tensor64 logvar(xt::xarray<double>{{0.2, -0.3}, {0.0, 0.0}});
    double row0 = 0.0;
    const double m[2] = {0.5, -1.0}, lv[2] = {0.2, -0.3};
    for (int j = 0; j < 2; ++j) row0 += -0.5 * (1 + lv[j] - m[j] * m[j] - std::exp(lv[j]));
    CHECK(gaussian_kl(mu, logvar, Reduction::Sum).item() == doctest::Approx(row0).epsilon(1e-12));
    CHECK(gaussian_kl(mu, logvar, Reduction::BatchMean).item() == doctest::Approx(row0 / 2.0).epsilon(1e-12));
    CHECK(gaussian_kl(mu, logvar).item() == doctest::Approx(row0 / 4.0).epsilon(1e-12));  // Mean over N D = 4 terms
    const V in{randn<double>({3, 4}, gen), randn<double>({3, 4}, gen)};
    CHECK_GRADCHECK([](const V& x) { return gaussian_kl(x[0], x[1], Reduction::Sum); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return gaussian_kl(x[0], x[1], Reduction::BatchMean); }, in);
}

TEST_CASE("contractive_penalty: the squared Frobenius norm of a sigmoid layer's Jacobian") {
    Generator gen(132);
    // h = sigmoid(x W + b) with x (N, D) = (3, 5), W (D, H) = (5, 4), b (H,) = (4,).
    const V in{randn<double>({3, 5}, gen), randn<double>({5, 4}, gen), randn<double>({4}, gen)};
    const auto layer = [](const V& x) { return sigmoid(matmul(x[0], x[1]) + x[2]); };  // (N, H)
    // Expected: the Jacobian of every h_ni with respect to every x_mj by central differences, a
    // (N H, N D) matrix whose only nonzero blocks are each row's own (H, D) Jacobian, so its
    // squared entries add up to sum_n ||J(x_n)||_F^2.
    const xt::xarray<double> J = numeric_jacobian([&](const V& x) { return layer({x[0], in[1], in[2]}); }, {in[0]})[0];
    const double expected = xt::sum(xt::square(J))();
    const Tensor64 h = layer(in);
    CHECK(contractive_penalty(h, in[1], Reduction::Sum).item() == doctest::Approx(expected).epsilon(1e-8));
    CHECK(contractive_penalty(h, in[1], Reduction::BatchMean).item() == doctest::Approx(expected / 3.0).epsilon(1e-8));
    CHECK(contractive_penalty(h, in[1]).item() == doctest::Approx(expected / 12.0).epsilon(1e-8));  // N H = 12 terms
    // The formula by hand for row 0: sum_i (h_0i (1 - h_0i))^2 sum_j W_ji^2.
    double row0 = 0.0;
    for (std::size_t i = 0; i < 4; ++i) {
        double column = 0.0;
        for (std::size_t j = 0; j < 5; ++j) column += in[1].value()(j, i) * in[1].value()(j, i);
        const double s = h.value()(0, i) * (1.0 - h.value()(0, i));
        row0 += s * s * column;
    }
    CHECK(contractive_penalty(Tensor64(xt::xarray<double>(xt::view(h.value(), xt::range(0, 1), xt::all()))), in[1],
                              Reduction::Sum)
              .item() == doctest::Approx(row0).epsilon(1e-12));
}

TEST_CASE("contractive_penalty: gradients to x, W and b, first and second order") {
    Generator gen(133);
    const V in{randn<double>({3, 5}, gen), randn<double>({5, 4}, gen), randn<double>({4}, gen)};
    // W reaches the penalty twice, in h and in sum_j W_ji^2; b only through h.
    const auto f = [](const V& x) {
        return contractive_penalty(sigmoid(matmul(x[0], x[1]) + x[2]), x[1], Reduction::BatchMean);
    };
    CHECK_GRADCHECK(f, in);
    CHECK_GRADGRADCHECK(f, in);
    CHECK_GRADCHECK([](const V& x) { return contractive_penalty(x[0], x[1], Reduction::Sum); },
                    (V{uniform<double>({3, 4}, 0.05, 0.95, gen), randn<double>({5, 4}, gen)}));
    Tensor64 W(randn<double>({5, 4}, gen).value(), true), b(xt::zeros<double>({4}), true);
    contractive_penalty(sigmoid(matmul(in[0], W) + b), W).backward();
    CHECK(W.grad().defined());
    CHECK(b.grad().defined());
    CHECK(xt::sum(xt::abs(b.grad().value()))() > 0.0);
}

TEST_CASE("contractive_penalty: shape errors") {
    Generator gen(134);
    const Tensor64 h = uniform<double>({3, 4}, 0.1, 0.9, gen);
    CHECK_THROWS_CONTAINING(contractive_penalty(h, randn<double>({4, 5}, gen)), "contractive_penalty", "(3, 4)",
                            "(4, 5)", "must be (D, H)");
    CHECK_THROWS_CONTAINING(contractive_penalty(uniform<double>({4}, 0.1, 0.9, gen), randn<double>({5, 4}, gen)),
                            "contractive_penalty", "expects h (N, H)", "(4,)");
    CHECK_THROWS_CONTAINING(contractive_penalty(h, randn<double>({4}, gen)), "contractive_penalty", "W (D, H)", "(4,)");
    CHECK_THROWS_CONTAINING(contractive_penalty(Tensor64(xt::zeros<double>({0, 4})), randn<double>({5, 4}, gen)),
                            "contractive_penalty", "N > 0", "(0, 4)");
    CHECK_THROWS_CONTAINING(contractive_penalty(Tensor64(), randn<double>({5, 4}, gen)), "contractive_penalty",
                            "undefined");
}

TEST_CASE("loss errors") {
    CHECK_THROWS_CONTAINING(mse_loss(ones({2, 3}), ones({2, 4})), "mse_loss", "prediction (2, 3)", "target (2, 4)");
    CHECK_THROWS_CONTAINING(bce_loss(ones({3}), ones({3, 1})), "bce_loss", "(3,)", "(3, 1)");
    CHECK_THROWS_CONTAINING(bce_with_logits(ones({2}), ones({3})), "bce_with_logits", "(2,)", "(3,)");
    CHECK_THROWS_CONTAINING(cross_entropy(ones({2, 3}), {0}), "cross_entropy", "(2, 3)", "1 labels");
    CHECK_THROWS_CONTAINING(cross_entropy(ones({2, 3}), {0, 3}), "cross_entropy", "label 3", "row 1", "3 classes");
    CHECK_THROWS_CONTAINING(kl_sparsity(full({2}, 0.5), 1.5), "kl_sparsity", "p = 1.5");
    CHECK_THROWS_CONTAINING(kl_sparsity(Tensor(xt::xarray<float>{0.5f, 1.0f}), 0.1), "kl_sparsity", "strictly between");
    CHECK_THROWS_CONTAINING(gaussian_kl(ones({3}), ones({3})), "gaussian_kl", "(N, D)", "(3,)");
    CHECK_THROWS_CONTAINING(mse_loss(zeros({0}), zeros({0})), "mse_loss", "empty");
}

// ---- inputs outside a loss's domain: a DomainError (std::domain_error), never a ShapeError ----

namespace {
const double nan_ = std::numeric_limits<double>::quiet_NaN();
const double inf_ = std::numeric_limits<double>::infinity();
}  // namespace

// Checks that `expr` throws an autograd::DomainError (a std::domain_error, not a ShapeError) whose
// message contains every part.
#define CHECK_DOMAIN_ERROR(expr, ...)                     \
    do {                                                  \
        CHECK_THROWS_AS((void)(expr), DomainError);       \
        CHECK_THROWS_AS((void)(expr), std::domain_error); \
        CHECK_THROWS_CONTAINING(expr, __VA_ARGS__);       \
    } while (0)

TEST_CASE("bce_loss: probabilities and targets outside [0, 1], and NaN, are domain errors naming value and index") {
    const Tensor p = tensor({{0.2, 0.5}, {1.5, 0.1}});
    const Tensor t = tensor({{0.0, 1.0}, {1.0, 3.0}});
    const Tensor ok = full({2, 2}, 0.5);
    CHECK_DOMAIN_ERROR(bce_loss(p, ok), "bce_loss", "probability p = 1.5 at [1, 0]", "outside [0, 1]",
                       "bce_with_logits");
    CHECK_DOMAIN_ERROR(bce_loss(ok, t), "bce_loss", "target = 3 at [1, 1]", "outside [0, 1]");
    CHECK_DOMAIN_ERROR(bce_loss(tensor({0.5, -0.25}), tensor({0.5, 0.5})), "p = -0.25 at [1]");
    CHECK_DOMAIN_ERROR(bce_loss(tensor({0.5, nan_}), tensor({0.5, 0.5})), "bce_loss", "p is nan at [1]",
                       "--detect-anomaly");
    // The ends of the domain are inside it.
    CHECK(std::isfinite(bce_loss(tensor({0.0, 1.0}), tensor({0.0, 1.0})).item()));
}

TEST_CASE("bce_with_logits: a non-finite logit or a target outside [0, 1] is a domain error") {
    CHECK_DOMAIN_ERROR(bce_with_logits(tensor({1.0, nan_}), tensor({0.0, 1.0})), "bce_with_logits",
                       "logit z is nan at [1]");
    CHECK_DOMAIN_ERROR(bce_with_logits(tensor({1.0, -inf_}), tensor({0.0, 1.0})), "logit z = -inf at [1]");
    CHECK_DOMAIN_ERROR(bce_with_logits(tensor({1.0, 2.0}), tensor({-0.5, 1.0})), "target = -0.5 at [0]");
    CHECK(std::isfinite(bce_with_logits(tensor({1000.0, -1000.0}), tensor({0.0, 1.0})).item()));
}

TEST_CASE("cross_entropy: a label past the last class or a non-finite logit is a domain error") {
    CHECK_DOMAIN_ERROR(cross_entropy(ones({2, 3}), {0, 3}), "cross_entropy", "label 3 of row 1", "3 classes");
    CHECK_DOMAIN_ERROR(cross_entropy(tensor({{0.0, inf_, 1.0}, {0.0, 0.0, 0.0}}), {0, 1}), "cross_entropy",
                       "logit = inf at [0, 1]");
}

TEST_CASE("kl_sparsity: a saturated unit is a domain error with a hint, as are q outside [0, 1] and p outside (0, 1)") {
    CHECK_DOMAIN_ERROR(kl_sparsity(tensor({0.5, 1.0, 0.2}), 0.05), "kl_sparsity", "q = 1 at [1] is saturated",
                       "unit 1 is fully on", "infinite", "learning rate");
    CHECK_DOMAIN_ERROR(kl_sparsity(tensor({0.0, 0.5}), 0.05), "q = 0 at [0] is saturated", "unit 0 is off");
    CHECK_DOMAIN_ERROR(kl_sparsity(tensor({0.5, 1.5}), 0.05), "q = 1.5 at [1] is outside [0, 1]");
    CHECK_DOMAIN_ERROR(kl_sparsity(tensor({nan_, 0.5}), 0.05), "q is nan at [0]");
    CHECK_DOMAIN_ERROR(kl_sparsity(full({2}, 0.5), 0.0), "kl_sparsity", "p = 0");
    CHECK_THROWS_AS(kl_sparsity(zeros({0}), 0.05), ShapeError);  // no units at all is a shape problem
}

TEST_CASE("gaussian_kl: a NaN or Inf in mu or logvar is a domain error") {
    CHECK_DOMAIN_ERROR(gaussian_kl(tensor({{0.0, nan_}}), zeros({1, 2})), "gaussian_kl", "mu is nan at [0, 1]");
    CHECK_DOMAIN_ERROR(gaussian_kl(zeros({1, 2}), tensor({{inf_, 0.0}})), "gaussian_kl", "logvar = inf at [0, 0]");
}

TEST_CASE("contractive_penalty: h outside [0, 1] (no sigmoid's output) or a non-finite W is a domain error") {
    CHECK_DOMAIN_ERROR(contractive_penalty(tensor({{0.5, 2.0}}), ones({3, 2})), "contractive_penalty",
                       "h = 2 at [0, 1]", "sigmoid");
    CHECK_DOMAIN_ERROR(contractive_penalty(full({1, 2}, 0.5), tensor({{1.0, nan_}})), "W is nan at [0, 1]");
}

TEST_CASE("mse_loss has no domain: a NaN makes a NaN loss (the training loop stops on it)") {
    CHECK(std::isnan(mse_loss(tensor({1.0, nan_}), tensor({0.0, 0.0})).item()));
}
