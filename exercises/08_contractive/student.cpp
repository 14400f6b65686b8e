// Exercise 08: the contractive penalty (Scott slide 24). Read README.md first.
//
// Fill in the three bodies below; `./lab check 08` grades them.
#include <vector>

#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex08 {

using namespace autograd;

// J (H, D), row i = dh_i/dx, for h = sigmoid(x_row W + b) (1, H).
Tensor64 jacobian(const Tensor64& x_row, const Tensor64& W, const Tensor64& b) {
    // 1. x_row may not require grad: differentiate with respect to a leaf copy of it that does,
    //    and compute h from that copy.
    // 2. For each unit i: the engine's vector-Jacobian product with a seed of h's shape, 1 at
    //    unit i and 0 elsewhere, recorded (README: "The Jacobian from the engine"): dh_i/dx (1, D).
    // 3. Stack the H rows into (H, D).
    lab::hole("jacobian: dh/dx row by row, with create_graph", x_row, W, b);
}

// (1/N) sum_n ||J(x_n)||_F^2 from jacobian().
Tensor64 penalty_explicit(const Tensor64& x, const Tensor64& W, const Tensor64& b) {
    // For each row n of x (autograd::rows(x, {n}) is (1, D)): the sum of the squares of its
    // Jacobian's entries. Then the mean over the N rows. Tensor ops only, so that W and b get
    // a gradient through the Jacobians.
    lab::hole("penalty_explicit: the mean of ||J(x_n)||_F^2", x, W, b);
}

// (1/N) sum_n sum_i (h_ni (1 - h_ni))^2 sum_j W_ji^2.
Tensor64 penalty_closed_form(const Tensor64& x, const Tensor64& W, const Tensor64& b) {
    // h = sigmoid(x W + b) (N, H); the slope h (1 - h) (N, H); the column norms sum_j W_ji^2
    // (H,); their product summed over units, averaged over the N rows.
    lab::hole("penalty_closed_form: the formula, from ops", x, W, b);
}

}  // namespace ex08
