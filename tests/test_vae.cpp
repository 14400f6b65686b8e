// models/vae.cpp: the VAE's size, its loss's parts against their closed forms, the gradients
// through the reparameterisation, and that it learns.
#include <xtensor/xbuilder.hpp>

#include "check.hpp"
#include "models/vae.hpp"
#include "nn/optim.hpp"

using namespace autograd;

TEST_CASE("VAE: the parameter count of PyTorch's example, gradients through the reparameterisation, learning") {
    Generator gen(3);
    models::VAE vae(784, 400, 20, gen);
    CHECK(vae.num_parameters() == 652824);  // PyTorch's examples/vae has the same count
    const Tensor x = autograd::where(xt::xarray<bool>(rand({16, 784}, gen).value() > 0.7f), ones({1}), zeros({1}));
    // Gradients reach mu and logvar through z = mu + exp(logvar / 2) eps.
    models::VAE::Code code = vae.encode(x);
    Tensor mu(xt::xarray<float>(code.mu.value()), true), logvar(xt::xarray<float>(code.logvar.value()), true);
    sum(models::VAE::reparameterize({mu, logvar}, gen)).backward();
    CHECK(mu.grad().defined());
    CHECK(xt::all(xt::equal(mu.grad().value(), 1.0f)));  // dz/dmu = 1
    CHECK(logvar.grad().defined());
    // The loss is the sum of its parts, and Adam lowers it.
    models::VAE::Loss first = vae.loss(x, gen);
    CHECK(first.total.item() == doctest::Approx(first.reconstruction.item() + first.kl.item()));
    CHECK(first.kl.item() >= 0.0f);
    nn::Adam opt(vae.parameters(), 1e-3);
    float last = 0.0f;
    for (int step = 0; step < 60; ++step) {
        opt.zero_grad();
        models::VAE::Loss l = vae.loss(x, gen);
        l.total.backward();
        opt.step();
        last = l.total.item();
    }
    CHECK_MESSAGE(last < 0.6f * first.total.item(), "negative ELBO went from " << first.total.item() << " to " << last);
    CHECK(vae(x).shape() == Shape{16, 784});
}

TEST_CASE("VAE: the loss's KL term is the closed form -1/2 sum (1 + logvar - mu^2 - exp(logvar))") {
    Generator gen(9);
    models::VAE vae(20, 16, 3, gen);
    // Move the logvar head's bias away from 0, so that sigma != 1 and every term counts.
    for (auto& [name, p] : vae.named_parameters())
        if (name == "to_logvar.bias") p.mutable_value() = xt::xarray<float>{0.7f, -1.3f, 0.2f};
    const Tensor x = rand({5, 20}, gen);
    const models::VAE::Code code = vae.encode(x);
    const xt::xarray<double> mu = xt::cast<double>(code.mu.value()), lv = xt::cast<double>(code.logvar.value());
    const double by_hand = -0.5 * xt::sum(1.0 + lv - mu * mu - xt::exp(lv))();
    Generator g1(10), g2(10);
    const models::VAE::Loss l = vae.loss(x, g1);
    CHECK(l.kl.item() == doctest::Approx(by_hand).epsilon(1e-5));
    CHECK(l.kl.item() > 0.0);
    CHECK(l.total.item() == doctest::Approx(l.reconstruction.item() + l.kl.item()).epsilon(1e-6));
    // The reconstruction term is the summed BCE of x against the decoder's logits at
    // z = mu + sigma eps, with the same eps (same generator state).
    const Tensor logits = vae.decode_logits(models::VAE::reparameterize(code, g2));
    CHECK(l.reconstruction.item() == doctest::Approx(bce_with_logits(logits, x, Reduction::Sum).item()).epsilon(1e-6));
}
