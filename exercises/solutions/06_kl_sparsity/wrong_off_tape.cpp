// expect-hint: a value computed from
// mistake: The right number, computed with xtensor on h.value() and returned as a new tensor: a constant, so no gradient reaches h and training ignores the penalty.
// expect-check: the penalty is on the tape: gradients reach h
// The reference solution of exercise 06.
#include <xtensor/xmath.hpp>  // MISTAKE
#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

// sum_j KL(p || q_j) = sum_j [ p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)) ],
// q_j = (1/N) sum_n h[n, j]
template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    const xt::xarray<T> q = xt::mean(h.value(), {0});  // (H,): an array, not a tensor  // MISTAKE
    xt::xarray<T> kl = xt::sum(p * xt::log(p / q) + (1.0 - p) * xt::log((1.0 - p) / (1.0 - q)));  // MISTAKE
    return BasicTensor<T>(std::move(kl));  // no history  // MISTAKE
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
