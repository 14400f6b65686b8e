#include "models/gan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xview.hpp>

#include "autograd/losses.hpp"

namespace models {

using namespace autograd;

// ---- losses ----------------------------------------------------------------------------------------
// log D = log sigmoid(l) = -softplus(-l);  log(1 - D) = log sigmoid(-l) = -softplus(l).
Tensor discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits) {
    return mean(softplus(-real_logits)) + mean(softplus(fake_logits));
}

Tensor generator_loss_minimax(const Tensor& fake_logits) { return -mean(softplus(fake_logits)); }

Tensor generator_loss_nonsaturating(const Tensor& fake_logits) { return mean(softplus(-fake_logits)); }

GanStep gan_step(nn::Module& G, nn::Module& D, nn::Optimizer& opt_g, nn::Optimizer& opt_d, const Tensor& real,
                 std::size_t z_dim, Generator& gen) {
    const std::size_t n = real.shape()[0];
    GanStep r{};
    // D: real towards 1, fake towards 0. The fakes are detached: this step changes D only.
    opt_d.zero_grad();
    const Tensor fake = G(randn({n, z_dim}, gen)).detach();
    const Tensor real_logits = D(real), fake_logits = D(fake);  // (N, 1) each
    Tensor loss_d = discriminator_loss(real_logits, fake_logits);
    nn::stop_unless_finite("gan_step", "D's loss", loss_d.item());  // before a NaN reaches the weights
    loss_d.backward();
    opt_d.step();
    // G: through D, towards D(G(z)) = 1. Only G's optimizer steps; D's gradients are discarded.
    opt_g.zero_grad();
    const Tensor g_logits = D(G(randn({n, z_dim}, gen)));
    Tensor loss_g = generator_loss_nonsaturating(g_logits);
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
nn::Sequential mlp_generator(std::size_t z_dim, const std::vector<std::size_t>& hidden, Generator& gen) {
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

nn::Sequential mlp_discriminator(const std::vector<std::size_t>& hidden, Generator& gen) {
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
const ConvGeometry kHalve{/*stride=*/2, /*padding=*/1};  // k4 s2 p1: 28 -> 14 -> 7, and back
}

nn::Sequential dcgan_generator(std::size_t z_dim, std::size_t w, Generator& gen) {
    return nn::Sequential(nn::Linear(z_dim, 2 * w * 7 * 7, gen), nn::Unflatten({2 * w, 7, 7}), nn::BatchNorm2d(2 * w),
                          nn::ReLU(), nn::ConvTranspose2d(2 * w, w, 4, gen, kHalve), nn::BatchNorm2d(w), nn::ReLU(),
                          nn::ConvTranspose2d(w, 1, 4, gen, kHalve), nn::Tanh());
}

nn::Sequential dcgan_discriminator(std::size_t w, Generator& gen) {
    return nn::Sequential(nn::Conv2d(1, w, 4, gen, kHalve), nn::LeakyReLU(0.2), nn::Conv2d(w, 2 * w, 4, gen, kHalve),
                          nn::BatchNorm2d(2 * w), nn::LeakyReLU(0.2), nn::Flatten(), nn::Linear(2 * w * 7 * 7, 1, gen));
}

namespace {

void fill_normal(Tensor& t, double mean, double std, Generator& gen) {
    for (float& v : t.mutable_value()) v = static_cast<float>(mean + std * gen.normal());
}

void zero(Tensor& t) {
    if (t.defined()) t.mutable_value().fill(0.0f);
}

}  // namespace

void init_dcgan(nn::Module& model, Generator& gen) {
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
            fill_normal(bn->gamma, 1.0, 0.02, gen);
            zero(bn->beta);
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

// ---- the judge -------------------------------------------------------------------------------------
MnistJudge::MnistJudge(Generator& gen) {
    body_ =
        register_module("body", std::make_shared<nn::Sequential>(nn::Linear(784, 256, gen, nn::Init::He), nn::ReLU(),
                                                                 nn::Linear(256, 64, gen, nn::Init::He), nn::ReLU()));
    head_ = register_module("head", std::make_shared<nn::Linear>(64, 10, gen));
}

Tensor MnistJudge::forward(const Tensor& x) { return (*head_)((*body_)(x)); }

double MnistJudge::fit(const io::Dataset& train, const io::Dataset& test, std::size_t epochs, Generator& gen) {
    nn::Adam adam(parameters(), 1e-3);
    nn::DataLoader loader(train, 128, /*shuffle=*/true, gen.next_u64());
    for (std::size_t epoch = 0; epoch < epochs; ++epoch)
        for (const nn::Batch& batch : loader) {
            adam.zero_grad();
            Tensor loss = cross_entropy(forward(batch.x), batch.labels);
            loss.backward();
            adam.step();
        }
    return accuracy(test);
}

xt::xarray<double> MnistJudge::features(const xt::xarray<float>& images) {
    NoGradGuard no_grad;
    return xt::xarray<double>((*body_)(Tensor(images)).value());
}

namespace {
// The index of the largest logit of each row of (N, classes).
std::vector<std::size_t> argmax_rows(const xt::xarray<float>& logits) {
    std::vector<std::size_t> labels(logits.shape(0));
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto row = xt::row(logits, static_cast<long>(i));
        labels[i] = static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
    }
    return labels;
}
}  // namespace

std::vector<std::size_t> MnistJudge::classify(const xt::xarray<float>& images) {
    NoGradGuard no_grad;
    return argmax_rows(forward(Tensor(images)).value());  // (N, 10) logits
}

std::vector<std::size_t> MnistJudge::digit_counts(const xt::xarray<float>& images) {
    std::vector<std::size_t> count(10, 0);
    for (std::size_t label : classify(images)) ++count[label];
    return count;
}

double MnistJudge::accuracy(const io::Dataset& data) {
    const std::vector<std::size_t> predicted = classify(data.images);
    std::size_t right = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) right += predicted[i] == data.labels[i];
    return static_cast<double>(right) / static_cast<double>(predicted.size());
}

MnistJudge::Judgement MnistJudge::judge(const xt::xarray<float>& samples, const xt::xarray<double>& real_features) {
    NoGradGuard no_grad;
    const Tensor hidden = (*body_)(Tensor(samples));  // (N, 64): once, for both measures
    return {frechet_distance(xt::xarray<double>(hidden.value()), real_features),
            label_entropy(argmax_rows((*head_)(hidden).value()))};
}

// ---- measures --------------------------------------------------------------------------------------
double frechet_distance(const xt::xarray<double>& mu1, const xt::xarray<double>& cov1, const xt::xarray<double>& mu2,
                        const xt::xarray<double>& cov2) {
    const std::size_t f = mu1.size();
    auto square_of_f = [f](const xt::xarray<double>& c) {
        return c.dimension() == 2 && c.shape(0) == f && c.shape(1) == f;
    };
    if (mu2.size() != f || !square_of_f(cov1) || !square_of_f(cov2))
        throw std::invalid_argument(
            fmt::format("frechet_distance: the means have {} and {} entries and the covariances must be {} x {}", f,
                        mu2.size(), f, f));
    // S1^{1/2} = V diag(sqrt(lambda)) V^T from S1 = V diag(lambda) V^T (eigenvalues below 0 are
    // rounding errors of a positive semi-definite matrix, taken as 0).
    const auto [values1, vectors1] = xt::linalg::eigh(cov1);
    const xt::xarray<double> root1 =
        xt::linalg::dot(vectors1 * xt::sqrt(xt::maximum(values1, 0.0)), xt::transpose(vectors1));  // (F, F)
    const xt::xarray<double> m = xt::linalg::dot(root1, xt::linalg::dot(cov2, root1));
    const xt::xarray<double> sym = 0.5 * (m + xt::transpose(m));  // symmetric up to rounding; make it exact
    const auto [values, vectors] = xt::linalg::eigh(sym);
    const double trace_root = xt::sum(xt::sqrt(xt::maximum(values, 0.0)))();
    const double mean_term = xt::sum(xt::square(mu1 - mu2))();
    const double d2 = mean_term + xt::sum(xt::diagonal(cov1))() + xt::sum(xt::diagonal(cov2))() - 2.0 * trace_root;
    return std::max(d2, 0.0);
}

namespace {

void mean_and_covariance(const xt::xarray<double>& x, xt::xarray<double>& mu, xt::xarray<double>& cov) {
    if (x.dimension() != 2 || x.shape(0) < 2)
        throw std::invalid_argument("frechet_distance: each feature set must be (N, F) with N >= 2 rows");
    mu = xt::mean(x, {0});
    const xt::xarray<double> centred = x - mu;
    cov = xt::linalg::dot(xt::transpose(centred), centred) / static_cast<double>(x.shape(0) - 1);
}

}  // namespace

double frechet_distance(const xt::xarray<double>& features1, const xt::xarray<double>& features2) {
    xt::xarray<double> mu1, cov1, mu2, cov2;
    mean_and_covariance(features1, mu1, cov1);
    mean_and_covariance(features2, mu2, cov2);
    return frechet_distance(mu1, cov1, mu2, cov2);
}

double label_entropy(const std::vector<std::size_t>& labels, std::size_t classes) {
    if (labels.empty()) throw std::invalid_argument("label_entropy: no labels");
    std::vector<double> count(classes, 0.0);
    for (std::size_t l : labels) {
        if (l >= classes) throw std::invalid_argument(fmt::format("label_entropy: label {} of {} classes", l, classes));
        count[l] += 1.0;
    }
    double h = 0.0;
    for (double c : count)
        if (c > 0) {
            const double p = c / static_cast<double>(labels.size());
            h -= p * std::log(p);
        }
    return h;
}

xt::xarray<float> gaussian_samples(const xt::xarray<float>& images, std::size_t n, Generator& gen) {
    if (images.dimension() != 2 || images.shape(0) < 2)
        throw std::invalid_argument("gaussian_samples: images must be (N, D) with N >= 2");
    const std::size_t N = images.shape(0), D = images.shape(1);
    const xt::xarray<double> x = xt::cast<double>(images);                                             // (N, D)
    const xt::xarray<double> mu = xt::mean(x, {0});                                                    // (D,)
    const xt::xarray<double> centred = x - mu;                                                         // (N, D)
    const xt::xarray<double> cov = xt::linalg::dot(xt::transpose(centred), centred) / double(N - 1);  // (D, D)
    const auto [lambda, V] = xt::linalg::eigh(cov);                                  // (D,), (D, D)
    const xt::xarray<double> scale = xt::sqrt(xt::maximum(lambda, 0.0));             // (D,)
    const xt::xarray<double> eps = xt::cast<double>(randn({n, D}, gen).value());     // (n, D)
    const xt::xarray<double> samples = xt::linalg::dot(eps * scale, xt::transpose(V)) + mu;  // (n, D)
    return xt::cast<float>(xt::clip(samples, 0.0, 1.0));
}

double mean_nearest_distance(const xt::xarray<float>& queries, const xt::xarray<float>& reference) {
    if (queries.dimension() != 2 || reference.dimension() != 2 || queries.shape(1) != reference.shape(1) ||
        reference.shape(0) == 0 || queries.shape(0) == 0)
        throw std::invalid_argument("mean_nearest_distance: queries (N, D) and reference (M, D) with the same D");
    // |q - r|^2 = |q|^2 + |r|^2 - 2 q.r, the products 256 queries at a time.
    const xt::xarray<float> ref_sq = xt::sum(xt::square(reference), {1});  // (M)
    const std::size_t n = queries.shape(0), block = 256;
    double total = 0.0;
    for (std::size_t start = 0; start < n; start += block) {
        const std::size_t stop = std::min(n, start + block);
        const xt::xarray<float> q = xt::view(queries, xt::range(start, stop), xt::all());  // (b, D)
        const xt::xarray<float> dots = xt::linalg::dot(q, xt::transpose(reference));       // (b, M)
        for (std::size_t i = 0; i < stop - start; ++i) {
            double q_sq = 0.0;
            for (std::size_t d = 0; d < q.shape(1); ++d) q_sq += double(q(i, d)) * q(i, d);
            double best = std::numeric_limits<double>::infinity();
            for (std::size_t j = 0; j < reference.shape(0); ++j)
                best = std::min(best, q_sq + ref_sq(j) - 2.0 * dots(i, j));
            total += std::sqrt(std::max(best, 0.0));
        }
    }
    return total / static_cast<double>(n);
}

}  // namespace models
