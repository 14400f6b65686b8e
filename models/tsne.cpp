#include "models/tsne.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xview.hpp>

#include "autograd/engine.hpp"
#include "autograd/ops.hpp"
#include "autograd/shape.hpp"

namespace models {

xt::xarray<double> squared_distances(const xt::xarray<double>& x) {
    if (x.dimension() != 2)
        throw std::invalid_argument(
            fmt::format("squared_distances: x must be (N, D), it has {} "
                        "dimensions",
                        x.dimension()));
    // |x_i - x_j|^2 = |x_i|^2 + |x_j|^2 - 2 x_i . x_j: one matrix product.
    const xt::xarray<double> gram = xt::linalg::dot(x, xt::transpose(x));  // (N, N)
    const std::size_t n = x.shape()[0];
    xt::xarray<double> d = xt::zeros<double>({n, n});
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) d(i, j) = std::max(0.0, gram(i, i) + gram(j, j) - 2.0 * gram(i, j));
    return d;
}

namespace {
// Row i of p_{j|i} for a given beta, written into `row`; returns its entropy in nats. The
// distances are shifted by the smallest one, which cancels in the ratio and keeps exp finite.
double fill_row(const xt::xarray<double>& distances, std::size_t i, double beta, std::vector<double>& row) {
    const std::size_t n = distances.shape()[1];
    double dmin = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < n; ++j)
        if (j != i) dmin = std::min(dmin, distances(i, j));
    double total = 0.0, weighted = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
        if (j == i) {
            row[j] = 0.0;
            continue;
        }
        const double shifted = distances(i, j) - dmin;
        row[j] = std::exp(-beta * shifted);
        total += row[j];
        weighted += row[j] * shifted;
    }
    for (double& v : row) v /= total;
    // H = -sum p log p = log(total) + beta * sum_j p_j d_j (with the shifted distances).
    return std::log(total) + beta * weighted / total;
}
}  // namespace

xt::xarray<double> conditional_affinities(const xt::xarray<double>& distances, double perplexity, double tolerance) {
    if (distances.dimension() != 2 || distances.shape()[0] != distances.shape()[1])
        throw std::invalid_argument("conditional_affinities: distances must be a square (N, N) matrix");
    const std::size_t n = distances.shape()[0];
    if (!(perplexity >= 1.0) || perplexity >= static_cast<double>(n) - 1.0)
        throw std::invalid_argument(
            fmt::format("conditional_affinities: perplexity {} must be at least 1 and below "
                        "N - 1 = {}",
                        perplexity, n < 1 ? 0.0 : static_cast<double>(n) - 1.0));
    xt::xarray<double> p = xt::zeros<double>({n, n});
    std::vector<double> row(n);
    for (std::size_t i = 0; i < n; ++i) {
        // Binary search on beta: a larger beta (a smaller sigma_i) gives a peakier row, a lower
        // entropy and a lower perplexity 2^H = e^H.
        double beta = 1.0, lo = 0.0, hi = std::numeric_limits<double>::infinity();
        for (int step = 0; step < 200; ++step) {
            const double perp = std::exp(fill_row(distances, i, beta, row));
            if (std::abs(perp - perplexity) < tolerance) break;
            if (perp > perplexity) {  // too flat: narrow the Gaussian
                lo = beta;
                beta = std::isinf(hi) ? beta * 2.0 : 0.5 * (beta + hi);
            } else {
                hi = beta;
                beta = 0.5 * (beta + lo);
            }
        }
        for (std::size_t j = 0; j < n; ++j) p(i, j) = row[j];
    }
    return p;
}

double row_perplexity(const xt::xarray<double>& p, std::size_t i) {
    double h = 0.0;
    for (std::size_t j = 0; j < p.shape()[1]; ++j)
        if (j != i && p(i, j) > 0.0) h -= p(i, j) * std::log2(p(i, j));
    return std::exp2(h);
}

xt::xarray<double> joint_affinities(const xt::xarray<double>& pc) {
    const auto n = static_cast<double>(pc.shape()[0]);
    return (pc + xt::transpose(pc)) / (2.0 * n);
}

