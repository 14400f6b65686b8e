// conv.hpp: convolutions and the other image ops, in NCHW layout (N images, C channels, H rows,
// W columns), with PyTorch's shape conventions so that an output size can be checked against
// PyTorch's documentation.
//
// Two primitives carry all the work, and they are each other's adjoint:
//   im2col  (N, C, H, W) -> (C kh kw, N Ho Wo): column (n, i, j) holds the input patch that the
//           kernel sees when it produces output pixel (i, j) of image n;
//   col2im  the transpose of that linear map: it adds every column back onto the pixels it came
//           from (overlapping patches add up).
// A convolution is then one matrix product, W (O, C kh kw) @ im2col(x), and a transposed
// convolution is col2im(W^T @ x): the "convolution as a matrix" of Scott slides 14-18, with
// the matrix never built. Since the backward of each is the other, and both are written with
// differentiable ops, convolutions can be differentiated twice.
//
// Output sizes (each spatial axis; k kernel size, s stride, p padding, d dilation, op output padding):
//   conv2d:            Ho = floor((H + 2p - d (k - 1) - 1) / s) + 1
//   conv_transpose2d:  Ho = (H - 1) s - 2p + d (k - 1) + op + 1
#pragma once

#include <cstddef>

#include "autograd/tensor.hpp"

namespace autograd {

// The window of a convolution; the same numbers apply to both spatial axes.
struct ConvGeometry {
    std::size_t stride = 1;
    std::size_t padding = 0;   // zeros added on every side
    std::size_t dilation = 1;  // spacing between kernel taps
};

// The output size of a convolution along one axis (the formula above); throws ShapeError naming
// `op` when the dilated kernel is larger than the padded input.
std::size_t conv_output_size(const char* op, std::size_t in, std::size_t kernel, const ConvGeometry& g);

// (N, C, H, W) -> (C kh kw, N Ho Wo): the patches as columns. Backward: col2im.
template <class T>
BasicTensor<T> im2col(const BasicTensor<T>& x, std::size_t kh, std::size_t kw, const ConvGeometry& g);
// (C kh kw, N Ho Wo) -> image_shape (N, C, H, W): adds each column back onto its patch. Backward: im2col.
template <class T>
BasicTensor<T> col2im(const BasicTensor<T>& cols, const Shape& image_shape, std::size_t kh, std::size_t kw,
                      const ConvGeometry& g);

// y = x * w + b: x (N, C, H, W), w (O, C, kh, kw), b (O,) or undefined -> y (N, O, Ho, Wo).
template <class T>
BasicTensor<T> conv2d(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b = {},
                      const ConvGeometry& g = {});

// The transpose (adjoint) of conv2d with respect to its input, plus a bias:
// x (N, Cin, H, W), w (Cin, Cout, kh, kw) (PyTorch's layout), b (Cout,) -> (N, Cout, Ho, Wo).
// output_padding (< stride) adds rows and columns at the bottom and right, to pick
// one of the input sizes that a strided conv2d maps to the same output size.
template <class T>
BasicTensor<T> conv_transpose2d(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b = {},
                                const ConvGeometry& g = {}, std::size_t output_padding = 0);

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

// Batch normalisation in train mode: (x - mean) / sqrt(var + eps) * gamma + beta, with the mean
// and the (biased) variance taken over axis 0 of (N, C), or over axes 0, 2, 3 of (N, C, H, W);
// gamma and beta are (C,). `mean_out` and `var_out`, when given, receive the batch statistics
// (for the running averages of eval mode).
template <class T>
BasicTensor<T> batch_norm(const BasicTensor<T>& x, const BasicTensor<T>& gamma, const BasicTensor<T>& beta,
                          double eps = 1e-5, xt::xarray<T>* mean_out = nullptr, xt::xarray<T>* var_out = nullptr);

// The dense matrix C of a single-channel 2-D convolution with `kernel` (kh, kw) on an
// in_h x in_w input (Scott slides 14-18): conv(x) = C x for the row-major flattened x, and the
// transposed convolution is y -> C^T y. Shape (Ho Wo, in_h in_w).
template <class T>
xt::xarray<T> conv_matrix(const xt::xarray<T>& kernel, std::size_t in_h, std::size_t in_w, const ConvGeometry& g = {});

}  // namespace autograd
