// The MLP autoencoder: its layers, and that it learns (loss falls on a small fixed problem).
#include "check.hpp"
#include "models/mlp_autoencoder.hpp"
#include "models/vae.hpp"
#include "nn/optim.hpp"

#include <xtensor/xbuilder.hpp>

using namespace autograd;

TEST_CASE("MLPAutoencoder mirrors its widths") {
    Generator gen(1);
    models::MLPAutoencoder ae({784, 256, 64}, gen);
    std::vector<std::string> names;
    for (const auto& p : ae.named_parameters()) names.push_back(p.first);
    const std::vector<std::string> expected{"encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
                                            "decoder.0.weight", "decoder.0.bias", "decoder.2.weight", "decoder.2.bias"};
    CHECK(names == expected);
    CHECK(ae.num_parameters() == 2 * (784 * 256 + 256 * 64) + 256 + 64 + 256 + 784);
    CHECK(ae.encoder->size() == 4);
    CHECK((*ae.decoder)[3].type_name() == "Sigmoid");
    CHECK((*ae.decoder)[1].type_name() == "ReLU");
    const Tensor x = rand({5, 784}, gen);
    CHECK(ae.encode(x).shape() == Shape{5, 64});
    CHECK(ae(x).shape() == Shape{5, 784});
    CHECK_THROWS_CONTAINING(models::MLPAutoencoder({784}, gen), "at least two widths");
}

TEST_CASE("a small autoencoder trained with Adam reconstructs better than at the start") {
    Generator gen(2);
    models::MLPAutoencoder ae({8, 3}, gen, nn::Activation::Sigmoid);
    const Tensor x(xt::xarray<float>(xt::eye<float>(8)));  // Mitchell's eight one-hot vectors
    nn::Adam opt(ae.parameters(), 0.05);
    const float start = mse_loss(ae(x), x).item();
    for (int step = 0; step < 1500; ++step) {
        opt.zero_grad();
        Tensor loss = mse_loss(ae(x), x);
        loss.backward();
        opt.step();
    }
    const float end = mse_loss(ae(x), x).item();
    CHECK_MESSAGE(end < start / 10, "loss went from " << start << " to " << end);
}

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