template <class T>
autograd::BasicTensor<T> tsne_cross_entropy(const autograd::BasicTensor<T>& y, const autograd::BasicTensor<T>& p) {
    if (y.shape().size() != 2 || p.shape().size() != 2 || p.shape()[0] != y.shape()[0] || p.shape()[1] != y.shape()[0])
        throw autograd::ShapeError(fmt::format("tsne_loss: y must be (N, d) and p (N, N); got {} and {}",
                                               autograd::shape_str(y.shape()), autograd::shape_str(p.shape())));
    const auto n = static_cast<double>(y.shape()[0]);
    // 1 + |y_i - y_j|^2 = (1 + |y_i|^2) + |y_j|^2 - 2 y_i . y_j, arranged so that the scaling and
    // the 1 are applied to (N, 2) and (N, 1) arrays and only two additions touch (N, N) ones.
    const autograd::BasicTensor<T> minus_2gram = autograd::gemm(y * -2.0, y, false, true);  // (N, N)  -2 y_i . y_j
    const autograd::BasicTensor<T> sq = autograd::sum(y * y, {1}, /*keepdims=*/true);       // (N, 1)  |y_i|^2
    const autograd::BasicTensor<T> one_plus_d =
        (minus_2gram + (sq + 1.0)) + autograd::transpose(sq);                // (N, N)  1 / w_ij
    const autograd::BasicTensor<T> z = autograd::sum(1.0 / one_plus_d) - n;  // ()  sum_{i != j} w_ij
    // - sum p_ij log w_ij = + sum p_ij log(1 + d_ij); the diagonal has p_ii = 0 and log 1 = 0.
    return autograd::sum(p * autograd::log(one_plus_d)) + autograd::log(z);
}

template <class T>
autograd::BasicTensor<T> tsne_loss(const autograd::BasicTensor<T>& y, const autograd::BasicTensor<T>& p) {
    const autograd::BasicTensor<T> cross_entropy = tsne_cross_entropy(y, p);  // checks the shapes
    // sum p log p: a constant (p is data); p_ij = 0 terms contribute 0.
    double p_log_p = 0.0;
    for (const T v : p.value())
        if (v > 0) p_log_p += static_cast<double>(v) * std::log(static_cast<double>(v));
    return cross_entropy + p_log_p;
}

template <class T>
autograd::BasicTensor<T> sne_cross_entropy(const autograd::BasicTensor<T>& y, const autograd::BasicTensor<T>& p) {
    if (y.shape().size() != 2 || p.shape().size() != 2 || p.shape()[0] != y.shape()[0] || p.shape()[1] != y.shape()[0])
        throw autograd::ShapeError(fmt::format("sne_loss: y must be (N, d) and p (N, N); got {} and {}",
                                               autograd::shape_str(y.shape()), autograd::shape_str(p.shape())));
    const std::size_t n = y.shape()[0];
    // |y_i - y_j|^2 = |y_i|^2 + |y_j|^2 - 2 y_i . y_j, as in tsne_cross_entropy.
    const autograd::BasicTensor<T> minus_2gram = autograd::gemm(y * -2.0, y, false, true);  // (N, N)
    const autograd::BasicTensor<T> sq = autograd::sum(y * y, {1}, /*keepdims=*/true);       // (N, 1)
    const autograd::BasicTensor<T> d = (minus_2gram + sq) + autograd::transpose(sq);        // (N, N)  |y_i - y_j|^2
    xt::xarray<T> mask = xt::xarray<T>::from_shape({n, n});  // (N, N)  1 off the diagonal, 0 on it
    mask.fill(T(1));
    for (std::size_t i = 0; i < n; ++i) mask(i, i) = T(0);
    const autograd::BasicTensor<T> off_diagonal(std::move(mask));  // a constant
    // Z sums g_ij over i != j; the mask keeps the diagonal's exp(-0) = 1 out of it exactly (the
    // rounding in d_ii need not be exactly 0).
    const autograd::BasicTensor<T> z = autograd::sum(autograd::exp(-d) * off_diagonal);  // ()
    // - sum p_ij log g_ij = sum p_ij d_ij; p_ii = 0.
    return autograd::sum(p * d) + autograd::log(z);
}

template <class T>
autograd::BasicTensor<T> sne_loss(const autograd::BasicTensor<T>& y, const autograd::BasicTensor<T>& p) {
    const autograd::BasicTensor<T> cross_entropy = sne_cross_entropy(y, p);  // checks the shapes
    double p_log_p = 0.0;
    for (const T v : p.value())
        if (v > 0) p_log_p += static_cast<double>(v) * std::log(static_cast<double>(v));
    return cross_entropy + p_log_p;
}

template autograd::BasicTensor<float> sne_cross_entropy(const autograd::BasicTensor<float>&,
                                                        const autograd::BasicTensor<float>&);
template autograd::BasicTensor<double> sne_cross_entropy(const autograd::BasicTensor<double>&,
                                                         const autograd::BasicTensor<double>&);
