// expect-compile-error: exercise 06 asks you to write it yourself: autograd::kl_sparsity is the library's finished answer
// mistake: the library's autograd::kl_sparsity called instead of the penalty written out
// The reference solution of exercise 06.
#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

// sum_j KL(p || q_j) = sum_j [ p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)) ],
// q_j = (1/N) sum_n h[n, j]
template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    return autograd::kl_sparsity(h, p);  // MISTAKE
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
