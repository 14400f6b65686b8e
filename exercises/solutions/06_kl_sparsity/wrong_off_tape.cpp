// expect-hint: a value computed from
// A wrong solution of exercise 06: the right number, computed with xtensor on h.value()
// and returned as a new tensor: a constant, so no gradient reaches h and training ignores it.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex06 {

using autograd::BasicTensor;

template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& h, double p) {
    const xt::xarray<T> q = xt::mean(h.value(), {0});  // (H,): an array, not a tensor
    xt::xarray<T> kl = xt::sum(p * xt::log(p / q) + (1.0 - p) * xt::log((1.0 - p) / (1.0 - q)));
    return BasicTensor<T>(std::move(kl));  // wrong: no history
}

template autograd::Tensor64 kl_sparsity(const autograd::Tensor64& h, double p);
template autograd::Tensor kl_sparsity(const autograd::Tensor& h, double p);

}  // namespace ex06
