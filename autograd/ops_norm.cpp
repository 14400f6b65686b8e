// ops_norm.cpp: batch normalisation in train and eval mode, made of the ops in ops.hpp (so its
// backward is theirs).
#include <algorithm>

#include "autograd/detail/op_helpers.hpp"
#include "autograd/ops_norm.hpp"

namespace autograd {

using detail::check_defined;

template <class T>
BasicTensor<T> batch_norm(const BasicTensor<T>& x, const BasicTensor<T>& gamma, const BasicTensor<T>& beta, double eps,
                          xt::xarray<T>* mean_out, xt::xarray<T>* var_out) {
    check_defined("batch_norm", x), check_defined("batch_norm", gamma), check_defined("batch_norm", beta);
    if (x.dim() != 2 && x.dim() != 4)
        shape_error("batch_norm", fmt::format("expects (N, C) or (N, C, H, W), got {}", shape_str(x.shape())));
    const Shape s = x.shape();
    const std::size_t C = s[1];
    if (gamma.shape() != Shape{C} || beta.shape() != Shape{C})
        shape_error("batch_norm", fmt::format("gamma {} and beta {} must both be ({},) for input {}",
                                              shape_str(gamma.shape()), shape_str(beta.shape()), C, shape_str(s)));
    const std::vector<long> axes = x.dim() == 2 ? std::vector<long>{0} : std::vector<long>{0, 2, 3};
    if (x.size() / C < 2)
        shape_error("batch_norm",
                    fmt::format("needs more than one value per channel in train mode, got input {}", shape_str(s)));
    const Shape per_channel = x.dim() == 2 ? Shape{1, C} : Shape{1, C, 1, 1};
    const BasicTensor<T> mu = mean(x, axes, true);  // (1, C[, 1, 1])
    const BasicTensor<T> centered = x - mu;
    const BasicTensor<T> var = mean(square(centered), axes, true);  // biased, as PyTorch normalises
    if (mean_out) {
        *mean_out = xt::xarray<T>::from_shape({C});
        std::copy_n(mu.value().data(), C, mean_out->data());
    }
    if (var_out) {
        *var_out = xt::xarray<T>::from_shape({C});
        std::copy_n(var.value().data(), C, var_out->data());
    }
    const BasicTensor<T> xhat = centered / sqrt(var + eps);
    return xhat * reshape(gamma, per_channel) + reshape(beta, per_channel);
}

template <class T>
BasicTensor<T> batch_norm_eval(const BasicTensor<T>& x, const BasicTensor<T>& gamma, const BasicTensor<T>& beta,
                               const BasicTensor<T>& mean, const BasicTensor<T>& var, double eps) {
    for (const BasicTensor<T>* t : {&x, &gamma, &beta, &mean, &var}) check_defined("batch_norm_eval", *t);
    if (x.dim() != 2 && x.dim() != 4)
        shape_error("batch_norm_eval", fmt::format("expects (N, C) or (N, C, H, W), got {}", shape_str(x.shape())));
    const std::size_t C = x.shape()[1];
    for (const BasicTensor<T>* t : {&gamma, &beta, &mean, &var})
        if (t->shape() != Shape{C})
            shape_error("batch_norm_eval",
                        fmt::format("gamma, beta, mean and var must all be ({},) for input {}, got {}", C,
                                    shape_str(x.shape()), shape_str(t->shape())));
    const Shape per_channel = x.dim() == 2 ? Shape{1, C} : Shape{1, C, 1, 1};
    const BasicTensor<T> scale = reshape(gamma / sqrt(var + eps), per_channel);  // gamma / sqrt(var + eps)
    return (x - reshape(mean, per_channel)) * scale + reshape(beta, per_channel);
}

#define AUTOGRAD_INSTANTIATE(T)                                                                                     \
    template BasicTensor<T> batch_norm(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&, double, \
                                       xt::xarray<T>*, xt::xarray<T>*);                                             \
    template BasicTensor<T> batch_norm_eval(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&,    \
                                            const BasicTensor<T>&, const BasicTensor<T>&, double);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
