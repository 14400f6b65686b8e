// expect-hint: sum over the hidden units, do not average
// A wrong solution of exercise 06: the per-unit terms averaged over the
// units (autograd::mean) instead of summed: the penalty is H times too small.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    const BasicTensor<T> q = autograd::mean(h, {0});                                 // (H,)
    return autograd::mean(p * log(p / q) + (1.0 - p) * log((1.0 - p) / (1.0 - q)));  // wrong: mean, not sum
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
