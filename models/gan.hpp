// gan.hpp: the pieces of a generative adversarial network (Scott, Lecture 5, slides 35-41;
// Goodfellow et al. 2014; Radford et al. 2015) that the GAN lectures share: the two players for
// MNIST (MLP and DCGAN), the losses of the game, and an honest judge of generated digits.
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

using autograd::Generator;
using autograd::Tensor;

// ---- the losses of the game ----------------------------------------------------------------------
// J(D) = -[mean log D(x) + mean log(1 - D(G(z)))]: binary cross-entropy, real labelled 1 and fake 0.
// real_logits (N, 1), fake_logits (M, 1).
Tensor discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits);
// The minimax generator loss, J(G) = -J(D) up to the term G cannot change: mean log(1 - D(G(z))).
// Its gradient per sample in the logit is -D(G(z)) / M: nothing when D rejects the fake (D near 0).
Tensor generator_loss_minimax(const Tensor& fake_logits);
// The non-saturating generator loss: -mean log D(G(z)). Its gradient per sample in the logit is
// -(1 - D(G(z))) / M: largest exactly when D rejects the fake.
Tensor generator_loss_nonsaturating(const Tensor& fake_logits);

// One step of the game (slide 37), on a minibatch of real images (N, ...) in [-1, 1]: a minibatch
// of z ~ N(0, I) (N, Z); one step of D on J(D) with G's samples taken as data (detached), then one
// step of G on the non-saturating loss through D (D's gradients from it are cleared by D's next
// zero_grad). Returns the two losses and D's mean probabilities on the real and fake minibatches.
// A loss of NaN or Inf throws nn::NonFiniteLoss before the step it would spoil.
struct GanStep {
    double loss_d, loss_g, d_real, d_fake;
};
GanStep gan_step(nn::Module& G, nn::Module& D, nn::Optimizer& opt_g, nn::Optimizer& opt_d, const Tensor& real,
                 std::size_t z_dim, Generator& gen);

// ---- the players for 28x28 MNIST, images scaled to [-1, 1] -----------------------------------------
// An MLP generator z (N, Z) -> (N, 784): Linear and ReLU through `hidden`, then Linear and tanh.
nn::Sequential mlp_generator(std::size_t z_dim, const std::vector<std::size_t>& hidden, Generator& gen);
// An MLP discriminator (N, 784) -> (N, 1) logit: Linear and LeakyReLU(0.2) through `hidden`, then Linear.
nn::Sequential mlp_discriminator(const std::vector<std::size_t>& hidden, Generator& gen);

// The DCGAN generator of slide 38, for 28x28 (w channels at 14x14, 2w at 7x7; the paper's is 64):
//   z (N, Z) -> Linear -> (N, 2w, 7, 7) -> BN, ReLU
//            -> ConvTranspose 2w -> w (k4, s2, p1) -> (N, w, 14, 14) -> BN, ReLU
//            -> ConvTranspose w -> 1 (k4, s2, p1)  -> (N, 1, 28, 28) -> tanh
// Transposed convolutions upsample; there is no pooling anywhere.
nn::Sequential dcgan_generator(std::size_t z_dim, std::size_t w, Generator& gen);
// Its mirror, strided convolutions down (no pooling either):
//   (N, 1, 28, 28) -> Conv 1 -> w (k4, s2, p1) -> LeakyReLU 0.2 -> (N, w, 14, 14)
//                  -> Conv w -> 2w (k4, s2, p1) -> BN, LeakyReLU 0.2 -> (N, 2w, 7, 7) -> Linear -> (N, 1)
nn::Sequential dcgan_discriminator(std::size_t w, Generator& gen);
// Radford et al.'s initialisation: every weight of a Linear, Conv2d or ConvTranspose2d from
// N(0, 0.02^2) and its bias 0; every batch norm's gamma from N(1, 0.02^2) and beta 0.
void init_dcgan(nn::Module& model, Generator& gen);

