// image.cpp: image grids, reading a picture, and the Canvas; the one translation unit that compiles
// stb_image, stb_image_write and stb_easy_font.
#include "io/image.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "io/atomic_file.hpp"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include "io/stb.hpp"

#include "io/png_check.hpp"

namespace io {

// ---- Canvas ------------------------------------------------------------------------------------
Canvas::Canvas(int width, int height, Color background) : width_(width), height_(height) {
    if (width <= 0 || height <= 0)
        throw std::invalid_argument(fmt::format("Canvas: size {}x{} is empty", width, height));
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

void Canvas::save_png(const std::string& path) const {
    // Encoded in memory first: stb's own file writer checks none of its writes, and a full disk
    // would leave a truncated PNG where the last good one was.
    std::string png;
    auto append = [](void* context, void* data, int size) {
        static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
    };
    if (!stbi_write_png_to_func(append, &png, width_, height_, 3, rgb_.data(), width_ * 3))
        throw std::runtime_error(fmt::format("{}: cannot encode the {}x{} PNG", path, width_, height_));
    write_file_atomically(path, png);
}

// ---- image grids -------------------------------------------------------------------------------------
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

void check_options(const char* op, const GridOptions& o) {
    if (o.columns == 0 || o.scale <= 0)
        throw std::invalid_argument(
            fmt::format("{}: columns ({}) and scale ({}) must be positive", op, o.columns, o.scale));
    if (!o.normalize_each && !(o.hi > o.lo))
        throw std::invalid_argument(fmt::format("{}: the value range [lo, hi] = [{}, {}] is empty", op, o.lo, o.hi));
}
}  // namespace

void save_image_grid(const std::string& path, const xt::xarray<float>& images, std::size_t height, std::size_t width,
                     const GridOptions& o) {
    check_options("save_image_grid", o);
    const std::size_t n = image_count("save_image_grid", images, height, width);
    const std::size_t cols = std::min(o.columns, n), rows = (n + cols - 1) / cols;
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
}

// ---- reading and resizing ---------------------------------------------------------------------------------
xt::xarray<float> read_png_gray(const std::string& path) {
    std::error_code ec;
    const std::filesystem::file_status st = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(st)) throw ImageError(fmt::format("read_png_gray: {}: no such file", path));
    if (std::filesystem::is_directory(st))
        throw ImageError(fmt::format("read_png_gray: {}: is a folder, not a PNG file", path));
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) throw ImageError(fmt::format("read_png_gray: {}: cannot read the file size: {}", path, ec.message()));
    if (size > kMaxPngFileBytes)
        throw ImageError(fmt::format("read_png_gray: {}: {} bytes, more than the {} a PNG read here may have", path,
                                     size, kMaxPngFileBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ImageError(fmt::format("read_png_gray: {}: cannot open the file", path));
    std::ostringstream content;
    content << in.rdbuf();
    const std::string bytes = content.str();
    // stb_image decodes only what check_png has walked: chunks within the file with their CRCs,
    // a size of at most kMaxPngSide on each side, image data that inflates to exactly that size.
    const PngHeader header = check_png(path, bytes);
    int w = 0, h = 0, channels = 0;
    unsigned char* data = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                                                static_cast<int>(bytes.size()), &w, &h, &channels, 4);  // always RGBA
    if (!data)
        throw ImageError(fmt::format("read_png_gray: {}: cannot decode the picture: {}", path, stbi_failure_reason()));
    if (std::uint32_t(w) != header.width || std::uint32_t(h) != header.height) {
        stbi_image_free(data);
        throw ImageError(fmt::format("read_png_gray: {}: decoded {}x{} pixels, the header says {}x{}", path, w, h,
                                     header.width, header.height));
    }
    xt::xarray<float> image = xt::xarray<float>::from_shape({static_cast<std::size_t>(h), static_cast<std::size_t>(w)});
    for (std::size_t i = 0; i < image.size(); ++i) {
        const unsigned char* p = data + 4 * i;
        const float luma = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f, alpha = p[3] / 255.0f;
        image.data()[i] = alpha * luma + (1.0f - alpha);  // over a white page
    }
    stbi_image_free(data);
    return image;
}

