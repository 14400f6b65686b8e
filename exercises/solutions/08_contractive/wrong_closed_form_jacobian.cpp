// expect-hint: this part asks for it from the engine, one vector-Jacobian product per output unit
// mistake: the Jacobian written from the closed formula h_i (1 - h_i) W_ji instead of built with the engine
// expect-check: the Jacobian comes from the engine's sweeps, not from the closed formula
// The reference solution of exercise 08.
#include <vector>

#include <xtensor/xbuilder.hpp>

#include "exercise.hpp"

namespace ex08 {

using namespace autograd;

// J (H, D), row i = dh_i/dx, for h = sigmoid(x_row W + b) (1, H).
Tensor64 jacobian(const Tensor64& x_row, const Tensor64& W, const Tensor64& b) {
    const Tensor64 h = sigmoid(linear(x_row, W, b));  // MISTAKE: (1, H)
    return transpose(h * (1.0 - h)) * transpose(W);   // MISTAKE: (H, 1) slopes times W^T (H, D), the closed formula
}

// (1/N) sum_n ||J(x_n)||_F^2 from jacobian().
Tensor64 penalty_explicit(const Tensor64& x, const Tensor64& W, const Tensor64& b) {
    const std::size_t N = x.shape()[0];
    Tensor64 total = zeros<double>({});  // ()
    for (std::size_t n = 0; n < N; ++n) total = total + sum(square(jacobian(rows(x, {n}), W, b)));
    return total / static_cast<double>(N);
}

// (1/N) sum_n sum_i (h_ni (1 - h_ni))^2 sum_j W_ji^2.
Tensor64 penalty_closed_form(const Tensor64& x, const Tensor64& W, const Tensor64& b) {
    const Tensor64 h = sigmoid(linear(x, W, b));                                   // (N, H)
    const Tensor64 slope = h * (1.0 - h);                                          // (N, H): dh_i/dz_i
    const Tensor64 column_norms = sum(square(W), {0});                             // (H,): sum_j W_ji^2
    return sum(square(slope) * column_norms) / static_cast<double>(x.shape()[0]);  // ()
}

}  // namespace ex08
