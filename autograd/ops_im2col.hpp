// ops_im2col.hpp: the index arithmetic of convolution, in NCHW layout (N images, C channels, H
// rows, W columns): the window (ConvGeometry), the output size, and two linear maps that are each
// other's adjoint:
//   im2col  (N, C, H, W) -> (C kh kw, N Ho Wo): column (n, i, j) holds the input patch that the
//           kernel sees when it produces output pixel (i, j) of image n;
//   col2im  the transpose of that linear map: it adds every column back onto the pixels it came
//           from (overlapping patches add up).
// Both are ops (each the other's backward; pooling uses im2col), and conv_matrix builds the dense
// matrix C they stand for: the "convolution as a matrix" of Scott slides 14-18. The convolutions
// themselves, which never build it, are in ops_conv.hpp.
//
// Output sizes (each spatial axis; k kernel size, s stride, p padding, d dilation, op output padding):
//   conv2d:            Ho = floor((H + 2p - d (k - 1) - 1) / s) + 1
//   conv_transpose2d:  Ho = (H - 1) s - 2p + d (k - 1) + op + 1
#pragma once

#include <cstddef>

#include <xtensor/xarray.hpp>

#include "autograd/tensor.hpp"

namespace autograd {

// The window of a convolution; the same numbers apply to both spatial axes. Set the fields by
// name: ConvGeometry geom; geom.stride = 2; geom.padding = 1;
struct ConvGeometry {
    std::size_t stride = 1;
    std::size_t padding = 0;   // zeros added on every side
    std::size_t dilation = 1;  // spacing between kernel taps
    // Read by conv_transpose2d only: rows and columns added at the bottom and right (< stride), to
    // pick which of the input sizes that a strided conv2d maps to the same output size the
    // transpose gives back. (So one geometry describes a convolution and its transpose.)
    std::size_t output_padding = 0;
};

// The output size of a convolution along one axis (the formula above); throws ShapeError naming
// `op` when the dilated kernel is larger than the padded input.
std::size_t conv_output_size(const char* op, std::size_t in, std::size_t kernel, const ConvGeometry& geom);

// (N, C, H, W) -> (C kh kw, N Ho Wo): the patches as columns. Backward: col2im.
template <class T>
BasicTensor<T> im2col(const BasicTensor<T>& x, std::size_t kh, std::size_t kw, const ConvGeometry& geom);
// (C kh kw, N Ho Wo) -> image_shape (N, C, H, W): adds each column back onto its patch. Backward: im2col.
// (Neither reads geom.output_padding: the image's own size already says it.)
template <class T>
BasicTensor<T> col2im(const BasicTensor<T>& cols, const Shape& image_shape, std::size_t kh, std::size_t kw,
                      const ConvGeometry& geom);

// The dense matrix C of a single-channel 2-D convolution with `kernel` (kh, kw) on an
// in_h x in_w input (Scott slides 14-18): conv(x) = C x for the row-major flattened x, and the
// transposed convolution is y -> C^T y. Shape (Ho Wo, in_h in_w).
template <class T>
xt::xarray<T> conv_matrix(const xt::xarray<T>& kernel, std::size_t in_h, std::size_t in_w,
                          const ConvGeometry& geom = {});

}  // namespace autograd
