#include "nn/gradcheck_module.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace nn {

namespace {

// The function that the gradient check differentiates: inputs[0] is x, inputs[1 + i] the
// stand-in of the module's i-th trainable parameter.
autograd::Function64 as_function(Module& module, const std::vector<autograd::Tensor>& params) {
    return [&module, params](const std::vector<autograd::Tensor64>& inputs) {
        Params64 p;
        for (std::size_t i = 0; i < params.size(); ++i) p.set(params[i], inputs[1 + i]);
        return module.forward64(inputs[0], p);
    };
}

// Empty when forward64 agrees with forward at x; otherwise what differs. Buffers that forward
// changes (batch norm's running statistics in train mode) are put back.
std::string compare_forwards(Module& module, const autograd::Tensor64& x) {
    const autograd::Tensor64 y64 = [&] {
        autograd::NoGradGuard no_grad;
        return module.forward64(x, Params64());
    }();
    std::vector<std::pair<autograd::Tensor, xt::xarray<float>>> saved;
    for (const auto& [name, buffer] : module.named_buffers()) saved.emplace_back(buffer, buffer.value());
    autograd::Tensor y32;
    {
        autograd::NoGradGuard no_grad;
        y32 = module(autograd::to_float(x));
    }
    for (auto& [buffer, value] : saved) buffer.mutable_value() = std::move(value);
    if (y32.shape() != y64.shape())
        return fmt::format("{}: forward gives shape {} but forward64 {}", module.type_name(),
                           autograd::shape_str(y32.shape()), autograd::shape_str(y64.shape()));
    double worst = 0.0, scale = 1.0;
    for (std::size_t i = 0; i < y64.size(); ++i) {
        const double a = y64.value().data()[i], b = y32.value().data()[i];
        worst = std::max(worst, std::isnan(a - b) ? INFINITY : std::abs(a - b));
        scale = std::max(scale, std::abs(a));
    }
    // float32 keeps 24 bits: a few roundings per output leave it within 1e-4 of the scale.
    if (worst > 1e-4 * scale)
        return fmt::format(
            "{}: forward64 differs from forward by {:.3g} (outputs of size up to {:.3g}): they do not "
            "compute the same function",
            module.type_name(), worst, scale);
    return "";
}

template <class Check>
autograd::GradcheckResult check_module(Module& module, const autograd::Tensor64& x,
                                       const autograd::GradcheckOptions& options, Check check) {
    if (const std::string mismatch = compare_forwards(module, x); !mismatch.empty()) {
        autograd::GradcheckResult r;
        r.ok = false;
        r.report = mismatch + "\n";
        return r;
    }
    std::vector<autograd::Tensor> params;
    std::string legend = "inputs: 0 x";  // so that the report's "input 2" can be read as a name
    for (const auto& [name, p] : module.named_parameters()) {
        if (!p.requires_grad()) continue;  // frozen: read as a constant
        params.push_back(p);
        legend += fmt::format(", {} {}", params.size(), name);
    }
    std::vector<autograd::Tensor64> inputs{x};
    for (const autograd::Tensor& p : params) inputs.push_back(autograd::to_double(p));
    autograd::GradcheckResult r = check(as_function(module, params), inputs, options);
    if (!r.ok) r.report = fmt::format("{}: {}\n{}", module.type_name(), legend, r.report);
    return r;
}
}  // namespace

autograd::GradcheckResult gradcheck_module(Module& module, const autograd::Tensor64& x,
                                           const autograd::GradcheckOptions& options) {
    return check_module(module, x, options, autograd::gradcheck);
}

autograd::GradcheckResult gradgradcheck_module(Module& module, const autograd::Tensor64& x,
                                               const autograd::GradcheckOptions& options) {
    return check_module(module, x, options, autograd::gradgradcheck);
}

}  // namespace nn
