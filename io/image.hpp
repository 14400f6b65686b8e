// image.hpp: pictures as PNG files, through stb_image_write (Debian's libstb-dev).
//
// Grids of gray images (digits, reconstructions, generated samples, hidden units' weights drawn
// as images, Scott slide 11), and the small RGB canvas that plot.hpp draws on.
#pragma once

#include <cstddef>
#include <cstdint>
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

// An RGB picture to draw on: rectangles, lines, dots and text (stb_easy_font's small font).
class Canvas {
public:
    // An 8-bit RGB colour.
    struct Color {
        std::uint8_t r, g, b;
        bool operator==(const Color& o) const { return r == o.r && g == o.g && b == o.b; }
        bool operator!=(const Color& o) const { return !(*this == o); }
    };
    // A width x height canvas filled with `background`.
    Canvas(int width, int height, Color background = {255, 255, 255});

    int width() const { return width_; }    // in pixels
    int height() const { return height_; }  // in pixels
    // Sets one pixel; pixels outside the canvas are ignored (so is everything drawn there).
    void set(int x, int y, Color c);
    // The colour at (x, y); std::out_of_range outside the canvas.
    Color get(int x, int y) const;
    // A filled w x h rectangle with its top-left corner at (x, y).
    void fill_rect(int x, int y, int w, int h, Color c);
    // A straight line from (x0, y0) to (x1, y1), `thickness` pixels wide.
    void line(double x0, double y0, double x1, double y1, Color c, int thickness = 1);
    // A filled disc of the given radius centred at (x, y); radius 1 is a 3x3 dot.
    void dot(double x, double y, int radius, Color c);
    // Text with its top-left corner at (x, y); each font pixel drawn scale x scale.
    void text(int x, int y, const std::string& s, Color c, int scale = 1);
    // Width of the text in pixels (its advance: the last character's blank column included).
    static int text_width(const std::string& s, int scale = 1);
    // Height of a capital letter or digit; descenders (g, p, y) reach 2 * scale lower.
    static int text_height(int scale = 1) { return 7 * scale; }
    // Writes the canvas as a PNG, atomically (io/atomic_file.hpp): on failure an io::WriteError
    // naming the path and the system's reason, and the file that was there stays.
    void save_png(const std::string& path) const;

private:
    int width_, height_;
    std::vector<std::uint8_t> rgb_;
};

}  // namespace io
