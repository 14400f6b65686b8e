#include "nn/optim.hpp"

#include <cmath>
#include <stdexcept>
#include <unordered_set>

#include <fmt/format.h>

#include "autograd/shape.hpp"

namespace nn {

namespace {
void check_positive(const char* what, const char* name, double value, bool allow_zero = false) {
    if (!(allow_zero ? value >= 0.0 : value > 0.0) || !std::isfinite(value))
        throw std::invalid_argument(
            fmt::format("{}: {} = {} must be {}", what, name, value, allow_zero ? "0 or more" : "positive"));
}

// The gradient of parameter i, checked against the parameter's size (and its state's): a value
// replaced through mutable_value() with another shape would otherwise be updated out of bounds.
const float* checked_grad(const char* what, const autograd::Tensor& p, const autograd::Tensor& grad, std::size_t i,
                          std::size_t state_size) {
    if (grad.size() != p.size() || state_size != p.size())
        throw std::logic_error(
            fmt::format("{}: parameter {} has shape {} but its gradient {} and its optimizer state {} "
                        "elements; make a new optimizer after changing a parameter's shape",
                        what, i, autograd::shape_str(p.shape()), autograd::shape_str(grad.shape()), state_size));
    return grad.value().data();
}

// The state arrays of an optimizer: one zero array per parameter.
std::vector<xt::xarray<float>> zeros_like_params(const std::vector<autograd::Tensor>& params) {
    std::vector<xt::xarray<float>> state;
    for (const autograd::Tensor& p : params) state.push_back(xt::zeros<float>(p.shape()));
    return state;
}
}  // namespace

Optimizer::Optimizer(const char* name, std::vector<autograd::Tensor> params, double lr)
    : lr(lr), params_(std::move(params)) {
    check_positive(name, "lr", lr);
    if (params_.empty()) throw std::invalid_argument(fmt::format("{}: the parameter list is empty", name));
    std::unordered_set<const void*> seen;
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const autograd::Tensor& p = params_[i];
        if (!p.defined()) throw std::invalid_argument(fmt::format("{}: parameter {} is undefined", name, i));
        if (!p.is_leaf())
            throw std::invalid_argument(fmt::format(
                "{}: parameter {} was made by '{}', not a leaf (pass the model's own tensors)", name, i, p.op()));
        if (!seen.insert(p.node()).second)
            throw std::invalid_argument(fmt::format("{}: parameter {} is listed twice", name, i));
    }
}

void Optimizer::zero_grad() {
    for (autograd::Tensor& p : params_) p.zero_grad();
}

// ---- SGD -------------------------------------------------------------------------------------
SGD::SGD(std::vector<autograd::Tensor> params, double lr, SGDOptions options)
    : Optimizer("SGD", std::move(params), lr), momentum_(options.momentum), weight_decay_(options.weight_decay) {
    check_positive("SGD", "momentum", momentum_, true);
    check_positive("SGD", "weight_decay", weight_decay_, true);
}

void SGD::step() {
    if (velocity_.empty() && momentum_ != 0.0) velocity_ = zeros_like_params(params_);
    const float lr_f = static_cast<float>(lr), mom = static_cast<float>(momentum_),
                wd = static_cast<float>(weight_decay_);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const autograd::Tensor grad = params_[i].grad();
        if (!grad.defined()) continue;
        const float* g =
            checked_grad("SGD", params_[i], grad, i, momentum_ != 0.0 ? velocity_[i].size() : params_[i].size());
        float* p = params_[i].mutable_value().data();
        float* v = momentum_ != 0.0 ? velocity_[i].data() : nullptr;
        for (std::size_t j = 0, n = params_[i].size(); j < n; ++j) {
            const float gj = g[j] + wd * p[j];
            if (!v) {
                p[j] -= lr_f * gj;
                continue;
            }
            v[j] = mom * v[j] + gj;  // v starts at 0, so the first step has v = g
            p[j] -= lr_f * v[j];
        }
    }
}

// ---- Adam ------------------------------------------------------------------------------------
Adam::Adam(std::vector<autograd::Tensor> params, double lr, AdamOptions options)
    : Optimizer("Adam", std::move(params), lr),
      beta1_(options.beta1),
      beta2_(options.beta2),
      eps_(options.eps),
      weight_decay_(options.weight_decay) {
    if (!(beta1_ >= 0.0 && beta1_ < 1.0))
        throw std::invalid_argument(fmt::format("Adam: beta1 = {} is not in [0, 1)", beta1_));
    if (!(beta2_ >= 0.0 && beta2_ < 1.0))
        throw std::invalid_argument(fmt::format("Adam: beta2 = {} is not in [0, 1)", beta2_));
    check_positive("Adam", "eps", eps_);
    check_positive("Adam", "weight_decay", weight_decay_, true);
    m_ = zeros_like_params(params_);
    v_ = zeros_like_params(params_);
    steps_.assign(params_.size(), 0);
}

void Adam::step() {
    ++t_;
    // 1 - beta is taken in double before rounding: 1.0f - 0.999f is off by 1.3e-5 of itself.
    const float b1 = static_cast<float>(beta1_), b2 = static_cast<float>(beta2_), eps = static_cast<float>(eps_),
                wd = static_cast<float>(weight_decay_), one_minus_b1 = static_cast<float>(1.0 - beta1_),
                one_minus_b2 = static_cast<float>(1.0 - beta2_);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const autograd::Tensor grad = params_[i].grad();
        if (!grad.defined()) continue;
        const float* g = checked_grad("Adam", params_[i], grad, i, m_[i].size());
        // Each parameter counts its own steps, from its first gradient, as PyTorch does: a layer
        // that joins the training later (greedy layer-wise training) starts with t = 1.
        const double t = static_cast<double>(++steps_[i]);
        const double bias1 = 1.0 - std::pow(beta1_, t), bias2 = 1.0 - std::pow(beta2_, t);
        // As PyTorch computes it: p -= (lr / bias1) * m / (sqrt(v) / sqrt(bias2) + eps).
        const float step_size = static_cast<float>(lr / bias1), sqrt_bias2 = static_cast<float>(std::sqrt(bias2));
        float* p = params_[i].mutable_value().data();
        float* m = m_[i].data();
        float* v = v_[i].data();
        for (std::size_t j = 0, n = params_[i].size(); j < n; ++j) {
            const float gj = g[j] + wd * p[j];
            m[j] = b1 * m[j] + one_minus_b1 * gj;
            v[j] = b2 * v[j] + one_minus_b2 * gj * gj;
            p[j] -= step_size * m[j] / (std::sqrt(v[j]) / sqrt_bias2 + eps);
        }
    }
}

}  // namespace nn
