// expect-hint: average h over the batch first
// A wrong solution of exercise 06: the KL of every sample's activation h[n, j]
// towards p, averaged over the batch, instead of the KL of the batch mean q_j.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    const BasicTensor<T> kl = p * log(p / h) + (1.0 - p) * log((1.0 - p) / (1.0 - h));  // (N, H): wrong, per sample
    return autograd::sum(autograd::mean(kl, {0}));
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
