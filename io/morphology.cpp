#include "io/morphology.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace io {

namespace {

void check_images(const char* name, const xt::xarray<float>& images, std::size_t height, std::size_t width) {
    if (images.dimension() != 2 || images.shape(1) != height * width)
        throw std::invalid_argument(fmt::format(
            "{}: images must be (N, {}) for {}x{} pictures, not {} dimensions of "
            "{} pixels",
            name, height * width, height, width, images.dimension(), images.dimension() == 2 ? images.shape(1) : 0));
}

// The max (dilate) or min over each pixel's 3x3 neighbourhood inside the picture.
xt::xarray<float> extreme3x3(const char* name, const xt::xarray<float>& images, std::size_t height, std::size_t width,
                             bool take_max) {
    check_images(name, images, height, width);
    xt::xarray<float> out = xt::empty<float>(images.shape());
    const std::size_t n = images.shape(0);
    for (std::size_t k = 0; k < n; ++k) {
        const float* x = images.data() + k * height * width;
        float* y = out.data() + k * height * width;
        for (std::size_t m = 0; m < height; ++m)
            for (std::size_t c = 0; c < width; ++c) {
                float best = x[m * width + c];
                for (std::size_t r = (m == 0 ? 0 : m - 1); r <= std::min(m + 1, height - 1); ++r)
                    for (std::size_t q = (c == 0 ? 0 : c - 1); q <= std::min(c + 1, width - 1); ++q)
                        best = take_max ? std::max(best, x[r * width + q]) : std::min(best, x[r * width + q]);
                y[m * width + c] = best;
            }
    }
    return out;
}

}  // namespace

xt::xarray<float> median3x3(const xt::xarray<float>& images, std::size_t height, std::size_t width) {
    check_images("median3x3", images, height, width);
    xt::xarray<float> out = xt::empty<float>(images.shape());
    const std::size_t n = images.shape(0);
    std::vector<float> window;  // the up to 9 pixels of one neighbourhood
    window.reserve(9);
    for (std::size_t k = 0; k < n; ++k) {
        const float* x = images.data() + k * height * width;
        float* y = out.data() + k * height * width;
        for (std::size_t m = 0; m < height; ++m)
            for (std::size_t c = 0; c < width; ++c) {
                window.clear();
                for (std::size_t r = (m == 0 ? 0 : m - 1); r <= std::min(m + 1, height - 1); ++r)
                    for (std::size_t q = (c == 0 ? 0 : c - 1); q <= std::min(c + 1, width - 1); ++q)
                        window.push_back(x[r * width + q]);
                std::sort(window.begin(), window.end());
                const std::size_t half = window.size() / 2;
                y[m * width + c] =
                    window.size() % 2 ? window[half] : 0.5f * (window[half - 1] + window[half]);  // odd: the middle
            }
    }
    return out;
}

xt::xarray<float> dilate3x3(const xt::xarray<float>& images, std::size_t height, std::size_t width) {
    return extreme3x3("dilate3x3", images, height, width, /*take_max=*/true);
}

xt::xarray<float> erode3x3(const xt::xarray<float>& images, std::size_t height, std::size_t width) {
    return extreme3x3("erode3x3", images, height, width, /*take_max=*/false);
}

}  // namespace io