xt::xarray<float> resize_gray(const xt::xarray<float>& image, std::size_t height, std::size_t width) {
    if (image.dimension() != 2 || image.size() == 0 || height == 0 || width == 0)
        throw std::invalid_argument(
            fmt::format("resize_gray: expects a non-empty (H, W) image and a positive size, got ({}) to {}x{}",
                        fmt::join(image.shape(), ", "), height, width));
    const std::size_t H = image.shape()[0], W = image.shape()[1];
    // Output pixel (r, c) covers the source rectangle [r H / height, (r + 1) H / height) x (the same
    // for columns); its value is the source averaged over that rectangle, partial pixels weighted.
    auto weights = [](std::size_t out, std::size_t in) {
        std::vector<std::vector<std::pair<std::size_t, double>>> w(out);
        const double ratio = static_cast<double>(in) / static_cast<double>(out);
        for (std::size_t o = 0; o < out; ++o) {
            double a = o * ratio, b = (o + 1) * ratio;
            if (ratio < 1.0) {  // enlarging: sample at the centre, linearly between neighbours
                const double s = std::clamp((o + 0.5) * ratio - 0.5, 0.0, static_cast<double>(in - 1));
                const std::size_t i0 = static_cast<std::size_t>(s), i1 = std::min(i0 + 1, in - 1);
                w[o] = {{i0, 1.0 - (s - i0)}, {i1, s - i0}};
                continue;
            }
            for (std::size_t i = static_cast<std::size_t>(a); i < in && i < b; ++i)
                w[o].push_back({i, (std::min<double>(i + 1, b) - std::max<double>(i, a)) / ratio});
        }
        return w;
    };
    const auto wr = weights(height, H), wc = weights(width, W);
    xt::xarray<float> out = xt::zeros<float>({height, width});
    for (std::size_t r = 0; r < height; ++r)
        for (std::size_t c = 0; c < width; ++c) {
            double v = 0.0;
            for (const auto& [i, a] : wr[r])
                for (const auto& [j, b] : wc[c]) v += a * b * image(i, j);
            out(r, c) = static_cast<float>(v);
        }
    return out;
}

xt::xarray<float> fit_digit(const xt::xarray<float>& image, std::size_t size) {
    if (image.dimension() != 2 || image.size() == 0 || size < 4)
        throw std::invalid_argument(
            fmt::format("fit_digit: expects a non-empty (H, W) image and a size of at least 4, got ({}) and {}",
                        fmt::join(image.shape(), ", "), size));
    const std::size_t H = image.shape()[0], W = image.shape()[1];
    // Ink is whatever differs from the background; the border's mean tells which side that is.
    double border = 0.0;
    for (std::size_t r = 0; r < H; ++r) border += image(r, 0) + image(r, W - 1);
    for (std::size_t c = 0; c < W; ++c) border += image(0, c) + image(H - 1, c);
    const bool light_page = border / static_cast<double>(2 * (H + W)) > 0.5;
    xt::xarray<float> ink = light_page ? xt::xarray<float>(1.0f - image) : image;  // (H, W), ink light on black
    const float lo = xt::amin(ink)(), hi = xt::amax(ink)();
    if (!(hi > lo)) return xt::zeros<float>({size, size});  // a blank picture holds no digit
    ink = (ink - lo) / (hi - lo);
    // The ink's bounding box: every row and column with a pixel above a quarter of full ink.
    std::size_t r0 = H, r1 = 0, c0 = W, c1 = 0;
    for (std::size_t r = 0; r < H; ++r)
        for (std::size_t c = 0; c < W; ++c)
            if (ink(r, c) > 0.25f)
                r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
    const xt::xarray<float> crop = xt::view(ink, xt::range(r0, r1 + 1), xt::range(c0, c1 + 1));  // (h, w)
    // Scale the longer side to 20/28 of `size`, keeping the shape.
    const std::size_t box = std::max<std::size_t>(1, size * 20 / 28), h = crop.shape()[0], w = crop.shape()[1];
    auto shorter = [box](std::size_t a, std::size_t b) {
        return std::max<std::size_t>(1, std::lround(double(box) * a / b));
    };
    const std::size_t out_h = h >= w ? box : shorter(h, w), out_w = w >= h ? box : shorter(w, h);
    const xt::xarray<float> digit = resize_gray(crop, out_h, out_w);  // (out_h, out_w)
    // Centre of mass of the scaled digit, then shift so it lands on the middle of the output.
    double mass = 0.0, mr = 0.0, mc = 0.0;
    for (std::size_t r = 0; r < out_h; ++r)
        for (std::size_t c = 0; c < out_w; ++c)
            mass += digit(r, c), mr += digit(r, c) * (r + 0.5), mc += digit(r, c) * (c + 0.5);
    const long top = std::lround(size / 2.0 - mr / mass), left = std::lround(size / 2.0 - mc / mass);
    xt::xarray<float> out = xt::zeros<float>({size, size});  // (size, size)
    for (std::size_t r = 0; r < out_h; ++r)
        for (std::size_t c = 0; c < out_w; ++c) {
            const long y = top + static_cast<long>(r), x = left + static_cast<long>(c);
            if (y >= 0 && x >= 0 && y < static_cast<long>(size) && x < static_cast<long>(size))
                out(static_cast<std::size_t>(y), static_cast<std::size_t>(x)) = digit(r, c);
        }
    return out;
}

}  // namespace io
