// canvas.hpp: the RGB picture that the image grids (image.hpp) and the plots (plot.hpp) are drawn
// on. Its text is stb_easy_font's (Debian's libstb-dev), so that no font file is needed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace io {

// An RGB picture to draw on: rectangles, lines, dots and text (stb_easy_font's small font).
class Canvas {
public:
    // An 8-bit RGB colour.
    struct Color {
        std::uint8_t r, g, b;
        bool operator==(const Color& o) const { return r == o.r && g == o.g && b == o.b; }
        bool operator!=(const Color& o) const { return !(*this == o); }
    };
    // The largest side a canvas may have: 16,384 pixels (768 MB of RGB at most).
    static constexpr int kMaxSide = 16384;
    // A width x height canvas filled with `background`; a std::invalid_argument when a side is
    // not positive or more than kMaxSide.
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
    // Writes the canvas as a PNG, atomically (io/png.hpp): on failure an io::WriteError naming
    // the path and the system's reason, and the file that was there stays.
    void save_png(const std::string& path) const;

private:
    int width_, height_;
    std::vector<std::uint8_t> rgb_;
};

}  // namespace io
