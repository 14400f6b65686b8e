// models/gan.cpp: the losses of the game against their formulas, the players' shapes and
// gradients, the DCGAN initialisation, interpolation and one step of the game.
#include <cmath>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xview.hpp>

#include "check.hpp"
#include "models/gan.hpp"
#include "nn/gradcheck_module.hpp"
#include "toy_datasets.hpp"

using namespace autograd;

namespace {
double sigmoid_of(double l) { return 1.0 / (1.0 + std::exp(-l)); }

// A column (N, 1) of logits.
xt::xarray<float> column(const std::vector<float>& v) {
    xt::xarray<float> c = xt::zeros<float>({v.size(), std::size_t{1}});
    for (std::size_t i = 0; i < v.size(); ++i) c(i, 0) = v[i];
    return c;
}
}  // namespace

TEST_CASE("GAN losses: values and per-sample gradients in the logit are the formulas") {
    // Logits from deep rejection (-12) to confident acceptance (+6).
    const xt::xarray<float> l = column({-12.0f, -5.0f, -1.0f, 0.0f, 0.5f, 3.0f, 6.0f});
    const std::size_t m = l.shape(0);
    Tensor fake_m(l, true), fake_n(l, true), real(column({2.0f, -0.5f}), true), fake_d(l, true);
    Tensor jm = models::generator_loss_minimax(fake_m);
    Tensor jn = models::generator_loss_nonsaturating(fake_n);
    Tensor jd = models::discriminator_loss(real, fake_d);
    double want_m = 0, want_n = 0, want_d = 0;
    for (std::size_t i = 0; i < m; ++i) {
        const double d = sigmoid_of(l(i, 0));
        want_m += std::log1p(-d) / m;   // mean log(1 - D)
        want_n += -std::log(d) / m;     // -mean log D
        want_d += -std::log1p(-d) / m;  // the fake half of J(D)
    }
    want_d += -(std::log(sigmoid_of(2.0)) + std::log(sigmoid_of(-0.5))) / 2.0;
    CHECK(jm.item() == doctest::Approx(want_m).epsilon(1e-5));
    CHECK(jn.item() == doctest::Approx(want_n).epsilon(1e-5));
    CHECK(jd.item() == doctest::Approx(want_d).epsilon(1e-5));
    jm.backward();
    jn.backward();
    jd.backward();
    for (std::size_t i = 0; i < m; ++i) {
        const double d = sigmoid_of(l(i, 0));
        INFO("logit " << l(i, 0));
        CHECK(fake_m.grad().value()(i, 0) * m == doctest::Approx(-d).epsilon(1e-5));          // d/dl log(1 - D) = -D
        CHECK(fake_n.grad().value()(i, 0) * m == doctest::Approx(-(1.0 - d)).epsilon(1e-5));  // d/dl -log D = -(1 - D)
        CHECK(fake_d.grad().value()(i, 0) * m == doctest::Approx(d).epsilon(1e-5));           // D pushes fakes down
    }
    // At logit -12 (D = 6e-6) the minimax gradient is 1.6e5 times smaller than the non-saturating one.
    CHECK(fake_n.grad().value()(0, 0) / fake_m.grad().value()(0, 0) > 1e5);
    // No log of 0: finite at extreme logits.
    Tensor extreme(column({-200.0f, 200.0f}), true);
    Tensor all = models::discriminator_loss(extreme, extreme) + models::generator_loss_minimax(extreme) +
                 models::generator_loss_nonsaturating(extreme);
    all.backward();
    CHECK(std::isfinite(all.item()));
    CHECK(xt::all(xt::isfinite(extreme.grad().value())));
}

TEST_CASE("GAN players: shapes for 28x28 MNIST, gradients in float64") {
    Generator gen(5);
    nn::Sequential g = models::mlp_generator(8, {16}, gen), d = models::mlp_discriminator({16}, gen);
    const Tensor z = randn({3, 8}, gen);
    CHECK(g(z).shape() == Shape{3, 784});
    CHECK(xt::all(xt::abs(g(z).value()) <= 1.0f));  // tanh
    CHECK(d(g(z)).shape() == Shape{3, 1});
    nn::Sequential dg = models::dcgan_generator(8, 4, gen), dd = models::dcgan_discriminator(4, gen);
    CHECK(dg(z).shape() == Shape{3, 1, 28, 28});
    CHECK(dd(dg(z)).shape() == Shape{3, 1});
    // Every layer of the two DCGAN players differentiates correctly (train mode: batch norm with
    // the batch's statistics). A narrow generator keeps the check fast.
    nn::Sequential small_g = models::dcgan_generator(3, 1, gen);
    const GradcheckResult rg = nn::gradcheck_module(small_g, randn<double>({2, 3}, gen));
    CHECK_MESSAGE(rg.ok, rg.report);
    nn::Sequential small_d = models::dcgan_discriminator(1, gen);
    const GradcheckResult rd = nn::gradcheck_module(small_d, randn<double>({2, 1, 28, 28}, gen));
    CHECK_MESSAGE(rd.ok, rd.report);
}

