#include "nn/plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "nn/image.hpp"

namespace nn {

namespace {
using Color = Canvas::Color;
// matplotlib's tab10 palette.
const Color kPalette[10] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                            {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
const Color kBlack{0, 0, 0}, kGrid{225, 225, 225}, kAxis{60, 60, 60};

// Tick positions at round numbers (1, 2 or 5 times a power of ten) covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int target = 6) {
    const double raw = (hi - lo) / target, mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    std::vector<double> ticks;
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

std::string tick_label(double v) {
    std::string s = fmt::format("{:.6g}", v);
    return s;
}

// The plotting area of a canvas and the map from data to pixels.
struct Frame {
    int left, top, right, bottom;  // pixel bounds of the plot box
    double x0, x1, y0, y1;         // data bounds (y in log10 when log_y)
    bool log_y;
    double px(double x) const { return left + (x - x0) / (x1 - x0) * (right - left); }
    double py(double y) const {
        const double v = log_y ? std::log10(y) : y;
        return bottom - (v - y0) / (y1 - y0) * (bottom - top);
    }
};

// Widens a degenerate range and adds a margin of 4% on each side.
void pad_range(double& lo, double& hi) {
    if (!(hi > lo)) lo -= 0.5 * (std::abs(lo) + 1.0), hi += 0.5 * (std::abs(hi) + 1.0);
    const double m = 0.04 * (hi - lo);
    lo -= m, hi += m;
}

// Draws the title, labels, grid, ticks and box.
void draw_frame(Canvas& c, const Frame& f, const PlotOptions& o) {
    c.text((c.width() - Canvas::text_width(o.title, 2)) / 2, 12, o.title, kBlack, 2);
    c.text(f.left - 40, f.top - 20, o.ylabel, kAxis, 2);
    c.text((f.left + f.right - Canvas::text_width(o.xlabel, 2)) / 2, f.bottom + 32, o.xlabel, kAxis, 2);
    for (double t : nice_ticks(f.x0, f.x1)) {
        const int x = static_cast<int>(std::lround(f.px(t)));
        c.line(x, f.top, x, f.bottom, kGrid);
        c.line(x, f.bottom, x, f.bottom + 4, kAxis);
        const std::string s = tick_label(t);
        c.text(x - Canvas::text_width(s, 2) / 2, f.bottom + 8, s, kAxis, 2);
    }
    std::vector<double> yticks;
    if (f.log_y) {
        for (double e = std::floor(f.y0); e <= std::ceil(f.y1); ++e)
            for (double m : {1.0, 2.0, 5.0})
                if (std::log10(m) + e >= f.y0 && std::log10(m) + e <= f.y1) yticks.push_back(m * std::pow(10.0, e));
    } else {
        yticks = nice_ticks(f.y0, f.y1);
    }
    for (double t : yticks) {
        const int y = static_cast<int>(std::lround(f.py(t)));
        c.line(f.left, y, f.right, y, kGrid);
        c.line(f.left - 4, y, f.left, y, kAxis);
        const std::string s = tick_label(t);
        c.text(f.left - 8 - Canvas::text_width(s, 2), y - 6, s, kAxis, 2);
    }
    c.line(f.left, f.top, f.right, f.top, kAxis);
    c.line(f.left, f.bottom, f.right, f.bottom, kAxis);
    c.line(f.left, f.top, f.left, f.bottom, kAxis);
    c.line(f.right, f.top, f.right, f.bottom, kAxis);
}

void check_size(const char* op, const PlotOptions& o) {
    if (o.width < 200 || o.height < 150) throw std::invalid_argument(fmt::format("{}: {}x{} is too small to draw a plot", op, o.width, o.height));
}
}  // namespace

void save_line_plot(const std::string& path, const std::vector<Series>& series, const PlotOptions& o) {
    check_size("save_line_plot", o);
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    auto usable = [&](double x, double y) { return std::isfinite(x) && std::isfinite(y) && (!o.log_y || y > 0); };
    for (const Series& s : series) {
        if (s.x.size() != s.y.size())
            throw std::invalid_argument(fmt::format("save_line_plot: series '{}' has {} x values and {} y values", s.name,
                                                    s.x.size(), s.y.size()));
        for (std::size_t i = 0; i < s.x.size(); ++i)
            if (usable(s.x[i], s.y[i])) {
                const double y = o.log_y ? std::log10(s.y[i]) : s.y[i];
                x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]), y0 = std::min(y0, y), y1 = std::max(y1, y);
            }
    }
    if (!std::isfinite(x0)) throw std::invalid_argument(fmt::format("save_line_plot: nothing to draw in '{}' (no finite point)", path));
    pad_range(x0, x1);
    pad_range(y0, y1);
    Canvas c(o.width, o.height);
    const Frame f{96, 60, o.width - 24, o.height - 60, x0, x1, y0, y1, o.log_y};
    draw_frame(c, f, o);
    for (std::size_t k = 0; k < series.size(); ++k) {
        const Series& s = series[k];
        const Color color = kPalette[k % 10];
        bool have_prev = false;
        double px = 0, py = 0;
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            if (!usable(s.x[i], s.y[i])) {
                have_prev = false;
                continue;
            }
            const double x = f.px(s.x[i]), y = f.py(s.y[i]);
            if (have_prev) c.line(px, py, x, y, color, 2);
            if (s.x.size() <= 40) c.dot(x, y, 3, color);  // mark the points of short curves
            px = x, py = y, have_prev = true;
        }
    }
    if (series.size() >= 2) {  // legend, top right inside the box
        int w = 0;
        for (const Series& s : series) w = std::max(w, Canvas::text_width(s.name, 2));
        const int lx = f.right - w - 48, ly = f.top + 10;
        c.fill_rect(lx - 6, ly - 6, w + 48, static_cast<int>(series.size()) * 22 + 6, {255, 255, 255});
        for (std::size_t k = 0; k < series.size(); ++k) {
            const int y = ly + static_cast<int>(k) * 22;
            c.line(lx, y + 7, lx + 24, y + 7, kPalette[k % 10], 3);
            c.text(lx + 32, y, series[k].name, kBlack, 2);
        }
    }
    c.save_png(path);
}