template autograd::BasicTensor<float> sne_loss(const autograd::BasicTensor<float>&,
                                               const autograd::BasicTensor<float>&);
template autograd::BasicTensor<double> sne_loss(const autograd::BasicTensor<double>&,
                                                const autograd::BasicTensor<double>&);

template autograd::BasicTensor<float> tsne_cross_entropy(const autograd::BasicTensor<float>&,
                                                         const autograd::BasicTensor<float>&);
template autograd::BasicTensor<double> tsne_cross_entropy(const autograd::BasicTensor<double>&,
                                                          const autograd::BasicTensor<double>&);
template autograd::BasicTensor<float> tsne_loss(const autograd::BasicTensor<float>&,
                                                const autograd::BasicTensor<float>&);
template autograd::BasicTensor<double> tsne_loss(const autograd::BasicTensor<double>&,
                                                 const autograd::BasicTensor<double>&);

xt::xarray<double> tsne_gradient(const xt::xarray<double>& y, const xt::xarray<double>& p) {
    const std::size_t n = y.shape()[0], dims = y.shape()[1];
    xt::xarray<double> w = xt::zeros<double>({n, n});
    double z = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            if (i == j) continue;
            double d = 0.0;
            for (std::size_t k = 0; k < dims; ++k) d += (y(i, k) - y(j, k)) * (y(i, k) - y(j, k));
            w(i, j) = 1.0 / (1.0 + d);
            z += w(i, j);
        }
    xt::xarray<double> g = xt::zeros<double>({n, dims});
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            if (i == j) continue;
            const double coef = 4.0 * (p(i, j) - w(i, j) / z) * w(i, j);
            for (std::size_t k = 0; k < dims; ++k) g(i, k) += coef * (y(i, k) - y(j, k));
        }
    return g;
}

xt::xarray<double> sne_gradient(const xt::xarray<double>& y, const xt::xarray<double>& p) {
    const std::size_t n = y.shape()[0], dims = y.shape()[1];
    xt::xarray<double> g_ij = xt::zeros<double>({n, n});
    double z = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            if (i == j) continue;
            double d = 0.0;
            for (std::size_t k = 0; k < dims; ++k) d += (y(i, k) - y(j, k)) * (y(i, k) - y(j, k));
            g_ij(i, j) = std::exp(-d);
            z += g_ij(i, j);
        }
    xt::xarray<double> g = xt::zeros<double>({n, dims});
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            if (i == j) continue;
            const double coef = 4.0 * (p(i, j) - g_ij(i, j) / z);
            for (std::size_t k = 0; k < dims; ++k) g(i, k) += coef * (y(i, k) - y(j, k));
        }
    return g;
}

xt::xarray<float> tsne(const xt::xarray<double>& x, const TSNEOptions& o, autograd::Generator& gen,
                       const std::function<void(std::size_t, double)>& report) {
    const xt::xarray<double> p64 = joint_affinities(conditional_affinities(squared_distances(x), o.perplexity));
    const std::size_t n = x.shape()[0];
    const autograd::Tensor p(xt::xarray<float>(xt::cast<float>(p64)));  // (N, N)
    const autograd::Tensor p_exaggerated(xt::xarray<float>(p.value() * static_cast<float>(o.exaggeration)));
    autograd::Tensor y = autograd::randn({n, std::size_t{2}}, gen) * 1e-2;  // (N, 2)
    y = autograd::Tensor(y.value(), /*requires_grad=*/true);
    xt::xarray<float> velocity = xt::zeros<float>({n, std::size_t{2}});
    for (std::size_t it = 0; it < o.iterations; ++it) {
        const bool early = it < o.exaggeration_iterations;
        y.zero_grad();
        const autograd::Tensor& target = early ? p_exaggerated : p;
        autograd::Tensor loss =
            o.kernel == Kernel::Gaussian ? sne_cross_entropy(y, target) : tsne_cross_entropy(y, target);
        loss.backward();
        const double momentum = early ? o.momentum : o.final_momentum;
        velocity = static_cast<float>(momentum) * velocity - static_cast<float>(o.learning_rate) * y.grad().value();
        y.mutable_value() += velocity;
        if (report && ((it + 1) % 100 == 0 || it + 1 == o.iterations)) {
            autograd::NoGradGuard no_grad;
            report(it + 1, (o.kernel == Kernel::Gaussian ? sne_loss(y, p) : tsne_loss(y, p)).item());
        }
    }
    return y.value();
}

}  // namespace models
