// image.hpp: gray images as PNG pictures: grids of digits, reconstructions, generated samples and
// hidden units' weights drawn as images (Scott slide 11), and rows of them with labels, drawn on a
// Canvas (canvas.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <xtensor/xarray.hpp>

namespace io {

// How save_image_grid and save_image_rows draw: gray tiles, upscaled, on a gray background.
struct GridOptions {
    std::size_t columns = 8;      // images per row (save_image_grid)
    int scale = 2;                // each pixel becomes scale x scale (28x28 digits are small)
    bool normalize_each = false;  // map each image's own [min, max] to black..white (weights)
    float lo = 0.0f, hi = 1.0f;   // otherwise the value range mapped to black..white (clipped)
    std::size_t gap = 2;          // pixels of gray between tiles
    std::string title;            // when set, a line of text above the tiles saying what they are
    std::string caption;          // when set, a line below the tiles: what the rows and columns are
    // When set, a bar below the tiles from black to white, labelled with the values drawn black and
    // white (lo and hi, or "each image's own min / max" with normalize_each) and with this text,
    // e.g. "pixel value" or "weight": the key to what the grey levels mean.
    std::string scale_key;
};

// Writes the images as a grid, row by row: `images` is (N, height * width), (N, height, width)
// or (N, 1, height, width). A NaN pixel is drawn red, so a diverged model shows at a glance.
void save_image_grid(const std::string& path, const xt::xarray<float>& images, std::size_t height, std::size_t width,
                     const GridOptions& options = {});

// Writes one row of images per entry, each with its label on the left, e.g.
// {{"original", x}, {"noisy", x_tilde}, {"reconstructed", r}}. Rows may differ in length.
void save_image_rows(const std::string& path, const std::vector<std::pair<std::string, xt::xarray<float>>>& rows,
                     std::size_t height, std::size_t width, const GridOptions& options = {});

}  // namespace io
