// expect-hint: sum over the hidden units, do not average
// mistake: The per-unit terms averaged over the units (autograd::mean) instead of summed: the penalty is H times too small.
// expect-check: the value is sum_j KL(p || q_j), q_j the batch mean of h[:, j]
// The reference solution of exercise 06.
#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

// sum_j KL(p || q_j) = sum_j [ p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)) ],
// q_j = (1/N) sum_n h[n, j]
template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    const BasicTensor<T> q = autograd::mean(h, {0});                                    // (H,)
    const BasicTensor<T> kl = p * log(p / q) + (1.0 - p) * log((1.0 - p) / (1.0 - q));  // (H,)
    return autograd::mean(kl);  // () a mean, not a sum  // MISTAKE
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
