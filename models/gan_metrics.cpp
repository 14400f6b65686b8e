#include "models/gan_metrics.hpp"

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

// ---- the judge -------------------------------------------------------------------------------------
MnistJudge::MnistJudge(autograd::Generator& gen) {
    body_ =
        register_module("body", std::make_shared<nn::Sequential>(nn::Linear(784, 256, gen, nn::Init::He), nn::ReLU(),
                                                                 nn::Linear(256, 64, gen, nn::Init::He), nn::ReLU()));
    head_ = register_module("head", std::make_shared<nn::Linear>(64, 10, gen));
}

autograd::Tensor MnistJudge::forward(const autograd::Tensor& x) { return (*head_)((*body_)(x)); }

double MnistJudge::fit(const io::Dataset& train, const io::Dataset& test, std::size_t epochs,
                       autograd::Generator& gen) {
    nn::Adam adam(parameters(), 1e-3);
    nn::DataLoader loader(train, 128, /*shuffle=*/true, gen.next_u64());
    for (std::size_t epoch = 0; epoch < epochs; ++epoch)
        for (const nn::Batch& batch : loader) {
            adam.zero_grad();
            autograd::Tensor loss = cross_entropy(forward(batch.x), batch.labels);
            loss.backward();
            adam.step();
        }
    return accuracy(test);
}

xt::xarray<double> MnistJudge::features(const xt::xarray<float>& images) {
    NoGradGuard no_grad;
    return xt::xarray<double>((*body_)(autograd::Tensor(images)).value());
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
    return argmax_rows(forward(autograd::Tensor(images)).value());  // (N, 10) logits
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
    const autograd::Tensor hidden = (*body_)(autograd::Tensor(samples));  // (N, 64): once, for both measures
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

xt::xarray<float> gaussian_samples(const xt::xarray<float>& images, std::size_t n, autograd::Generator& gen) {
    if (images.dimension() != 2 || images.shape(0) < 2)
        throw std::invalid_argument("gaussian_samples: images must be (N, D) with N >= 2");
    const std::size_t N = images.shape(0), D = images.shape(1);
    const xt::xarray<double> x = xt::cast<double>(images);                                            // (N, D)
    const xt::xarray<double> mu = xt::mean(x, {0});                                                   // (D,)
    const xt::xarray<double> centred = x - mu;                                                        // (N, D)
    const xt::xarray<double> cov = xt::linalg::dot(xt::transpose(centred), centred) / double(N - 1);  // (D, D)
    const auto [lambda, V] = xt::linalg::eigh(cov);                                                   // (D,), (D, D)
    const xt::xarray<double> scale = xt::sqrt(xt::maximum(lambda, 0.0));                              // (D,)
    const xt::xarray<double> eps = xt::cast<double>(randn({n, D}, gen).value());                      // (n, D)
    const xt::xarray<double> samples = xt::linalg::dot(eps * scale, xt::transpose(V)) + mu;           // (n, D)
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