void save_scatter(const std::string& path, const xt::xarray<float>& points, const std::vector<std::size_t>& labels,
                  const PlotOptions& o, const std::vector<std::string>& label_names) {
    check_size("save_scatter", o);
    if (points.dimension() != 2 || points.shape()[1] != 2 || points.shape()[0] != labels.size())
        throw std::invalid_argument(fmt::format("save_scatter: expects (N, 2) points and N labels, got ({}) and {} labels",
                                                fmt::join(points.shape(), ", "), labels.size()));
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    std::vector<bool> present;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double x = points(i, 0), y = points(i, 1);
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
        if (labels[i] >= present.size()) present.resize(labels[i] + 1, false);
        present[labels[i]] = true;
    }
    if (!std::isfinite(x0)) throw std::invalid_argument(fmt::format("save_scatter: nothing to draw in '{}' (no finite point)", path));
    pad_range(x0, x1);
    pad_range(y0, y1);
    const int legend_w = 110;
    Canvas c(o.width, o.height);
    const Frame f{96, 60, o.width - 24 - legend_w, o.height - 60, x0, x1, y0, y1, false};
    draw_frame(c, f, o);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double x = points(i, 0), y = points(i, 1);
        if (std::isfinite(x) && std::isfinite(y)) c.dot(f.px(x), f.py(y), 1, kPalette[labels[i] % 10]);
    }
    int row = 0;
    for (std::size_t k = 0; k < present.size(); ++k) {
        if (!present[k]) continue;
        const int y = f.top + 4 + row++ * 22;
        c.fill_rect(f.right + 16, y, 14, 14, kPalette[k % 10]);
        c.text(f.right + 38, y, k < label_names.size() ? label_names[k] : std::to_string(k), kBlack, 2);
    }
    c.save_png(path);
}

}  // namespace nn
