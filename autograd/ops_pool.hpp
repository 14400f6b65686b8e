// ops_pool.hpp: the image ops that change H and W without weights, in NCHW layout: pooling (made of
// im2col and a reduction, ops_im2col.hpp) and upsampling (nearest: an op of its own; bilinear: two
// matrix products).
#pragma once

#include <cstddef>

#include "autograd/tensor.hpp"

namespace autograd {

// Pooling over k x k windows moved by `stride` (0 means stride = k), no padding:
// (N, C, H, W) -> (N, C, Ho, Wo). max_pool2d gives the gradient to the maximum (ties share it).
template <class T>
BasicTensor<T> max_pool2d(const BasicTensor<T>& x, std::size_t k, std::size_t stride = 0);
template <class T>
BasicTensor<T> avg_pool2d(const BasicTensor<T>& x, std::size_t k, std::size_t stride = 0);

// Upsampling by an integer factor: (N, C, H, W) -> (N, C, H f, W f). Nearest repeats each pixel
// f x f times; bilinear interpolates as PyTorch's mode='bilinear', align_corners=False.
template <class T>
BasicTensor<T> upsample_nearest2d(const BasicTensor<T>& x, std::size_t factor);
template <class T>
BasicTensor<T> upsample_bilinear2d(const BasicTensor<T>& x, std::size_t factor);

}  // namespace autograd