// `steps` points on the straight line from za to zb (each (Z,)), ends included: (steps, Z), for
// drawing what a generator makes along the way (neighbouring z's should draw neighbouring images).
xt::xarray<float> interpolate(const xt::xarray<float>& za, const xt::xarray<float>& zb, std::size_t steps);

// ---- judging generated digits --------------------------------------------------------------------
// A small MNIST classifier, 784-256-64-10 with ReLU, whose 64 hidden features at the last hidden
// layer are the space the Fréchet distance is measured in (an "FID" for MNIST; Heusel et al. 2017
// use an Inception network's features for natural images). Images in [0, 1], (N, 784).
class MnistJudge : public nn::Module {
public:
    explicit MnistJudge(Generator& gen);
    Tensor forward(const Tensor& x) override;  // (N, 784) -> (N, 10) logits
    std::string type_name() const override { return "MnistJudge"; }
    // Trains with Adam (lr 1e-3, batches of 128) for `epochs` epochs; returns the test accuracy.
    double fit(const io::Dataset& train, const io::Dataset& test, std::size_t epochs, Generator& gen);
    // The 64 hidden features of each image, (N, 64), in float64; no gradient recorded.
    xt::xarray<double> features(const xt::xarray<float>& images);
    // The predicted digit of each image.
    std::vector<std::size_t> classify(const xt::xarray<float>& images);
    // How many of `images` it calls each digit, (10).
    std::vector<std::size_t> digit_counts(const xt::xarray<float>& images);
    // The fraction of `data` classified correctly.
    double accuracy(const io::Dataset& data);
    // What the judge says of generated images (N, 784) in [0, 1]: the Fréchet distance of their
    // features to `real_features` (those of real images), and the entropy of their predicted digits.
    struct Judgement {
        double fid, class_entropy;
    };
    Judgement judge(const xt::xarray<float>& samples, const xt::xarray<double>& real_features);

private:
    std::shared_ptr<nn::Sequential> body_;  // 784 -> 256 -> 64, ReLU after each
    std::shared_ptr<nn::Linear> head_;      // 64 -> 10
};

// The Fréchet distance between two Gaussians (Dowson and Landau 1982):
//   d^2 = |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^{1/2}),
// where tr (S1 S2)^{1/2} is the sum of the square roots of the eigenvalues of S1 S2, computed as
// those of the symmetric S1^{1/2} S2 S1^{1/2} (same eigenvalues, and eigh applies).
double frechet_distance(const xt::xarray<double>& mu1, const xt::xarray<double>& cov1, const xt::xarray<double>& mu2,
                        const xt::xarray<double>& cov2);
// The same between the Gaussians fitted to two sets of feature rows, (N1, F) and (N2, F)
// (the mean and the unbiased covariance of each).
double frechet_distance(const xt::xarray<double>& features1, const xt::xarray<double>& features2);

// The entropy, in nats, of the distribution of `labels` over `classes` classes: log(classes)
// when every class is equally frequent, 0 when all are one class (mode collapse).
double label_entropy(const std::vector<std::size_t>& labels, std::size_t classes = 10);

// Samples of the Gaussian fitted to `images` (N, D): N(mu, S), mu their mean and S their
// covariance, S = V diag(lambda) V^T by eigh, x = mu + V diag(sqrt(lambda)) eps, clipped to [0, 1].
// The best a generator can do knowing only the pixels' first two moments (what PCA sees): a
// baseline for a generator's FID. (n, D)
xt::xarray<float> gaussian_samples(const xt::xarray<float>& images, std::size_t n, Generator& gen);

// For each row of `queries` (N, D), the Euclidean distance to its nearest row of `reference`
// (M, D), averaged over the N queries (the products through BLAS, in blocks).
double mean_nearest_distance(const xt::xarray<float>& queries, const xt::xarray<float>& reference);

}  // namespace models
