// canvas.cpp: drawing on an RGB canvas; text through stb_easy_font (Debian's libstb-dev; its
// functions are static), the one file that includes it.
#include "io/canvas.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <stb/stb_easy_font.h>

#include "io/png.hpp"

namespace io {

Canvas::Canvas(int width, int height, Color background) : width_(width), height_(height) {
    if (width <= 0 || height <= 0)
        throw std::invalid_argument(fmt::format("Canvas: size {}x{} is empty", width, height));
    if (width > kMaxSide || height > kMaxSide)
        throw std::invalid_argument(fmt::format(
            "Canvas: size {}x{} is more than {} pixels on a side (a figure that large is a mistake in its options)",
            width, height, kMaxSide));
    rgb_.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    for (std::size_t i = 0; i < rgb_.size(); i += 3)
        rgb_[i] = background.r, rgb_[i + 1] = background.g, rgb_[i + 2] = background.b;
}

void Canvas::set(int x, int y, Color c) {
    if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
    const std::size_t i =
        (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x)) * 3;
    rgb_[i] = c.r, rgb_[i + 1] = c.g, rgb_[i + 2] = c.b;
}

Canvas::Color Canvas::get(int x, int y) const {
    if (x < 0 || y < 0 || x >= width_ || y >= height_)
        throw std::out_of_range(fmt::format("Canvas::get: ({}, {}) is outside {}x{}", x, y, width_, height_));
    const std::size_t i =
        (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x)) * 3;
    return {rgb_[i], rgb_[i + 1], rgb_[i + 2]};
}

void Canvas::fill_rect(int x, int y, int w, int h, Color c) {
    for (int yy = std::max(y, 0); yy < std::min(y + h, height_); ++yy)
        for (int xx = std::max(x, 0); xx < std::min(x + w, width_); ++xx) set(xx, yy, c);
}

void Canvas::line(double x0, double y0, double x1, double y1, Color c, int thickness) {
    // Enough evenly spaced samples that no pixel along the line is skipped.
    const int steps = static_cast<int>(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)))) + 1;
    const int half = thickness / 2;
    for (int s = 0; s <= steps; ++s) {
        const double t = static_cast<double>(s) / steps;
        const int x = static_cast<int>(std::lround(x0 + t * (x1 - x0))),
                  y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
        fill_rect(x - half, y - half, thickness, thickness, c);
    }
}

void Canvas::dot(double x, double y, int radius, Color c) {
    const int cx = static_cast<int>(std::lround(x)), cy = static_cast<int>(std::lround(y));
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx)
            if (dx * dx + dy * dy <= radius * radius + radius) set(cx + dx, cy + dy, c);
}

namespace {
// stb_easy_font knows printable ASCII only; anything else is drawn as '?'.
std::string printable(const std::string& s) {
    std::string out = s;
    for (char& ch : out)
        if (ch < 32 || ch > 126) ch = '?';
    return out;
}
}  // namespace

void Canvas::text(int x, int y, const std::string& s, Color c, int scale) {
    std::string t = printable(s);
    std::vector<char> buffer(t.size() * 64 * 12 + 64);  // 64 bytes per quad, at most 11 quads per character ('X')
    const int quads = stb_easy_font_print(0, 0, t.data(), nullptr, buffer.data(), static_cast<int>(buffer.size()));
    // Each quad is 4 vertices of (x, y, z: float, rgba: 4 bytes); the font's quads are axis-aligned rectangles.
    for (int q = 0; q < quads; ++q) {
        const float* v0 = reinterpret_cast<const float*>(buffer.data() + q * 64);
        const float* v2 = reinterpret_cast<const float*>(buffer.data() + q * 64 + 32);
        const int qx = static_cast<int>(std::floor(v0[0])), qy = static_cast<int>(std::floor(v0[1]));
        const int qw = static_cast<int>(std::lround(v2[0] - v0[0])), qh = static_cast<int>(std::lround(v2[1] - v0[1]));
        fill_rect(x + qx * scale, y + qy * scale, qw * scale, qh * scale, c);
    }
}

int Canvas::text_width(const std::string& s, int scale) {
    std::string t = printable(s);
    return stb_easy_font_width(t.data()) * scale;
}

void Canvas::save_png(const std::string& path) const { write_png_rgb(path, width_, height_, rgb_); }

}  // namespace io
