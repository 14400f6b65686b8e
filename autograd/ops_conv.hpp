// ops_conv.hpp: convolutions, in NCHW layout (N images, C channels, H rows, W columns), with
// PyTorch's shape conventions so that an output size can be checked against PyTorch's
// documentation. Pooling and upsampling are in ops_pool.hpp, batch normalisation in ops_norm.hpp.
//
// A convolution is one matrix product, W (O, C kh kw) @ im2col(x), and a transposed convolution
// is col2im(W^T @ x) (ops_im2col.hpp, which also gives the output sizes): the "convolution as a
// matrix" of Scott slides 14-18, with the matrix never built. conv2d, conv_transpose2d and
// conv2d_weight (the weight's gradient) are ops of their own that compute exactly that a few
// images at a time, through a workspace of bounded size (ops_conv.cpp); the backward of each is
// written with the other two, so convolutions can be differentiated twice.
#pragma once

#include <cstddef>

#include "autograd/ops_im2col.hpp"
#include "autograd/tensor.hpp"

namespace autograd {

// y = x * w + b: x (N, C, H, W), w (O, C, kh, kw), b (O,) or undefined -> y (N, O, Ho, Wo).
template <class T>
BasicTensor<T> conv2d(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b = {},
                      const ConvGeometry& geom = {});

// The gradient of conv2d with respect to its weight: for x (N, C, H, W) and g (N, O, Ho, Wo) (the
// gradient of conv2d's output, conv2d's grad_out), the (O, C, kh, kw) sum over the images of g
// times x's patches.
template <class T>
BasicTensor<T> conv2d_weight(const BasicTensor<T>& x, const BasicTensor<T>& g, std::size_t kh, std::size_t kw,
                             const ConvGeometry& geom = {});

// The transpose (adjoint) of conv2d with respect to its input, plus a bias:
// x (N, Cin, H, W), w (Cin, Cout, kh, kw) (PyTorch's layout), b (Cout,) -> (N, Cout, Ho, Wo),
// with geom.output_padding added to Ho and Wo.
template <class T>
BasicTensor<T> conv_transpose2d(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b = {},
                                const ConvGeometry& geom = {});

}  // namespace autograd
