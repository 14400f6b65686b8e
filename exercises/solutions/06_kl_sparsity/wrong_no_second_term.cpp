// expect-hint: the second term is missing
// mistake: The (1 - p) log((1 - p) / (1 - q_j)) term is left out, keeping p log(p / q_j) only.
// expect-check: the value is sum_j KL(p || q_j), q_j the batch mean of h[:, j]
// The reference solution of exercise 06.
#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

// sum_j KL(p || q_j) = sum_j [ p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)) ],
// q_j = (1/N) sum_n h[n, j]
template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    const BasicTensor<T> q = autograd::mean(h, {0});  // (H,)
    const BasicTensor<T> kl = p * log(p / q);         // (H,) half of the KL  // MISTAKE
    return autograd::sum(kl);                         // ()
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
