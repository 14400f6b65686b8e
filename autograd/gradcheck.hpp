// gradcheck.hpp: compare backward() with central differences, in float64.
//
// For f: inputs -> output, the analytic Jacobian comes from one backward per output element
// (seeded with a one-hot), the numeric one from
//     d out_k / d x_j  ~  (f(x + eps e_j) - f(x - eps e_j))_k / (2 eps)
// and each pair must satisfy |analytic - numeric| <= atol + rtol |numeric|. Central differences
// have error O(eps^2) from the Taylor series plus O(1e-16 / eps) from rounding: with eps = 1e-6
// in float64 both are far below rtol = 1e-6. In float32 the rounding term alone is ~0.1, which
// is why checks run on Tensor64.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autograd/tensor.hpp"

namespace autograd {

struct GradcheckOptions {
    double eps = 1e-6;
    double rtol = 1e-6;
    double atol = 1e-8;
};

struct GradcheckResult {
    bool ok = true;
    double max_abs_error = 0.0;  // largest |analytic - numeric| seen
    double max_rel_error = 0.0;  // largest |analytic - numeric| / max(|numeric|, atol / rtol)
    std::size_t checked = 0;     // Jacobian entries compared
    std::string report;          // the first mismatches: which entry, expected against got
    explicit operator bool() const { return ok; }
};

using Function64 = std::function<Tensor64(const std::vector<Tensor64>& inputs)>;

// Checks d f / d inputs. The inputs are copied as leaves that require grad; f may return any shape.
GradcheckResult gradcheck(const Function64& f, const std::vector<Tensor64>& inputs,
                          const GradcheckOptions& options = {});

// Checks the second derivatives: gradcheck of x -> d (sum f(x) * v) / d x, where v is a fixed
// random weight and the inner gradient is taken with create_graph.
GradcheckResult gradgradcheck(const Function64& f, const std::vector<Tensor64>& inputs,
                              const GradcheckOptions& options = {});

// The Jacobians themselves, for printing: one (output size, input size) array per input.
std::vector<xt::xarray<double>> analytic_jacobian(const Function64& f, const std::vector<Tensor64>& inputs);
std::vector<xt::xarray<double>> numeric_jacobian(const Function64& f, const std::vector<Tensor64>& inputs,
                                                 double eps = 1e-6);

}  // namespace autograd
