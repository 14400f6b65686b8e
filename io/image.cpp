// image.cpp: grids and labelled rows of gray images, drawn on a Canvas and written as a PNG.
#include "io/image.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "io/canvas.hpp"
#include "io/figures.hpp"

namespace io {

namespace {
constexpr Canvas::Color kGapColor{96, 96, 96};
constexpr Canvas::Color kNanColor{255, 0, 0};

// The number of images N, after checking that `images` is one of the accepted layouts.
std::size_t image_count(const std::string& op, const xt::xarray<float>& images, std::size_t height, std::size_t width) {
    const auto& s = images.shape();
    const std::size_t per = height * width;
    const bool ok =
        per > 0 && !s.empty() && s[0] > 0 && images.size() == s[0] * per &&
        (s.size() == 2 || (s.size() == 3 && s[1] == height) || (s.size() == 4 && s[1] == 1 && s[2] == height));
    if (!ok)
        throw std::invalid_argument(
            fmt::format("{}: images of shape ({}) are not N images of {}x{} (expected (N, {}), (N, {}, {}) "
                        "or (N, 1, {}, {}))",
                        op, fmt::join(s, ", "), height, width, per, height, width, height, width));
    return s[0];
}

// Draws image k of `images` with its top-left corner at (x, y).
void draw_tile(Canvas& canvas, const xt::xarray<float>& images, std::size_t k, std::size_t height, std::size_t width,
               int x, int y, const GridOptions& o) {
    const float* px = images.data() + k * height * width;  // xt::xarray is row-major: image k is contiguous
    float lo = o.lo, hi = o.hi;
    if (o.normalize_each) {  // the image's own finite range
        lo = std::numeric_limits<float>::infinity(), hi = -lo;
        for (std::size_t i = 0; i < height * width; ++i)
            if (std::isfinite(px[i])) lo = std::min(lo, px[i]), hi = std::max(hi, px[i]);
    }
    const float range = hi > lo ? hi - lo : 1.0f;  // a constant image is drawn black
    for (std::size_t r = 0; r < height; ++r)
        for (std::size_t c = 0; c < width; ++c) {
            const float v = px[r * width + c];
            Canvas::Color color = kNanColor;
            if (!std::isnan(v)) {
                const auto g =
                    static_cast<std::uint8_t>(std::lround(std::clamp((v - lo) / range, 0.0f, 1.0f) * 255.0f));
                color = {g, g, g};
            }
            canvas.fill_rect(x + static_cast<int>(c) * o.scale, y + static_cast<int>(r) * o.scale, o.scale, o.scale,
                             color);
        }
}

// The height of the title band (0 without a title) and the width its text needs.
constexpr int kTitleScale = 2;
int title_height(const GridOptions& o) { return o.title.empty() ? 0 : Canvas::text_height(kTitleScale) + 16; }
int title_width(const GridOptions& o) { return o.title.empty() ? 0 : Canvas::text_width(o.title, kTitleScale) + 16; }
void draw_title(Canvas& canvas, const GridOptions& o) {
    if (!o.title.empty()) canvas.text(8, 8, o.title, {0, 0, 0}, kTitleScale);
}

// The footer below the tiles: a caption line, then the grey scale key (a bar from black to white
// with the values at its ends). Its height (0 with neither), the width it needs, and its drawing
// with its top at y.
constexpr int kFooterScale = 2, kKeyBarWidth = 256, kKeyBarHeight = 14;
std::string key_ends(const GridOptions& o, bool high) {
    if (o.normalize_each) return high ? "each image's max" : "each image's min";
    return fmt::format("{:g}", high ? o.hi : o.lo);
}
int footer_height(const GridOptions& o) {
    const int line = Canvas::text_height(kFooterScale) + 12;
    return (o.caption.empty() ? 0 : line) + (o.scale_key.empty() ? 0 : kKeyBarHeight + 2 * line);
}
int footer_width(const GridOptions& o) {
    int w = o.caption.empty() ? 0 : Canvas::text_width(o.caption, kFooterScale) + 16;
    if (!o.scale_key.empty()) {
        const int ends = Canvas::text_width(key_ends(o, false), kFooterScale) +
                         Canvas::text_width(key_ends(o, true), kFooterScale) + 32;
        w = std::max({w, kKeyBarWidth + 16, ends, Canvas::text_width(o.scale_key, kFooterScale) + 16});
    }
    return w;
}
void draw_footer(Canvas& canvas, const GridOptions& o, int y) {
    const int line = Canvas::text_height(kFooterScale) + 12;
    const Canvas::Color black{0, 0, 0};
    if (!o.caption.empty()) {
        canvas.text(8, y + 6, o.caption, black, kFooterScale);
        y += line;
    }
    if (o.scale_key.empty()) return;
    canvas.text(8, y + 6, o.scale_key + ":", black, kFooterScale);
    y += line;
    for (int i = 0; i < kKeyBarWidth; ++i) {  // black at the left end, white at the right
        const auto g = static_cast<std::uint8_t>(i * 255 / (kKeyBarWidth - 1));
        canvas.fill_rect(8 + i, y, 1, kKeyBarHeight, {g, g, g});
    }
    canvas.line(8, y + kKeyBarHeight, 8 + kKeyBarWidth - 1, y + kKeyBarHeight, black, 1);  // a frame line
    y += kKeyBarHeight + 4;
    canvas.text(8, y, key_ends(o, false), black, kFooterScale);
    const std::string high = key_ends(o, true);
    canvas.text(std::max(8 + kKeyBarWidth - Canvas::text_width(high, kFooterScale),
                         8 + Canvas::text_width(key_ends(o, false), kFooterScale) + 16),
                y, high, black, kFooterScale);
}

// The largest scale and gap: a 28-pixel digit at scale 64 is already 1,792 pixels wide.
constexpr int kMaxScale = 64;
constexpr std::size_t kMaxGap = 256;

void check_options(const char* op, const GridOptions& o) {
    if (o.columns == 0 || o.scale <= 0)
        throw std::invalid_argument(
            fmt::format("{}: columns ({}) and scale ({}) must be positive", op, o.columns, o.scale));
    if (o.scale > kMaxScale)
        throw std::invalid_argument(
            fmt::format("{}: GridOptions.scale = {} is out of range: each pixel becomes scale x scale, at most {} x {}",
                        op, o.scale, kMaxScale, kMaxScale));
    if (o.gap > kMaxGap)
        throw std::invalid_argument(fmt::format(
            "{}: GridOptions.gap = {} is out of range: at most {} pixels between tiles", op, o.gap, kMaxGap));
    if (!o.normalize_each && !(o.hi > o.lo))
        throw std::invalid_argument(fmt::format("{}: the value range [lo, hi] = [{}, {}] is empty", op, o.lo, o.hi));
}

// The tiles' area, cols x rows tiles of height x width pixels at o.scale with o.gap between them,
// computed in 64 bits before any of it is drawn: more than Canvas::kMaxSide on a side is an error
// that names the sizes (and not an int overflow or a picture of terabytes).
void check_picture_size(const char* op, std::size_t cols, std::size_t rows, std::size_t height, std::size_t width,
                        const GridOptions& o) {
    const auto side = [&](std::size_t tiles, std::size_t pixels) -> double {
        return static_cast<double>(tiles) * (static_cast<double>(pixels) * o.scale + static_cast<double>(o.gap)) +
               static_cast<double>(o.gap);
    };
    const double w = side(cols, width), h = side(rows, height);
    if (w > Canvas::kMaxSide || h > Canvas::kMaxSide)
        throw std::invalid_argument(fmt::format(
            "{}: {} x {} tiles of {} x {} pixels at scale {} make a picture of {:.0f} x {:.0f} pixels, more than {} on "
            "a side: draw fewer images, or fewer columns, or at a smaller scale",
            op, cols, rows, height, width, o.scale, w, h, Canvas::kMaxSide));
}
}  // namespace

void save_image_grid(const std::string& path, const xt::xarray<float>& images, std::size_t height, std::size_t width,
                     const GridOptions& o) {
    check_options("save_image_grid", o);
    const std::size_t n = image_count("save_image_grid", images, height, width);
    const std::size_t cols = std::min(o.columns, n), rows = (n + cols - 1) / cols;
    check_picture_size("save_image_grid", cols, rows, height, width, o);
    const int tile_w = static_cast<int>(width) * o.scale, tile_h = static_cast<int>(height) * o.scale,
              gap = static_cast<int>(o.gap);
    const int grid_w = static_cast<int>(cols) * (tile_w + gap) + gap, top = title_height(o);
    const int grid_h = static_cast<int>(rows) * (tile_h + gap) + gap;
    Canvas canvas(std::max({grid_w, title_width(o), footer_width(o)}), top + grid_h + footer_height(o),
                  {255, 255, 255});
    draw_title(canvas, o);
    canvas.fill_rect(0, top, grid_w, grid_h, kGapColor);
    for (std::size_t k = 0; k < n; ++k)
        draw_tile(canvas, images, k, height, width, gap + static_cast<int>(k % cols) * (tile_w + gap),
                  top + gap + static_cast<int>(k / cols) * (tile_h + gap), o);
    draw_footer(canvas, o, top + grid_h);
    canvas.save_png(path);
    figure_saved({path, o.title, o.caption});
}

void save_image_rows(const std::string& path, const std::vector<std::pair<std::string, xt::xarray<float>>>& rows,
                     std::size_t height, std::size_t width, const GridOptions& o) {
    check_options("save_image_rows", o);
    if (rows.empty()) throw std::invalid_argument("save_image_rows: no rows to draw");
    std::size_t most = 0;
    int label_w = 0;
    for (const auto& [label, images] : rows) {
        most = std::max(most, image_count(fmt::format("save_image_rows (row '{}')", label), images, height, width));
        label_w = std::max(label_w, Canvas::text_width(label, 2));
    }
    check_picture_size("save_image_rows", most, rows.size(), height, width, o);
    const int tile_w = static_cast<int>(width) * o.scale, tile_h = static_cast<int>(height) * o.scale,
              gap = static_cast<int>(o.gap);
    const int left = label_w + 16;  // 8 pixels of white either side of the longest label
    const int top = title_height(o);
    const int grid_h = static_cast<int>(rows.size()) * (tile_h + gap) + gap;
    Canvas canvas(std::max({left + static_cast<int>(most) * (tile_w + gap) + gap, title_width(o), footer_width(o)}),
                  top + grid_h + footer_height(o), {255, 255, 255});
    draw_title(canvas, o);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const int y = top + gap + static_cast<int>(r) * (tile_h + gap);
        canvas.text(8, y + (tile_h - Canvas::text_height(2)) / 2, rows[r].first, {0, 0, 0}, 2);
        const std::size_t n = rows[r].second.shape()[0];
        canvas.fill_rect(left, y - gap, static_cast<int>(n) * (tile_w + gap) + gap, tile_h + 2 * gap, kGapColor);
        for (std::size_t k = 0; k < n; ++k)
            draw_tile(canvas, rows[r].second, k, height, width, left + gap + static_cast<int>(k) * (tile_w + gap), y,
                      o);
    }
    draw_footer(canvas, o, top + grid_h);
    canvas.save_png(path);
    figure_saved({path, o.title, o.caption});
}

}  // namespace io
