// expect-hint: average h over the batch first
// mistake: The KL of every sample's activation h[n, j] towards p, averaged over the batch, instead of the KL of the batch mean q_j.
// expect-check: the value is sum_j KL(p || q_j), q_j the batch mean of h[:, j]
// The reference solution of exercise 06.
#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

// sum_j KL(p || q_j) = sum_j [ p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)) ],
// q_j = (1/N) sum_n h[n, j]
template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    const BasicTensor<T> kl = p * log(p / h) + (1.0 - p) * log((1.0 - p) / (1.0 - h));  // (N, H)  // MISTAKE
    return autograd::sum(autograd::mean(kl, {0}));                                      // ()  // MISTAKE
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
