// losses.cpp: made of the ops of ops.hpp, except bce_with_logits, whose stable form has kinks
// (|z|, max(z, 0)) that cancel: built from relu and abs its gradient at z = 0 would come out as
// -t instead of 1/2 - t, so it is a primitive with its own backward, sigmoid(z) - t.
#include "autograd/losses.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <xtensor/xmath.hpp>

#include "autograd/detail/op_helpers.hpp"

namespace autograd {

using detail::check_defined;

namespace {
template <class T>
void check_same_shape(const char* op, const BasicTensor<T>& pred, const BasicTensor<T>& target) {
    check_defined(op, pred), check_defined(op, target);
    if (pred.shape() != target.shape())
        shape_error(op, fmt::format("prediction {} and target {} differ in shape", shape_str(pred.shape()),
                                    shape_str(target.shape())));
    if (pred.size() == 0) shape_error(op, fmt::format("empty prediction {}", shape_str(pred.shape())));
}

// Throws DomainError when an element of `t` is outside [lo, hi] or NaN: "<loss>: <what> = <value>
// at <index> is outside <range>: <why>". One vectorised pass when all is well.
template <class T>
void check_domain(const char* loss, const char* what, const BasicTensor<T>& t, T lo, T hi, const char* range,
                  const char* why) {
    const T* v = t.value().data();
    const std::size_t n = t.size();
    bool inside = true;
    for (std::size_t i = 0; i < n; ++i) inside &= (v[i] >= lo) & (v[i] <= hi);  // false for NaN
    if (inside) return;
    std::size_t i = 0;
    while (v[i] >= lo && v[i] <= hi) ++i;
    const std::string at = index_str(t.shape(), i);
    if (std::isnan(v[i]))
        throw DomainError(
            fmt::format("{}: {} is nan at {} (a NaN made earlier in the model; anomaly detection, "
                        "--detect-anomaly in a lecture, names the op that made it)",
                        loss, what, at));
    throw DomainError(fmt::format("{}: {} = {} at {} is outside {}: {}", loss, what, v[i], at, range, why));
}

// Finite: neither NaN nor +-Inf.
template <class T>
void check_finite(const char* loss, const char* what, const BasicTensor<T>& t, const char* why) {
    check_domain(loss, what, t, std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max(), "the finite numbers",
                 why);
}

// The loss from its terms, as losses.hpp's rule says.
template <class T>
BasicTensor<T> reduce(const BasicTensor<T>& terms, Reduction r) {
    switch (r) {
        case Reduction::Mean: return mean(terms);
        case Reduction::Sum: return sum(terms);
        case Reduction::BatchMean: return sum(terms) / static_cast<double>(terms.dim() == 0 ? 1 : terms.shape()[0]);
    }
    throw std::invalid_argument("loss: unknown Reduction");
}

// What a reduction multiplies the sum of the terms by: 1/n (Mean), 1 (Sum), 1/N (BatchMean).
template <class T>
double reduction_scale(const BasicTensor<T>& terms, Reduction r) {
    switch (r) {
        case Reduction::Mean: return 1.0 / static_cast<double>(terms.size());
        case Reduction::Sum: return 1.0;
        case Reduction::BatchMean: return 1.0 / static_cast<double>(terms.dim() == 0 ? 1 : terms.shape()[0]);
    }
    throw std::invalid_argument("loss: unknown Reduction");
}
}  // namespace

// f(p, t) = c sum_i (p_i - t_i)^2, c the reduction's scale     df/dp = 2 c (p - t), df/dt = -2 c (p - t)
// One op (it is the last of every autoencoder's step): its value in one pass, its backward in one
// pass unless a graph of the gradient is being recorded.
template <class T>
BasicTensor<T> mse_loss(const BasicTensor<T>& pred, const BasicTensor<T>& target, Reduction r) {
    check_same_shape("mse_loss", pred, target);
    const double c = reduction_scale(pred, r);
    const T* p = pred.value().data();
    const T* t = target.value().data();
    // Sixteen partial sums, so that the loop is vectorised (one running sum is a chain of
    // dependent additions, which cannot be; docs/performance.md, "What made the difference", has
    // the measurement); they are added up at the end.
    T partial[16] = {};
    const std::size_t n = pred.size();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (std::size_t lane = 0; lane < 16; ++lane) {
            const T d = p[i + lane] - t[i + lane];
            partial[lane] += d * d;
        }
    for (; i < n; ++i) partial[0] += (p[i] - t[i]) * (p[i] - t[i]);
    T total = T(0);
    for (const T v : partial) total += v;
    xt::xarray<T> out = xt::xarray<T>::from_shape({});
    out() = r == Reduction::Sum ? total : total * static_cast<T>(c);
    return record<T>("mse_loss", std::move(out), {pred, target},
                     [pred, target, c](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         BasicTensor<T> grad_pred;
                         if (is_grad_enabled()) {  // create_graph: differentiable
                             grad_pred = (pred - target) * (grad_out * (2.0 * c));
                         } else {  // otherwise one pass, with no graph to build (the usual case)
                             xt::xarray<T> grad_pred_value = xt::xarray<T>::from_shape(pred.shape());
                             const T k = static_cast<T>(2.0 * c) * grad_out.item();
                             const T* pv = pred.value().data();
                             const T* tv = target.value().data();
                             for (std::size_t i = 0, n = grad_pred_value.size(); i < n; ++i)
                                 grad_pred_value.data()[i] = k * (pv[i] - tv[i]);
                             grad_pred = detail::constant(std::move(grad_pred_value));
                         }
                         return Grads<T>{pred.requires_grad() ? grad_pred : BasicTensor<T>(),
                                         target.requires_grad() ? -grad_pred : BasicTensor<T>()};
                     });
}

template <class T>
BasicTensor<T> bce_loss(const BasicTensor<T>& p, const BasicTensor<T>& target, Reduction r) {
    check_same_shape("bce_loss", p, target);
    check_domain("bce_loss", "probability p", p, T(0), T(1), "[0, 1]",
                 "bce_loss takes probabilities (a sigmoid's output); for raw scores use bce_with_logits");
    check_domain("bce_loss", "target", target, T(0), T(1), "[0, 1]",
                 "targets are probabilities (labels 0 and 1, or pixel intensities scaled to [0, 1])");
    const double eps = std::numeric_limits<T>::epsilon();
    const BasicTensor<T> pc = clamp(p, eps, 1.0 - eps);
    return reduce(-(target * log(pc) + (1.0 - target) * log(1.0 - pc)), r);
}

// f(z, t) = max(z, 0) - z t + log(1 + e^-|z|)     df/dz = sigmoid(z) - t,  df/dt = -z
template <class T>
BasicTensor<T> bce_with_logits(const BasicTensor<T>& z, const BasicTensor<T>& target, Reduction r) {
    check_same_shape("bce_with_logits", z, target);
    check_finite("bce_with_logits", "logit z", z, "a logit is a real number");
    check_domain("bce_with_logits", "target", target, T(0), T(1), "[0, 1]",
                 "targets are probabilities (labels 0 and 1, or pixel intensities scaled to [0, 1])");
    const auto& zv = z.value();
    xt::xarray<T> out = xt::maximum(zv, T(0)) - zv * target.value() + xt::log1p(xt::exp(-xt::abs(zv)));
    BasicTensor<T> elementwise =
        record<T>("bce_with_logits", std::move(out), {z, target},
                  [z, target](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                      return Grads<T>{z.requires_grad() ? grad_out * (sigmoid(z) - target) : BasicTensor<T>(),
                                      target.requires_grad() ? -(grad_out * z) : BasicTensor<T>()};
                  });
    return reduce(elementwise, r);
}

template <class T>
BasicTensor<T> cross_entropy(const BasicTensor<T>& logits, const std::vector<std::size_t>& labels, Reduction r) {
    check_defined("cross_entropy", logits);
    if (logits.dim() != 2 || logits.shape()[0] != labels.size() || labels.empty())
        shape_error("cross_entropy", fmt::format("expects (N, C) logits and N labels, got {} and {} labels",
                                                 shape_str(logits.shape()), labels.size()));
    check_finite("cross_entropy", "logit", logits, "a logit is a real number");
    const std::size_t classes = logits.shape()[1];
    // The label's log-probability is picked out by a one-hot mask: sum_c onehot_c * log p_c.
    xt::xarray<T> onehot = xt::zeros<T>(logits.shape());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] >= classes)
            throw DomainError(
                fmt::format("cross_entropy: label {} of row {} is not below the {} classes (labels "
                            "count from 0)",
                            labels[i], i, classes));
        onehot(i, labels[i]) = T(1);
    }
    const BasicTensor<T> picked = sum(log_softmax(logits, 1) * detail::constant(std::move(onehot)), {1});  // (N,)
    return reduce(-picked, r);
}

