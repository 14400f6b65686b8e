// exercise.hpp (exercise 08): the functions you write in student.cpp. Do not change their signatures.
//
// The encoder layer of a contractive autoencoder: h = sigmoid(x W + b), with x (N, D), W (D, H)
// (as nn::Linear keeps it) and b (H,). float64 throughout (the checks compare gradients).
#pragma once

#include "autograd/autograd.hpp"

namespace ex08 {

using autograd::Tensor64;

// The Jacobian dh/dx of the layer at one input x_row (1, D): an (H, D) tensor whose row i is
// dh_i/dx, built with autograd::grad(..., create_graph) so that it stays differentiable in W and b.
Tensor64 jacobian(const Tensor64& x_row, const Tensor64& W, const Tensor64& b);

// (1/N) sum_n ||J(x_n)||_F^2, from the explicit Jacobians of the N rows of x: a scalar ()
// whose gradient with respect to W and b goes back through the Jacobians (double backward).
Tensor64 penalty_explicit(const Tensor64& x, const Tensor64& W, const Tensor64& b);

// The same penalty in closed form, (1/N) sum_n sum_i (h_ni (1 - h_ni))^2 sum_j W_ji^2, built
// from autograd ops: a scalar () differentiable with respect to x, W and b.
Tensor64 penalty_closed_form(const Tensor64& x, const Tensor64& W, const Tensor64& b);

}  // namespace ex08

// In your own build (`./lab check`) the library's finished answer to this exercise is off limits:
// a call to it from student.cpp is a compile error saying so. The lectures keep using it.
#if defined(LAB_STUDENT_BUILD)
#include "exercises/grader/lab.hpp"
namespace autograd {
LAB_OFF_LIMITS("08", "autograd::contractive_penalty")
Tensor64 contractive_penalty(const Tensor64& h, const Tensor64& W, Reduction r = Reduction::Mean);
LAB_OFF_LIMITS("08", "autograd::contractive_penalty")
Tensor contractive_penalty(const Tensor& h, const Tensor& W, Reduction r = Reduction::Mean);
}  // namespace autograd
#endif
