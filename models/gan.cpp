#include "models/gan.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include <xtensor/xview.hpp>

#include "autograd/losses.hpp"

namespace models {

using namespace autograd;

// ---- losses ----------------------------------------------------------------------------------------
// log D = log sigmoid(l) = -softplus(-l);  log(1 - D) = log sigmoid(-l) = -softplus(l).
autograd::Tensor discriminator_loss(const autograd::Tensor& real_logits, const autograd::Tensor& fake_logits) {
    return mean(softplus(-real_logits)) + mean(softplus(fake_logits));
}

autograd::Tensor generator_loss_minimax(const autograd::Tensor& fake_logits) { return -mean(softplus(fake_logits)); }

autograd::Tensor generator_loss_nonsaturating(const autograd::Tensor& fake_logits) {
    return mean(softplus(-fake_logits));
}

GanStep gan_step(nn::Module& G, nn::Module& D, nn::Optimizer& opt_g, nn::Optimizer& opt_d, const autograd::Tensor& real,
                 std::size_t z_dim, autograd::Generator& gen) {
    const std::size_t n = real.shape()[0];
    GanStep r{};
    // D: real towards 1, fake towards 0. The fakes are detached: this step changes D only.
    opt_d.zero_grad();
    const autograd::Tensor fake = G(randn({n, z_dim}, gen)).detach();
    const autograd::Tensor real_logits = D(real), fake_logits = D(fake);  // (N, 1) each
    autograd::Tensor loss_d = discriminator_loss(real_logits, fake_logits);
    nn::stop_unless_finite("gan_step", "D's loss", loss_d.item());  // before a NaN reaches the weights
    loss_d.backward();
    opt_d.step();
    // G: through D, towards D(G(z)) = 1. Only G's optimizer steps; D's gradients are discarded.
    opt_g.zero_grad();
    const autograd::Tensor g_logits = D(G(randn({n, z_dim}, gen)));
    autograd::Tensor loss_g = generator_loss_nonsaturating(g_logits);
    nn::stop_unless_finite("gan_step", "G's loss", loss_g.item());
    loss_g.backward();
    opt_g.step();
    NoGradGuard no_grad;
    r.loss_d = loss_d.item();
    r.loss_g = loss_g.item();
    r.d_real = mean(sigmoid(real_logits)).item();
    r.d_fake = mean(sigmoid(fake_logits)).item();
    return r;
}

// ---- players ---------------------------------------------------------------------------------------
nn::Sequential mlp_generator(std::size_t z_dim, const std::vector<std::size_t>& hidden, autograd::Generator& gen) {
    nn::Sequential g;
    std::size_t in = z_dim;
    for (std::size_t h : hidden) {
        g.push_back(nn::Linear(in, h, gen, nn::Init::He));
        g.push_back(nn::ReLU());
        in = h;
    }
    g.push_back(nn::Linear(in, 784, gen));
    g.push_back(nn::Tanh());
    return g;
}

nn::Sequential mlp_discriminator(const std::vector<std::size_t>& hidden, autograd::Generator& gen) {
    nn::Sequential d;
    std::size_t in = 784;
    for (std::size_t h : hidden) {
        d.push_back(nn::Linear(in, h, gen, nn::Init::He));
        d.push_back(nn::LeakyReLU(0.2));
        in = h;
    }
    d.push_back(nn::Linear(in, 1, gen));
    return d;
}

namespace {
const autograd::ConvGeometry kHalve{/*stride=*/2, /*padding=*/1};  // k4 s2 p1: 28 -> 14 -> 7, and back
}

nn::Sequential dcgan_generator(std::size_t z_dim, std::size_t w, autograd::Generator& gen) {
    return nn::Sequential(nn::Linear(z_dim, 2 * w * 7 * 7, gen), nn::Unflatten({2 * w, 7, 7}), nn::BatchNorm2d(2 * w),
                          nn::ReLU(), nn::ConvTranspose2d(2 * w, w, 4, gen, kHalve), nn::BatchNorm2d(w), nn::ReLU(),
                          nn::ConvTranspose2d(w, 1, 4, gen, kHalve), nn::Tanh());
}

nn::Sequential dcgan_discriminator(std::size_t w, autograd::Generator& gen) {
    return nn::Sequential(nn::Conv2d(1, w, 4, gen, kHalve), nn::LeakyReLU(0.2), nn::Conv2d(w, 2 * w, 4, gen, kHalve),
                          nn::BatchNorm2d(2 * w), nn::LeakyReLU(0.2), nn::Flatten(), nn::Linear(2 * w * 7 * 7, 1, gen));
}

namespace {

void fill_normal(autograd::Tensor& t, double mean, double std, autograd::Generator& gen) {
    for (float& v : t.mutable_value()) v = static_cast<float>(mean + std * gen.normal());
}

void zero(autograd::Tensor& t) {
    if (t.defined()) t.mutable_value().fill(0.0f);
}

}  // namespace

void init_dcgan(nn::Module& model, autograd::Generator& gen) {
    for (const auto& [name, child] : model.named_children()) {
        if (auto* linear = dynamic_cast<nn::Linear*>(child.get())) {
            fill_normal(linear->weight, 0.0, 0.02, gen);
            zero(linear->bias);
        } else if (auto* conv = dynamic_cast<nn::Conv2d*>(child.get())) {
            fill_normal(conv->weight, 0.0, 0.02, gen);
            zero(conv->bias);
        } else if (auto* deconv = dynamic_cast<nn::ConvTranspose2d*>(child.get())) {
            fill_normal(deconv->weight, 0.0, 0.02, gen);
            zero(deconv->bias);
        } else if (auto* bn = dynamic_cast<nn::BatchNorm*>(child.get())) {
            fill_normal(bn->weight, 1.0, 0.02, gen);
            zero(bn->bias);
        } else {
            init_dcgan(*child, gen);
        }
    }
}

xt::xarray<float> interpolate(const xt::xarray<float>& za, const xt::xarray<float>& zb, std::size_t steps) {
    if (za.dimension() != 1 || za.shape() != zb.shape() || steps < 2)
        throw std::invalid_argument("interpolate: two z's of the same (Z,) shape and at least 2 steps");
    xt::xarray<float> path = xt::zeros<float>({steps, za.size()});  // (steps, Z)
    for (std::size_t k = 0; k < steps; ++k)
        xt::view(path, k, xt::all()) = za + (zb - za) * (static_cast<float>(k) / static_cast<float>(steps - 1));
    return path;
}

}  // namespace models
