#include "autograd/gradcheck.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "autograd/engine.hpp"
#include "autograd/ops.hpp"
#include "autograd/random.hpp"
#include "autograd/shape.hpp"

namespace autograd {

namespace {
std::vector<Tensor64> fresh_leaves(const std::vector<Tensor64>& inputs) {
    std::vector<Tensor64> leaves;
    for (const auto& x : inputs) leaves.emplace_back(xt::xarray<double>(x.value()), true);
    return leaves;
}
}  // namespace

std::vector<xt::xarray<double>> analytic_jacobian(const Function64& f, const std::vector<Tensor64>& inputs) {
    std::vector<Tensor64> leaves = fresh_leaves(inputs);
    const Tensor64 out = f(leaves);
    std::vector<xt::xarray<double>> jac;
    for (const auto& x : leaves) jac.push_back(xt::zeros<double>({out.size(), x.size()}));
    if (!out.requires_grad()) return jac;  // f does not depend on its inputs: all zeros
    for (std::size_t k = 0; k < out.size(); ++k) {
        xt::xarray<double> seed = xt::zeros<double>(out.shape());
        seed.data()[k] = 1.0;
        const std::vector<Tensor64> g = grad(out, leaves, Tensor64(seed), retain_graph);
        for (std::size_t i = 0; i < leaves.size(); ++i)
            std::copy_n(g[i].value().data(), leaves[i].size(), &jac[i](k, 0));
    }
    return jac;
}

std::vector<xt::xarray<double>> numeric_jacobian(const Function64& f, const std::vector<Tensor64>& inputs, double eps) {
    // Recording stays as it is: f may take a gradient itself (a gradient penalty); constant
    // inputs keep everything else from being recorded anyway.
    std::vector<Tensor64> xs;
    for (const auto& x : inputs) xs.emplace_back(xt::xarray<double>(x.value()));
    const std::size_t out_size = f(xs).size();
    std::vector<xt::xarray<double>> jac;
    for (auto& x : xs) {
        xt::xarray<double> J = xt::zeros<double>({out_size, x.size()});
        for (std::size_t j = 0; j < x.size(); ++j) {
            double& xj = x.mutable_value().data()[j];
            const double saved = xj;
            xj = saved + eps;
            const xt::xarray<double> plus = f(xs).value();
            xj = saved - eps;
            const xt::xarray<double> minus = f(xs).value();
            xj = saved;
            for (std::size_t k = 0; k < out_size; ++k) J(k, j) = (plus.data()[k] - minus.data()[k]) / (2.0 * eps);
        }
        jac.push_back(std::move(J));
    }
    return jac;
}

GradcheckResult gradcheck(const Function64& f, const std::vector<Tensor64>& inputs, const GradcheckOptions& opt) {
    const std::vector<xt::xarray<double>> analytic = analytic_jacobian(f, inputs);
    const std::vector<xt::xarray<double>> numeric = numeric_jacobian(f, inputs, opt.eps);
    GradcheckResult result;
    int reported = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const std::size_t out_size = analytic[i].shape()[0], in_size = analytic[i].shape()[1];
        for (std::size_t k = 0; k < out_size; ++k) {
            for (std::size_t j = 0; j < in_size; ++j) {
                const double a = analytic[i](k, j), n = numeric[i](k, j);
                const double err = std::abs(a - n);
                result.max_abs_error = std::max(result.max_abs_error, err);
                result.max_rel_error = std::max(result.max_rel_error, err / std::max(std::abs(n), opt.atol / opt.rtol));
                ++result.checked;
                if (std::isfinite(a) && std::isfinite(n) && err <= opt.atol + opt.rtol * std::abs(n)) continue;
                result.ok = false;
                if (reported++ < 5)
                    result.report +=
                        fmt::format("d out[{}] / d input {}{}: expected (numeric) {:.10g}, got (backward) {:.10g}\n", k,
                                    i, index_str(inputs[i].shape(), j), n, a);
            }
        }
    }
    if (!result.ok)
        result.report = fmt::format("gradcheck failed ({} of {} entries shown):\n{}", std::min(reported, 5), reported,
                                    result.report);
    return result;
}

GradcheckResult gradgradcheck(const Function64& f, const std::vector<Tensor64>& inputs, const GradcheckOptions& opt) {
    // A fixed weight v for the output, so that the first derivative is one vector per input.
    Tensor64 out_shape_probe;
    {
        NoGradGuard no_grad;
        out_shape_probe = f(inputs);
    }
    Generator gen(1234);
    const Tensor64 v = uniform<double>(out_shape_probe.shape(), 0.5, 1.5, gen);
    std::size_t total = 0;
    for (const auto& x : inputs) total += x.size();
    const Function64 first_derivative = [&f, &v, total](const std::vector<Tensor64>& xs) {
        // The numeric differences pass constants: make leaves of them so the inner gradient exists.
        std::vector<Tensor64> leaves = xs;
        for (auto& x : leaves)
            if (!x.requires_grad()) x = Tensor64(xt::xarray<double>(x.value()), true);
        const Tensor64 out = f(leaves);
        if (!out.requires_grad()) return zeros<double>({total});
        const std::vector<Tensor64> g = grad(sum(out * v), leaves, create_graph);
        std::vector<Tensor64> flat;
        for (const auto& gi : g) flat.push_back(reshape(gi, {gi.size()}));
        return concat(flat);
    };
    GradcheckResult r = gradcheck(first_derivative, inputs, opt);
    if (!r.ok) r.report = "second derivatives: " + r.report;
    return r;
}

}  // namespace autograd