TEST_CASE("init_dcgan: weights from N(0, 0.02^2), biases 0, batch norm gamma from N(1, 0.02^2)") {
    Generator gen(6);
    nn::Sequential g = models::dcgan_generator(100, 32, gen);
    models::init_dcgan(g, gen);
    for (const auto& [name, p] : g.named_parameters()) {
        INFO(name);
        const xt::xarray<double> v = p.value();
        const double mean = xt::mean(v)(), sd = std::sqrt(xt::variance(v)());
        if (name.find("weight") != std::string::npos && v.size() > 1000) {
            CHECK(std::abs(mean) < 0.002);
            CHECK(sd == doctest::Approx(0.02).epsilon(0.05));
        } else if (name.find("bias") != std::string::npos || name.find("beta") != std::string::npos) {
            CHECK(xt::all(xt::equal(v, 0.0)));
        } else if (name.find("gamma") != std::string::npos) {
            CHECK(std::abs(mean - 1.0) < 0.01);
            CHECK(sd < 0.04);
        }
    }
}

TEST_CASE("interpolate: evenly spaced points from za to zb, both ends included") {
    const xt::xarray<float> za = {0.0f, 2.0f}, zb = {3.0f, -1.0f};
    const xt::xarray<float> path = models::interpolate(za, zb, 4);
    const xt::xarray<float> want = {{0.0f, 2.0f}, {1.0f, 1.0f}, {2.0f, 0.0f}, {3.0f, -1.0f}};
    check_close(path, want, 1e-6);
    CHECK_THROWS_CONTAINING(models::interpolate(za, xt::xarray<float>{1.0f}, 4), "interpolate");
    CHECK_THROWS_CONTAINING(models::interpolate(za, zb, 1), "interpolate");
}

TEST_CASE("gan_step: one step moves both players") {
    Generator gen(9);
    const io::Dataset data = left_or_right_images(256, gen);  // two "digits": bright left or right half
    nn::Sequential g = models::mlp_generator(4, {8}, gen), d = models::mlp_discriminator({8}, gen);
    nn::AdamOptions dcgan;
    dcgan.beta1 = 0.5;
    nn::Adam og(g.parameters(), 1e-2, dcgan), od(d.parameters(), 1e-2, dcgan);
    const xt::xarray<float> g_before = g.parameters()[0].value(), d_before = d.parameters()[0].value();
    const Tensor real = Tensor(xt::xarray<float>(xt::view(data.images, xt::range(0, 16), xt::all()))) * 2.0 - 1.0;
    const models::GanStep s = models::gan_step(g, d, og, od, real, 4, gen);
    CHECK(s.loss_d > 0.0);
    CHECK(s.loss_g > 0.0);
    CHECK(s.d_real > 0.0);
    CHECK(s.d_real < 1.0);
    CHECK_FALSE(xt::allclose(g.parameters()[0].value(), g_before));
    CHECK_FALSE(xt::allclose(d.parameters()[0].value(), d_before));
}

TEST_CASE("gan_step: a NaN in the data stops the game with NonFiniteLoss before any weight changes") {
    Generator gen(11);
    nn::Sequential g = models::mlp_generator(4, {8}, gen), d = models::mlp_discriminator({8}, gen);
    nn::AdamOptions dcgan;
    dcgan.beta1 = 0.5;
    nn::Adam og(g.parameters(), 1e-2, dcgan), od(d.parameters(), 1e-2, dcgan);
    xt::xarray<float> images = xt::zeros<float>({std::size_t{8}, std::size_t{784}});
    images(3, 100) = std::numeric_limits<float>::quiet_NaN();
    const xt::xarray<float> g_before = g.parameters()[0].value(), d_before = d.parameters()[0].value();
    CHECK_THROWS_WITH_AS(models::gan_step(g, d, og, od, Tensor(images), 4, gen),
                         doctest::Contains("D's loss is nan; training stopped here"), nn::NonFiniteLoss);
    CHECK(xt::all(xt::equal(g.parameters()[0].value(), g_before)));
    CHECK(xt::all(xt::equal(d.parameters()[0].value(), d_before)));
    CHECK(og.steps() == 0);
    CHECK(od.steps() == 0);
}
