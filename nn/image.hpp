// image.hpp: pictures as PNG files, through stb_image_write and stb_image (Debian's libstb-dev).
//
// Grids of gray images (digits, reconstructions, generated samples, hidden units' weights drawn
// as images, Scott slide 11), reading a PNG back as a gray image, and the small RGB canvas that
// plot.hpp draws on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <xtensor/xarray.hpp>

namespace nn {

struct GridOptions {
    std::size_t columns = 8;     // images per row
    int scale = 2;               // each pixel becomes scale x scale (28x28 digits are small)
    bool normalize_each = false; // map each image's own [min, max] to black..white (weights)
    float lo = 0.0f, hi = 1.0f;  // otherwise the value range mapped to black..white (clipped)
    std::size_t gap = 2;         // pixels of gray between tiles
};

// Writes the images as a grid: `images` is (N, height * width), (N, height, width) or
// (N, 1, height, width).
void save_image_grid(const std::string& path, const xt::xarray<float>& images, std::size_t height, std::size_t width,
                     const GridOptions& options = {});

// Writes one row of images per entry, each with its label on the left, e.g.
// {{"original", x}, {"noisy", x_tilde}, {"reconstructed", r}}. Rows may differ in length.
void save_image_rows(const std::string& path, const std::vector<std::pair<std::string, xt::xarray<float>>>& rows,
                     std::size_t height, std::size_t width, const GridOptions& options = {});

// Reads a PNG (or any format stb_image knows) as gray values in [0, 1], shape (H, W).
xt::xarray<float> read_png_gray(const std::string& path);

// Resizes a gray (H, W) image to (height, width) by averaging the source area under each output
// pixel (bilinear when enlarging), e.g. a photo of a digit down to 28 x 28.
xt::xarray<float> resize_gray(const xt::xarray<float>& image, std::size_t height, std::size_t width);

// An RGB picture to draw on: rectangles, lines, dots and text (stb_easy_font's small font).
class Canvas {
public:
    struct Color {
        std::uint8_t r, g, b;
    };
    Canvas(int width, int height, Color background = {255, 255, 255});

    int width() const { return width_; }
    int height() const { return height_; }
    void set(int x, int y, Color c);  // ignores pixels outside the canvas
    Color get(int x, int y) const;
    void fill_rect(int x, int y, int w, int h, Color c);
    void line(double x0, double y0, double x1, double y1, Color c, int thickness = 1);
    void dot(double x, double y, int radius, Color c);
    // Text with its top-left corner at (x, y); each font pixel drawn scale x scale.
    void text(int x, int y, const std::string& s, Color c, int scale = 1);
    static int text_width(const std::string& s, int scale = 1);
    static int text_height(int scale = 1) { return 7 * scale; }
    // Writes the canvas as a PNG; throws std::runtime_error naming the path on failure.
    void save_png(const std::string& path) const;

private:
    int width_, height_;
    std::vector<std::uint8_t> rgb_;
};

}  // namespace nn
