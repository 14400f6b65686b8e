// ops_norm.hpp: batch normalisation (Ioffe and Szegedy, 2015), in train mode (the batch's statistics)
// and in eval mode (fixed ones); nn::BatchNorm keeps the running averages that eval mode uses.
#pragma once

#include <xtensor/xarray.hpp>

#include "autograd/tensor.hpp"

namespace autograd {

// (x - mean) / sqrt(var + eps) * gamma + beta, with the mean and the (biased) variance taken over
// axis 0 of (N, C), or over axes 0, 2, 3 of (N, C, H, W); gamma and beta are (C,). `mean_out`
// and `var_out`, when given, receive the batch statistics (for the running averages of eval mode).
template <class T>
BasicTensor<T> batch_norm(const BasicTensor<T>& x, const BasicTensor<T>& gamma, const BasicTensor<T>& beta,
                          double eps = 1e-5, xt::xarray<T>* mean_out = nullptr, xt::xarray<T>* var_out = nullptr);

// Eval mode: (x - mean) / sqrt(var + eps) * gamma + beta with fixed per-channel statistics mean
// and var (C,) (the running averages), so each channel goes through one affine map.
template <class T>
BasicTensor<T> batch_norm_eval(const BasicTensor<T>& x, const BasicTensor<T>& gamma, const BasicTensor<T>& beta,
                               const BasicTensor<T>& mean, const BasicTensor<T>& var, double eps = 1e-5);

}  // namespace autograd
