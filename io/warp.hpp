// warp.hpp: random affine warps of images, the style-neutral distortion of faceswap's training
// recipe (its encoder sees a randomly rotated, scaled and shifted face; the target stays the clean
// one). A warp moves the pixels without knowing what they show, so it treats every identity alike.
//
// Each output pixel p = (row, column) reads the input at the point q that the warp sends onto p:
//     p = c + t + s R(theta) (q - c)   so   q = c + R(-theta) (p - c - t) / s,
// with c the picture's centre ((height - 1) / 2, (width - 1) / 2), t the shift in pixels, s the
// scale and R(theta) the rotation by theta. The input is read between pixels by bilinear
// interpolation; outside the picture it counts as 0 (the background of MNIST's digits).
#pragma once

#include <cstddef>
#include <vector>

#include <xtensor/xarray.hpp>

#include "autograd/random.hpp"

namespace io {

struct Affine {
    double rotation = 0.0;                    // theta, in radians (counter-clockwise as the picture is shown)
    double scale = 1.0;                       // s > 0
    double shift_row = 0.0, shift_col = 0.0;  // t, in pixels
};

// Each row k of `images` (N, height * width), warped as a height x width picture by warps[k].
// A std::invalid_argument when the rows do not have height * width pixels, when there is not one
// warp per row, or when a warp's scale is not positive or one of its numbers is not finite.
xt::xarray<float> affine_warp(const xt::xarray<float>& images, std::size_t height, std::size_t width,
                              const std::vector<Affine>& warps);

// The ranges of random_affine's draws, uniform in each: rotation in +-max_rotation degrees, scale in
// 1 +- max_zoom, each shift in +-max_shift pixels. The defaults are faceswap's for a 28-pixel digit:
// 10 degrees, 5% zoom, shifts of 5% of the side.
struct AffineRange {
    double max_rotation = 10.0;
    double max_zoom = 0.05;
    double max_shift = 1.4;
};

// Each row of `images` warped by its own random affine warp drawn from `range`: four draws from
// `gen` per image (rotation, scale, row shift, column shift), so the same seed gives the same warps.
xt::xarray<float> random_affine(const xt::xarray<float>& images, std::size_t height, std::size_t width,
                                autograd::Generator& gen, const AffineRange& range = {});

}  // namespace io
