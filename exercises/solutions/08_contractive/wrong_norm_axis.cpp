// expect-hint: a sum over axis 0 of W squared
// mistake: The column norms summed over axis 1 of W (D, H): one number per input instead of one per hidden unit (a ShapeError when D != H, a wrong number when D == H).
// expect-check: the closed form equals (1/N) sum_n sum_i (h_ni (1 - h_ni))^2 sum_j W_ji^2
// The reference solution of exercise 08.
#include <vector>

#include <xtensor/xbuilder.hpp>

#include "exercise.hpp"

namespace ex08 {

using namespace autograd;

// J (H, D), row i = dh_i/dx, for h = sigmoid(x_row W + b) (1, H).
Tensor64 jacobian(const Tensor64& x_row, const Tensor64& W, const Tensor64& b) {
    const Tensor64 xr(x_row.value(), /*requires_grad=*/true);  // (1, D): what we differentiate by
    const Tensor64 h = sigmoid(linear(xr, W, b));              // (1, H)
    const std::size_t H = h.shape()[1];
    std::vector<Tensor64> rows_of_J;
    for (std::size_t i = 0; i < H; ++i) {
        xt::xarray<double> e_i = xt::zeros<double>(h.shape());  // (1, H): one-hot at unit i
        e_i(0, i) = 1.0;
        // d(sum_k e_ik h_k)/dx = dh_i/dx (1, D); recorded, so it is a tensor of W and b.
        rows_of_J.push_back(grad(h, {xr}, Tensor64(e_i), create_graph)[0]);
    }
    return concat(rows_of_J, 0);  // (H, D)
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
    const Tensor64 column_norms = sum(square(W), {1});                             // (D,): sum_i W_ji^2  // MISTAKE
    return sum(square(slope) * column_norms) / static_cast<double>(x.shape()[0]);  // ()
}

}  // namespace ex08