template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& q, double p, Reduction r) {
    check_defined("kl_sparsity", q);
    if (!(p > 0.0 && p < 1.0))
        throw DomainError(fmt::format("kl_sparsity: target activation p = {} is not in (0, 1)", p));
    if (q.size() == 0) shape_error("kl_sparsity", "no mean activation q (an empty tensor)");
    check_domain("kl_sparsity", "mean activation q", q, T(0), T(1), "[0, 1]",
                 "q_i is the mean of a sigmoid unit's activations over the minibatch");
    // In [0, 1] but saturated: the KL to Bernoulli(p) is infinite at q = 0 and at q = 1.
    const T* qv = q.value().data();
    for (std::size_t i = 0; i < q.size(); ++i)
        if (qv[i] == T(0) || qv[i] == T(1))
            throw DomainError(fmt::format(
                "kl_sparsity: mean activation q = {} at {} is saturated: unit {} is {} for every example of the "
                "batch (a float32 sigmoid rounds to 1 from z = 17, to 0 below z = -88), where the KL to "
                "Bernoulli({}) is infinite; every q_i must lie strictly between 0 and 1. A smaller learning rate "
                "or smaller initial weights keep the unit out of saturation, or clamp q to [1e-6, 1 - 1e-6] "
                "before the penalty",
                qv[i], index_str(q.shape(), i), i, qv[i] == T(0) ? "off" : "fully on", p));
    // p log(p / q) + (1 - p) log((1 - p) / (1 - q)) = p log p + (1-p) log(1-p) - p log q - (1-p) log(1-q)
    const double constant_part = p * std::log(p) + (1.0 - p) * std::log(1.0 - p);
    return reduce(-(log(q) * p) - log(1.0 - q) * (1.0 - p) + constant_part, r);  // (H,) terms
}

