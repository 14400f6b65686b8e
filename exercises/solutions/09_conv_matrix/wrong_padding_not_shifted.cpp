// expect-hint: padding moves every tap up and left by p
// mistake: The output size counts the padding, but where a tap lands does not: input (i s + a, j s + b) instead of (i s + a - p, j s + b - p).
// expect-check: C x = conv2d(x), for strides 1 and 2 and paddings 0 and 1
// The reference solution of exercise 09.
#include <cstddef>

#include <xtensor/xbuilder.hpp>

#include "exercise.hpp"

namespace ex09 {

// Row (i, j) of C is output pixel (i, j): the kernel laid over the input where that output looks,
// flattened row by row.
xt::xarray<double> conv_matrix(const xt::xarray<double>& kernel, std::size_t height, std::size_t width,
                               std::size_t stride, std::size_t padding) {
    const std::size_t kh = kernel.shape()[0], kw = kernel.shape()[1];
    // floor((H + 2p - k) / s) + 1 window positions on each axis (size_t division rounds down).
    const std::size_t Ho = (height + 2 * padding - kh) / stride + 1;
    const std::size_t Wo = (width + 2 * padding - kw) / stride + 1;
    xt::xarray<double> C = xt::zeros<double>({Ho * Wo, height * width});  // (Ho Wo, H W)
    for (std::size_t i = 0; i < Ho; ++i)
        for (std::size_t j = 0; j < Wo; ++j)
            for (std::size_t a = 0; a < kh; ++a)
                for (std::size_t b = 0; b < kw; ++b) {
                    // Tap (a, b) of output (i, j) lands on input (i s + a - p, j s + b - p) of the
                    // unpadded image; in padded coordinates (no negative numbers) that is (r, c) - p.
                    const std::size_t r = i * stride + a, c = j * stride + b;
                    if (r >= height || c >= width) continue;      // MISTAKE
                    C(i * Wo + j, r * width + c) = kernel(a, b);  // MISTAKE
                }
    return C;
}

}  // namespace ex09
