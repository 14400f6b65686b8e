// patches.hpp (internal to autograd/): im2col and col2im on raw memory, for the ops that work
// through a workspace a few images at a time (the convolutions) as well as the im2col and col2im
// ops themselves.
#pragma once

#include <algorithm>
#include <cstddef>

#include "autograd/ops_im2col.hpp"

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

// Calls run(row, column, pixel, count) for every run of in-range taps: entries column ..
// column + count - 1 of row `row` of the column matrix read the image's pixels pixel, pixel +
// stride, ... (pixel counts from the start of the N images). Row = (c, a, b), column = (n, i, j).
// The taps that fall on the padding are skipped, or, when a `gap` is given, passed to
// gap(row, column, count): entries column .. column + count - 1 of row `row` read no pixel.
// Together the runs and the gaps cover the column matrix once.
struct NoGap {
    void operator()(std::size_t, std::size_t, std::size_t) const {}
};
template <class Run, class Gap = NoGap>
void for_each_run(const Patches& p, const ConvGeometry& geom, Run run, Gap gap = {}) {
    const long pad = static_cast<long>(geom.padding), s = static_cast<long>(geom.stride);
    const std::size_t L = p.Ho * p.Wo;
    for (std::size_t c = 0; c < p.C; ++c)
        for (std::size_t a = 0; a < p.kh; ++a)
            for (std::size_t b = 0; b < p.kw; ++b) {
                const std::size_t row = (c * p.kh + a) * p.kw + b;
                // The columns j whose tap w = j s + b d - pad lies inside [0, W): j0 <= j < j1.
                const long shift = static_cast<long>(b * geom.dilation) - pad;
                const long j0 = std::min<long>(shift >= 0 ? 0 : (-shift + s - 1) / s, static_cast<long>(p.Wo));
                const long j1 =
                    std::clamp<long>((static_cast<long>(p.W) - shift + s - 1) / s, j0, static_cast<long>(p.Wo));
                if (j1 <= j0) {
                    for (std::size_t n = 0; n < p.N; ++n) gap(row, n * L, L);
                    continue;
                }
                for (std::size_t n = 0; n < p.N; ++n) {
                    const std::size_t image = (n * p.C + c) * p.H * p.W;
                    for (std::size_t i = 0; i < p.Ho; ++i) {
                        const std::size_t column = n * L + i * p.Wo;
                        const long h = static_cast<long>(i * geom.stride + a * geom.dilation) - pad;
                        if (h < 0 || h >= static_cast<long>(p.H)) {
                            gap(row, column, p.Wo);
                            continue;
                        }
                        if (j0 > 0) gap(row, column, static_cast<std::size_t>(j0));
                        if (j1 < static_cast<long>(p.Wo))
                            gap(row, column + static_cast<std::size_t>(j1), p.Wo - static_cast<std::size_t>(j1));
                        run(row, column + static_cast<std::size_t>(j0),
                            image + static_cast<std::size_t>(h) * p.W + static_cast<std::size_t>(j0 * s + shift),
                            static_cast<std::size_t>(j1 - j0));
                    }
                }
            }
}

// cols (rows, cols) = the patches of `image` (p.N images): every entry written, the taps that fall
// on the padding as 0.
template <class T>
void im2col_into(const T* image, const Patches& p, const ConvGeometry& geom, T* cols);

// image += every column of `cols` added back onto its patch (the transpose of im2col_into).
template <class T>
void col2im_add(const T* cols, const Patches& p, const ConvGeometry& geom, T* image);

}  // namespace autograd::detail
