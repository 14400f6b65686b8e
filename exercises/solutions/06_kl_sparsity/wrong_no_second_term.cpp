// expect-hint: the second term is missing
// A wrong solution of exercise 06: the (1 - p) log((1 - p) / (1 - q_j)) term
// is left out, keeping p log(p / q_j) only.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    const BasicTensor<T> q = autograd::mean(h, {0});  // (H,)
    return autograd::sum(p * log(p / q));             // wrong: half of the KL
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
