// gan_metrics.hpp: judging generated digits without looking at them: a small MNIST classifier
// whose features carry a Fréchet distance (an "FID" for MNIST) and whose predictions carry the
// entropy of the digits drawn (mode collapse), the Gaussian baseline a generator must beat, and
// the distance to the nearest training image (memorising). The GAN lectures' verdicts
// (Scott, Lecture 5, slides 38-41) are measured with these.
//
// Dimension letters: N images, D = 784 pixels, F = 64 features.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

#include "nn/nn.hpp"

namespace models {

// A small MNIST classifier, 784-256-64-10 with ReLU, whose 64 hidden features at the last hidden
// layer are the space the Fréchet distance is measured in (an "FID" for MNIST; Heusel et al. 2017
// use an Inception network's features for natural images). Images in [0, 1], (N, 784).
class MnistJudge : public nn::Module {
public:
    explicit MnistJudge(autograd::Generator& gen);
    autograd::Tensor forward(const autograd::Tensor& x) override;  // (N, 784) -> (N, 10) logits
    std::string type_name() const override { return "MnistJudge"; }
    // Trains with Adam (lr 1e-3, batches of 128) for `epochs` epochs; returns the test accuracy.
    double fit(const io::Dataset& train, const io::Dataset& test, std::size_t epochs, autograd::Generator& gen);
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
xt::xarray<float> gaussian_samples(const xt::xarray<float>& images, std::size_t n, autograd::Generator& gen);

// For each row of `queries` (N, D), the Euclidean distance to its nearest row of `reference`
// (M, D), averaged over the N queries (the products through BLAS, in blocks).
double mean_nearest_distance(const xt::xarray<float>& queries, const xt::xarray<float>& reference);

}  // namespace models
