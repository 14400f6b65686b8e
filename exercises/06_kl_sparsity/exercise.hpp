// exercise.hpp (exercise 06): the function you write in student.cpp. Do not change its signature.
#pragma once

#include "autograd/autograd.hpp"

namespace ex06 {

// The KL sparsity penalty of a batch of hidden activations h (N, H), each in (0, 1), towards the
// target activation p in (0, 1):
//     sum over hidden units j of KL(p || q_j) = p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)),
// where q_j = (1/N) sum_n h[n, j] is unit j's mean activation over the batch. Returns a scalar
// tensor (shape ()), built from autograd ops so that gradients reach h.
// A template: student.cpp instantiates it for float64 (Tensor64: the value and gradient checks)
// and float32 (Tensor: the training run).
template <class T>
autograd::BasicTensor<T> kl_sparsity(const autograd::BasicTensor<T>& h, double p);

}  // namespace ex06

// In your own build (`./lab check`) the library's finished answer to this exercise is off limits:
// a call to it from student.cpp is a compile error saying so. The lectures keep using it.
#if defined(LAB_STUDENT_BUILD)
#include "exercises/grader/lab.hpp"
namespace autograd {
LAB_OFF_LIMITS("06", "autograd::kl_sparsity")
Tensor64 kl_sparsity(const Tensor64& q, double p, Reduction r = Reduction::Mean);
LAB_OFF_LIMITS("06", "autograd::kl_sparsity")
Tensor kl_sparsity(const Tensor& q, double p, Reduction r = Reduction::Mean);
}  // namespace autograd
#endif
