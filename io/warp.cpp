#include "io/warp.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace io {

xt::xarray<float> affine_warp(const xt::xarray<float>& images, std::size_t height, std::size_t width,
                              const std::vector<Affine>& warps) {
    if (images.dimension() != 2 || images.shape(1) != height * width)
        throw std::invalid_argument(
            fmt::format("affine_warp: images must be (N, {}) for {}x{} pictures", height * width, height, width));
    const std::size_t n = images.shape(0);
    if (warps.size() != n)
        throw std::invalid_argument(
            fmt::format("affine_warp: {} warps for {} images (one per image)", warps.size(), n));
    xt::xarray<float> out = xt::zeros<float>({n, height * width});
    const double c_row = (static_cast<double>(height) - 1.0) / 2.0, c_col = (static_cast<double>(width) - 1.0) / 2.0;
    for (std::size_t k = 0; k < n; ++k) {
        const Affine& a = warps[k];
        if (!(a.scale > 0.0) || !std::isfinite(a.scale) || !std::isfinite(a.rotation) || !std::isfinite(a.shift_row) ||
            !std::isfinite(a.shift_col))
            throw std::invalid_argument(fmt::format(
                "affine_warp: the warp of image {} (rotation {}, scale {}, shift {}, {}) needs finite numbers and a "
                "positive scale",
                k, a.rotation, a.scale, a.shift_row, a.shift_col));
        const float* x = images.data() + k * height * width;
        float* y = out.data() + k * height * width;
        // With rows pointing down, a counter-clockwise turn by theta on the screen is
        // R(theta): (row, col) -> (row cos - col sin, row sin + col cos); q needs R(-theta) / s.
        const double cs = std::cos(a.rotation) / a.scale, sn = std::sin(a.rotation) / a.scale;
        for (std::size_t m = 0; m < height; ++m)
            for (std::size_t col = 0; col < width; ++col) {
                const double dr = static_cast<double>(m) - c_row - a.shift_row;
                const double dc = static_cast<double>(col) - c_col - a.shift_col;
                const double qr = c_row + cs * dr + sn * dc;  // the source point, rows
                const double qc = c_col - sn * dr + cs * dc;  // and columns
                const double r0 = std::floor(qr), c0 = std::floor(qc);
                const double fr = qr - r0, fc = qc - c0;
                double value = 0.0;
                for (int i = 0; i < 2; ++i)
                    for (int j = 0; j < 2; ++j) {
                        const double r = r0 + i, cc = c0 + j;
                        if (r < 0.0 || cc < 0.0 || r > static_cast<double>(height) - 1.0 ||
                            cc > static_cast<double>(width) - 1.0)
                            continue;  // outside the picture: 0
                        const double weight = (i ? fr : 1.0 - fr) * (j ? fc : 1.0 - fc);
                        value += weight * x[static_cast<std::size_t>(r) * width + static_cast<std::size_t>(cc)];
                    }
                y[m * width + col] = static_cast<float>(value);
            }
    }
    return out;
}

xt::xarray<float> random_affine(const xt::xarray<float>& images, std::size_t height, std::size_t width,
                                autograd::Generator& gen, const AffineRange& range) {
    const double pi = std::acos(-1.0);
    std::vector<Affine> warps(images.dimension() == 2 ? images.shape(0) : 0);
    for (Affine& a : warps) {
        a.rotation = gen.uniform(-range.max_rotation, range.max_rotation) * pi / 180.0;
        a.scale = 1.0 + gen.uniform(-range.max_zoom, range.max_zoom);
        a.shift_row = gen.uniform(-range.max_shift, range.max_shift);
        a.shift_col = gen.uniform(-range.max_shift, range.max_shift);
    }
    return affine_warp(images, height, width, warps);
}

}  // namespace io
