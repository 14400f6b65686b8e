// Exercise 06: the KL sparsity penalty. Read README.md first.
//
// Fill in the body below; `./lab check 06` grades it.
#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex06 {

using autograd::BasicTensor;

// sum_j KL(p || q_j) = sum_j [ p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)) ],
// q_j = (1/N) sum_n h[n, j]
template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    // 1. q (H,): the mean of h over the batch, axis 0 (autograd::mean with axes).
    // 2. The two terms for every unit, from ops on q (a double and a tensor combine: p / q,
    //    1.0 - q, autograd::log), then their sum over the units: one number, shape ().
    lab::hole("kl_sparsity: sum_j KL(p || q_j) of the batch-mean activations", h, p);
}

// The two versions the checks use: float64 (values and gradcheck) and float32 (the training
// run). Leave these two lines as they are.
template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
