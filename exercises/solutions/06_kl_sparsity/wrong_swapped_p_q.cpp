// expect-hint: p and q are swapped
// mistake: KL(q_j || p) instead of KL(p || q_j): the target p and the measured mean q_j trade places.
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
    const BasicTensor<T> kl = q * log(q / p) + (1.0 - q) * log((1.0 - q) / (1.0 - p));  // (H,) KL(q || p)  // MISTAKE
    return autograd::sum(kl);                                                           // ()
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