template <class T>
BasicTensor<T> gaussian_kl(const BasicTensor<T>& mu, const BasicTensor<T>& logvar, Reduction r) {
    check_same_shape("gaussian_kl", mu, logvar);
    if (mu.dim() != 2)
        shape_error("gaussian_kl", fmt::format("expects (N, D) mu and logvar, got {}", shape_str(mu.shape())));
    check_finite("gaussian_kl", "mu", mu, "the mean of a Gaussian is a real number");
    check_finite("gaussian_kl", "logvar", logvar, "the log of a variance is a real number");
    // The reduction of 1 + logvar - mu^2 - e^logvar (N, D), times -1/2: the same as reducing the terms.
    return reduce(1.0 + logvar - square(mu) - exp(logvar), r) * -0.5;
}

template <class T>
BasicTensor<T> contractive_penalty(const BasicTensor<T>& h, const BasicTensor<T>& W, Reduction r) {
    check_defined("contractive_penalty", h), check_defined("contractive_penalty", W);
    if (h.dim() != 2 || W.dim() != 2 || h.shape()[0] == 0)
        shape_error("contractive_penalty", fmt::format("expects h (N, H) with N > 0 and W (D, H), got h {} and W {}",
                                                       shape_str(h.shape()), shape_str(W.shape())));
    if (h.shape()[1] != W.shape()[1])
        shape_error("contractive_penalty",
                    fmt::format("h {} has {} units but W {} has {} columns; W must be (D, H) as nn::Linear keeps it "
                                "(PyTorch's weight is the transpose)",
                                shape_str(h.shape()), h.shape()[1], shape_str(W.shape()), W.shape()[1]));
    check_domain("contractive_penalty", "h", h, T(0), T(1), "[0, 1]",
                 "the closed form is for a sigmoid layer's output h = sigmoid(x W + b)");
    check_finite("contractive_penalty", "W", W, "a weight is a real number");
    const BasicTensor<T> slope = h * (1.0 - h);               // (N, H): dh_i / dz_i of the sigmoid
    const BasicTensor<T> column_norms = sum(square(W), {0});  // (H,): sum_j W_ji^2
    return reduce(square(slope) * column_norms, r);           // (N, H) terms, reduced
}

#define AUTOGRAD_INSTANTIATE(T)                                                                               \
    template BasicTensor<T> mse_loss(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);                \
    template BasicTensor<T> bce_loss(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);                \
    template BasicTensor<T> bce_with_logits(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);         \
    template BasicTensor<T> cross_entropy(const BasicTensor<T>&, const std::vector<std::size_t>&, Reduction); \
    template BasicTensor<T> kl_sparsity(const BasicTensor<T>&, double, Reduction);                            \
    template BasicTensor<T> gaussian_kl(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);             \
    template BasicTensor<T> contractive_penalty(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
