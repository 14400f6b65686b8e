// gan.hpp: the pieces of a generative adversarial network (Scott, Lecture 5, slides 35-41;
// Goodfellow et al. 2014; Radford et al. 2015) that the GAN lectures share: the losses of the
// game, one step of it, and the two players for MNIST (MLP and DCGAN). How good their digits are
// is gan_metrics.hpp's question.
//
// Dimension letters: N images, Z noise dimensions, D = 784 pixels.
//
// The game (slides 36-37). D(x) = sigmoid(l(x)) is the discriminator's probability that x is
// real, l its logit; G(z) maps noise z ~ N(0, I) to an image. With the value
//   V(D, G) = E_x log D(x) + E_z log(1 - D(G(z))),
// D maximises V (J(D) = -V, the cross-entropy with label 1 for real and 0 for fake), and G
// either minimises V (the minimax game, J(G) = -J(D)) or, as almost everyone does in practice,
// maximises log D(G(z)) (the non-saturating loss). In logits, log D = -softplus(-l) and
// log(1 - D) = -softplus(l), which is how the losses below are computed (no log of 0).
#pragma once

#include <cstddef>
#include <vector>

#include <xtensor/xarray.hpp>

#include "nn/nn.hpp"

namespace models {

// ---- the losses of the game ----------------------------------------------------------------------
// J(D) = -[mean log D(x) + mean log(1 - D(G(z)))]: binary cross-entropy, real labelled 1 and fake 0.
// real_logits (N, 1), fake_logits (M, 1).
autograd::Tensor discriminator_loss(const autograd::Tensor& real_logits, const autograd::Tensor& fake_logits);
// The minimax generator loss, J(G) = -J(D) up to the term G cannot change: mean log(1 - D(G(z))).
// Its gradient per sample in the logit is -D(G(z)) / M: nothing when D rejects the fake (D near 0).
autograd::Tensor generator_loss_minimax(const autograd::Tensor& fake_logits);
// The non-saturating generator loss: -mean log D(G(z)). Its gradient per sample in the logit is
// -(1 - D(G(z))) / M: largest exactly when D rejects the fake.
autograd::Tensor generator_loss_nonsaturating(const autograd::Tensor& fake_logits);

// One step of the game (slide 37), on a minibatch of real images (N, ...) in [-1, 1]: a minibatch
// of z ~ N(0, I) (N, Z); one step of D on J(D) with G's samples taken as data (detached), then one
// step of G on the non-saturating loss through D (D's gradients from it are cleared by D's next
// zero_grad). Returns the two losses and D's mean probabilities on the real and fake minibatches.
// A loss of NaN or Inf throws nn::NonFiniteLoss before the step it would spoil.
struct GanStep {
    double loss_d, loss_g, d_real, d_fake;
};
GanStep gan_step(nn::Module& G, nn::Module& D, nn::Optimizer& opt_g, nn::Optimizer& opt_d, const autograd::Tensor& real,
                 std::size_t z_dim, autograd::Generator& gen);

// ---- the players for 28x28 MNIST, images scaled to [-1, 1] -----------------------------------------
// An MLP generator z (N, Z) -> (N, 784): Linear and ReLU through `hidden`, then Linear and tanh.
nn::Sequential mlp_generator(std::size_t z_dim, const std::vector<std::size_t>& hidden, autograd::Generator& gen);
// An MLP discriminator (N, 784) -> (N, 1) logit: Linear and LeakyReLU(0.2) through `hidden`, then Linear.
nn::Sequential mlp_discriminator(const std::vector<std::size_t>& hidden, autograd::Generator& gen);

// The DCGAN generator of slide 38, for 28x28 (w channels at 14x14, 2w at 7x7; the paper's is 64):
//   z (N, Z) -> Linear -> (N, 2w, 7, 7) -> BN, ReLU
//            -> ConvTranspose 2w -> w (k4, s2, p1) -> (N, w, 14, 14) -> BN, ReLU
//            -> ConvTranspose w -> 1 (k4, s2, p1)  -> (N, 1, 28, 28) -> tanh
// Transposed convolutions upsample; there is no pooling anywhere.
nn::Sequential dcgan_generator(std::size_t z_dim, std::size_t w, autograd::Generator& gen);
// Its mirror, strided convolutions down (no pooling either):
//   (N, 1, 28, 28) -> Conv 1 -> w (k4, s2, p1) -> LeakyReLU 0.2 -> (N, w, 14, 14)
//                  -> Conv w -> 2w (k4, s2, p1) -> BN, LeakyReLU 0.2 -> (N, 2w, 7, 7) -> Linear -> (N, 1)
nn::Sequential dcgan_discriminator(std::size_t w, autograd::Generator& gen);
// Radford et al.'s initialisation: every weight of a Linear, Conv2d or ConvTranspose2d from
// N(0, 0.02^2) and its bias 0; every batch norm's scale (its weight, the paper's gamma) from
// N(1, 0.02^2) and its shift (bias, beta) 0.
void init_dcgan(nn::Module& model, autograd::Generator& gen);

// `steps` points on the straight line from za to zb (each (Z,)), ends included: (steps, Z), for
// drawing what a generator makes along the way (neighbouring z's should draw neighbouring images).
xt::xarray<float> interpolate(const xt::xarray<float>& za, const xt::xarray<float>& zb, std::size_t steps);

}  // namespace models
