// expect-hint: p and q are swapped
// A wrong solution of exercise 06: KL(q_j || p) instead of KL(p || q_j): the target p
// and the measured mean q_j trade places.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    const BasicTensor<T> q = autograd::mean(h, {0});                                // (H,)
    return autograd::sum(q * log(q / p) + (1.0 - q) * log((1.0 - q) / (1.0 - p)));  // wrong: KL(q || p)
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
