// patches.hpp (internal to autograd/): im2col and col2im on raw memory, for the ops that work
// through a workspace a few images at a time (the convolutions) as well as the im2col and col2im
// ops themselves.
#pragma once

#include <cstddef>

#include "autograd/conv.hpp"

namespace autograd::detail {

// The sizes of one im2col layout: images (N, C, H, W), kernel (kh, kw), output (Ho, Wo). The
// column matrix is (C kh kw, N Ho Wo): row (c, a, b), column (n, i, j).
struct Patches {
    std::size_t N, C, H, W, kh, kw, Ho, Wo;
    std::size_t rows() const { return C * kh * kw; }
    std::size_t cols() const { return N * Ho * Wo; }
};

// The layout of `image` (N, C, H, W) under a kh x kw kernel; ShapeError naming `op` when the
// image is not 4-D or the kernel does not fit.
Patches patches(const char* op, const Shape& image, std::size_t kh, std::size_t kw, const ConvGeometry& geom);

// cols (rows, cols) = the patches of `image` (p.N images): every entry a tap reads is written; the
// taps that fall on the padding are not, so the caller zeroes cols first when geom.padding > 0.
template <class T>
void im2col_into(const T* image, const Patches& p, const ConvGeometry& geom, T* cols);

// image += every column of `cols` added back onto its patch (the transpose of im2col_into).
template <class T>
void col2im_add(const T* cols, const Patches& p, const ConvGeometry& geom, T* image);

}  // namespace autograd::detail
