// plot.cpp: line plots, labelled scatters and matrices as tables, drawn on a Canvas (canvas.hpp).
//
// Layout: the title on top, the y axis' label above its tick labels, the x axis' label under
// its tick labels; the margins grow to fit the tick labels, so nothing is clipped.
#include "io/plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "io/canvas.hpp"
#include "io/figures.hpp"

namespace io {

namespace {
using Color = Canvas::Color;
// matplotlib's tab10 palette.
const Color kPalette[10] = {{31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                            {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
const Color kWhite{255, 255, 255}, kBlack{0, 0, 0}, kGrid{225, 225, 225}, kAxis{60, 60, 60};
constexpr int kFont = 2;  // every text is stb_easy_font at twice its size

// ---- ticks ---------------------------------------------------------------------------------------
struct Ticks {
    std::vector<double> at;           // data values
    std::vector<std::string> labels;  // what is written under (or beside) each
};

// About six ticks at round numbers (1, 2 or 5 times a power of ten) inside [lo, hi], all written
// with the same number of decimals; `integers` keeps the step at 1 or more (epochs, steps).
Ticks linear_ticks(double lo, double hi, bool integers) {
    const double raw = (hi - lo) / 6.0, mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10.0 * mag;
    for (double m : {1.0, 2.0, 5.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    if (integers) step = std::max(step, 1.0);
    const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
    const bool plain = decimals <= 5 && std::max(std::abs(lo), std::abs(hi)) < 1e7;  // else 1e-06, 2.5e+07
    Ticks t;
    // Counting steps (rather than adding them up) keeps 0.1 + 0.2 from drifting.
    for (long long i = std::llround(std::ceil(lo / step - 1e-9)); i <= std::llround(std::floor(hi / step + 1e-9));
         ++i) {
        const double v = static_cast<double>(i) * step;
        t.at.push_back(v);
        t.labels.push_back(plain ? fmt::format("{:.{}f}", v, decimals) : fmt::format("{:g}", v));
    }
    return t;
}

// Ticks of a log axis whose data bounds are [lo, hi] in log10 units, drawn over about `pixels`:
// the densest of 1..9, then 1, 2, 5, then 1 per decade whose closest two ticks stay 18 pixels
// apart (and at most ~7 powers of ten, every few decades over many), so that a range of less
// than a decade still gets ticks near both ends; round linear steps inside a third of a decade.
Ticks log_ticks(double lo, double hi, int pixels) {
    const double decades = hi - lo;
    if (decades < 0.3) return linear_ticks(std::pow(10.0, lo), std::pow(10.0, hi), false);
    const double per_decade = pixels / decades, min_gap = 18.0;
    std::vector<double> mantissas{1};
    if (std::log10(10.0 / 9.0) * per_decade >= min_gap)
        mantissas = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    else if (std::log10(2.0) * per_decade >= min_gap)
        mantissas = {1, 2, 5};
    const int every = std::max({1, static_cast<int>(std::ceil(decades / 7.0)),  // at most ~7 powers of ten
                                static_cast<int>(std::ceil(min_gap / per_decade))});
    Ticks t;
    for (int e = static_cast<int>(std::floor(lo)); e <= static_cast<int>(std::ceil(hi)); ++e) {
        if (e % every != 0) continue;
        for (double m : mantissas) {
            const double v = m * std::pow(10.0, e), l = std::log10(v);
            if (l < lo - 1e-9 || l > hi + 1e-9) continue;
            t.at.push_back(v);
            t.labels.push_back(fmt::format("{:g}", v));
        }
    }
    return t;
}

// Widens an empty range and adds a margin of 4% on each side.
void pad_range(double& lo, double& hi) {
    if (!(hi - lo > 1e-9 * std::max(std::abs(lo), std::abs(hi))))
        lo -= 0.5 * (std::abs(lo) + 1.0), hi += 0.5 * (std::abs(hi) + 1.0);
    const double m = 0.04 * (hi - lo);
    lo -= m, hi += m;
}

// ---- the frame: plot box, axes, labels -------------------------------------------------------------
// The plotting area of a canvas and the map from data to pixels.
struct Frame {
    int left = 0, top = 0, right = 0, bottom = 0;  // pixel bounds of the plot box
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;         // data bounds (y in log10 when log_y)
    bool log_y = false;
    double px(double x) const { return left + (x - x0) / (x1 - x0) * (right - left); }
    double py(double y) const {
        const double v = log_y ? std::log10(y) : y;
        return bottom - (v - y0) / (y1 - y0) * (bottom - top);
    }
};

int widest(const std::vector<std::string>& labels) {
    int w = 0;
    for (const std::string& s : labels) w = std::max(w, Canvas::text_width(s, kFont));
    return w;
}

// Places the plot box on a width x height canvas, leaving `right_extra` pixels on the right (a
// legend), with room for the tick labels, the axis labels and the title.
Frame place_frame(const char* op, const PlotOptions& o, const Ticks& xt, const Ticks& yt, int right_extra) {
    Frame f;
    f.left = std::max(40, 16 + widest(yt.labels) + 10);  // tick labels, 8 px, a 4 px tick
    const int last_x_half = xt.labels.empty() ? 0 : Canvas::text_width(xt.labels.back(), kFont) / 2;
    f.right = o.width - std::max(20, last_x_half + 6) - right_extra;  // the last x label fits
    f.top = o.title.empty() && o.ylabel.empty() ? 20 : 62;
    f.bottom = o.height - (o.xlabel.empty() ? 34 : 58);
    if (f.right - f.left < 60 || f.bottom - f.top < 60)
        throw std::invalid_argument(fmt::format("{}: {}x{} leaves no room for the plot box", op, o.width, o.height));
    return f;
}

// Draws the title, axis labels, grid, ticks and box.
void draw_frame(Canvas& c, const Frame& f, const Ticks& xt, const Ticks& yt, const PlotOptions& o) {
    // A long title goes to small print, and if it still does not fit, loses its end to "...".
    std::string title = o.title;
    const int title_scale = Canvas::text_width(title, kFont) <= c.width() - 16 ? kFont : 1;
    while (title.size() > 3 && Canvas::text_width(title, title_scale) > c.width() - 16)
        title = title.substr(0, title.size() - 4) + "...";
    c.text((c.width() - Canvas::text_width(title, title_scale)) / 2, 14, title, kBlack, title_scale);
    c.text(std::max(6, f.left - 12 - widest(yt.labels)), f.top - 22, o.ylabel, kAxis, kFont);
    c.text((f.left + f.right - Canvas::text_width(o.xlabel, kFont)) / 2, f.bottom + 34, o.xlabel, kAxis, kFont);
    for (std::size_t i = 0; i < xt.at.size(); ++i) {
        const int x = static_cast<int>(std::lround(f.px(xt.at[i])));
        c.line(x, f.top, x, f.bottom, kGrid);
        c.line(x, f.bottom, x, f.bottom + 4, kAxis);
        c.text(x - Canvas::text_width(xt.labels[i], kFont) / 2 + 1, f.bottom + 10, xt.labels[i], kAxis, kFont);
    }
    for (std::size_t i = 0; i < yt.at.size(); ++i) {
        const int y = static_cast<int>(std::lround(f.py(yt.at[i])));
        c.line(f.left, y, f.right, y, kGrid);
        c.line(f.left - 4, y, f.left, y, kAxis);
        c.text(f.left - 8 - Canvas::text_width(yt.labels[i], kFont), y - Canvas::text_height(kFont) / 2, yt.labels[i],
               kAxis, kFont);
    }
    c.line(f.left, f.top, f.right, f.top, kAxis);
    c.line(f.left, f.bottom, f.right, f.bottom, kAxis);
    c.line(f.left, f.top, f.left, f.bottom, kAxis);
    c.line(f.right, f.top, f.right, f.bottom, kAxis);
}

void check_size(const char* op, const PlotOptions& o) {
    if (o.width < 200 || o.height < 150)
        throw std::invalid_argument(
            fmt::format("{}: {}x{} is too small to draw a plot (at least 200x150)", op, o.width, o.height));
}

// A one-pixel frame just inside the rectangle.
void outline(Canvas& c, int x, int y, int w, int h, Color color) {
    c.fill_rect(x, y, w, 1, color), c.fill_rect(x, y + h - 1, w, 1, color);
    c.fill_rect(x, y, 1, h, color), c.fill_rect(x + w - 1, y, 1, h, color);
}

// Pixels inside a rectangle (and the canvas) that are neither background nor grid: data a legend
// there would hide.
int covered(const Canvas& c, int x, int y, int w, int h) {
    int n = 0;
    for (int yy = std::max(y, 0); yy < std::min(y + h, c.height()); ++yy)
        for (int xx = std::max(x, 0); xx < std::min(x + w, c.width()); ++xx)
            n += c.get(xx, yy) != kWhite && c.get(xx, yy) != kGrid;
    return n;
}
// What a plot's axes are, for a caption: "y: test MSE; x: epoch".
std::string axes_caption(const PlotOptions& o) {
    std::string said;
    if (!o.ylabel.empty()) said += "y: " + o.ylabel;
    if (!o.xlabel.empty()) said += (said.empty() ? "" : "; ") + std::string("x: ") + o.xlabel;
    return said;
}

}  // namespace

// ---- line plot -------------------------------------------------------------------------------------
void save_line_plot(const std::string& path, const std::vector<Series>& series, const PlotOptions& o) {
    check_size("save_line_plot", o);
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    bool integer_x = true;
    auto usable = [&](double x, double y) { return std::isfinite(x) && std::isfinite(y) && (!o.log_y || y > 0); };
    for (const Series& s : series) {
        if (s.x.size() != s.y.size())
            throw std::invalid_argument(fmt::format("save_line_plot: series '{}' has {} x values and {} y values",
                                                    s.name, s.x.size(), s.y.size()));
        for (std::size_t i = 0; i < s.x.size(); ++i)
            if (usable(s.x[i], s.y[i])) {
                const double y = o.log_y ? std::log10(s.y[i]) : s.y[i];
                x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]), y0 = std::min(y0, y), y1 = std::max(y1, y);
                integer_x = integer_x && s.x[i] == std::floor(s.x[i]);
            }
    }
    if (!std::isfinite(x0))
        throw std::invalid_argument(fmt::format("save_line_plot: nothing to draw in '{}' (no finite point{})", path,
                                                o.log_y ? " with y > 0 for the log axis" : ""));
    pad_range(x0, x1);
    pad_range(y0, y1);
    const Ticks xt = linear_ticks(x0, x1, integer_x),
                yt = o.log_y ? log_ticks(y0, y1, o.height - 120) : linear_ticks(y0, y1, false);
    Frame f = place_frame("save_line_plot", o, xt, yt, 0);
    f.x0 = x0, f.x1 = x1, f.y0 = y0, f.y1 = y1, f.log_y = o.log_y;
    Canvas c(o.width, o.height);
    draw_frame(c, f, xt, yt, o);
    for (std::size_t k = 0; k < series.size(); ++k) {
        const Series& s = series[k];
        const Color color = kPalette[k % 10];
        bool have_prev = false;  // a skipped point breaks the line
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
    if (series.size() >= 2) {  // the legend, in the corner of the box where it hides the least
        std::vector<std::string> names;
        for (const Series& s : series) names.push_back(s.name);
        const int row = 22, w = widest(names) + 48, h = static_cast<int>(series.size()) * row + 8;
        const std::array<std::pair<int, int>, 4> corners = {{{f.right - 8 - w, f.top + 8},
                                                             {f.left + 8, f.top + 8},
                                                             {f.right - 8 - w, f.bottom - 8 - h},
                                                             {f.left + 8, f.bottom - 8 - h}}};
        std::pair<int, int> best = corners[0];
        int least = std::numeric_limits<int>::max();
        for (const auto& [x, y] : corners) {
            const int n = covered(c, x, y, w, h);
            if (n < least) least = n, best = {x, y};
        }
        const auto [lx, ly] = best;
        c.fill_rect(lx, ly, w, h, kWhite);
        outline(c, lx, ly, w, h, kGrid);
        for (std::size_t k = 0; k < series.size(); ++k) {
            const int y = ly + 8 + static_cast<int>(k) * row;
            c.line(lx + 8, y + 6, lx + 32, y + 6, kPalette[k % 10], 3);
            c.text(lx + 40, y, series[k].name, kBlack, kFont);
        }
    }
    c.save_png(path);
    figure_saved({path, o.title, axes_caption(o)});
}

// ---- scatter -----------------------------------------------------------------------------------------
void save_scatter(const std::string& path, const xt::xarray<float>& points, const std::vector<std::size_t>& labels,
                  const PlotOptions& o, const std::vector<std::string>& label_names) {
    check_size("save_scatter", o);
    if (points.dimension() != 2 || points.shape()[1] != 2 || points.shape()[0] != labels.size())
        throw std::invalid_argument(
            fmt::format("save_scatter: expects (N, 2) points and N labels, got ({}) and {} labels",
                        fmt::join(points.shape(), ", "), labels.size()));
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    std::vector<bool> present;  // present[k]: some finite point has label k
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double x = points(i, 0), y = points(i, 1);
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
        if (labels[i] >= present.size()) present.resize(labels[i] + 1, false);
        present[labels[i]] = true;
    }
    if (!std::isfinite(x0))
        throw std::invalid_argument(fmt::format("save_scatter: nothing to draw in '{}' (no finite point)", path));
    auto name = [&](std::size_t k) { return k < label_names.size() ? label_names[k] : std::to_string(k); };
    std::vector<std::string> names;
    for (std::size_t k = 0; k < present.size(); ++k)
        if (present[k]) names.push_back(name(k));
    pad_range(x0, x1);
    pad_range(y0, y1);
    const Ticks xt = linear_ticks(x0, x1, false), yt = linear_ticks(y0, y1, false);
    const int legend_w = widest(names) + 44;  // the legend, right of the box
    Frame f = place_frame("save_scatter", o, xt, yt, legend_w);
    f.x0 = x0, f.x1 = x1, f.y0 = y0, f.y1 = y1;
    Canvas c(o.width, o.height);
    draw_frame(c, f, xt, yt, o);
    for (std::size_t i = 0; i < labels.size(); ++i) {  // 3x3 dots: thousands of points stay apart
        const double x = points(i, 0), y = points(i, 1);
        if (std::isfinite(x) && std::isfinite(y)) c.dot(f.px(x), f.py(y), 1, kPalette[labels[i] % 10]);
    }
    int row = 0;
    for (std::size_t k = 0; k < present.size(); ++k) {
        if (!present[k]) continue;
        const int y = f.top + 4 + row++ * 22;
        c.fill_rect(f.right + 20, y, 14, 14, kPalette[k % 10]);
        c.text(f.right + 42, y, name(k), kBlack, kFont);
    }
    c.save_png(path);
    figure_saved({path, o.title, axes_caption(o)});
}

// ---- matrix as a table ------------------------------------------------------------------------------
void save_matrix(const std::string& path, const xt::xarray<float>& m, const PlotOptions& o,
                 const std::vector<std::string>& row_names, const std::vector<std::string>& column_names,
                 std::size_t column_group) {
    check_size("save_matrix", o);
    if (m.dimension() != 2 || m.size() == 0)
        throw std::invalid_argument(
            fmt::format("save_matrix: expects a non-empty 2-D matrix, got shape ({})", fmt::join(m.shape(), ", ")));
    const std::size_t rows = m.shape()[0], cols = m.shape()[1];
    if ((!row_names.empty() && row_names.size() != rows) || (!column_names.empty() && column_names.size() != cols))
        throw std::invalid_argument(fmt::format("save_matrix: a ({}, {}) matrix with {} row names and {} column names",
                                                rows, cols, row_names.size(), column_names.size()));
    auto row_name = [&](std::size_t i) { return row_names.empty() ? std::to_string(i) : row_names[i]; };
    auto col_name = [&](std::size_t j) { return column_names.empty() ? std::to_string(j) : column_names[j]; };
    float largest = 0.0f;
    int widest_value = 0, widest_row = 0, widest_col = 0;
    for (std::size_t i = 0; i < rows; ++i) {
        widest_row = std::max(widest_row, Canvas::text_width(row_name(i), kFont));
        for (std::size_t j = 0; j < cols; ++j) {
            if (std::isfinite(m(i, j))) largest = std::max(largest, std::abs(m(i, j)));
            widest_value = std::max(widest_value, Canvas::text_width(fmt::format("{:g}", m(i, j)), 1));
        }
    }
    for (std::size_t j = 0; j < cols; ++j) widest_col = std::max(widest_col, Canvas::text_width(col_name(j), 1));
    auto shade = [&](float v) {  // white at 0, grey 64 at the largest |value|
        const float t = largest > 0.0f ? std::abs(v) / largest : 0.0f;
        const auto g = static_cast<std::uint8_t>(255 - std::lround(191.0f * std::min(t, 1.0f)));
        return Color{g, g, g};
    };

    // Layout, top down: title, ylabel, column names, cells, xlabel, key.
    const int left = 16 + widest_row, title_h = o.title.empty() ? 12 : 40, ylabel_h = o.ylabel.empty() ? 0 : 24;
    const int cell = std::clamp((o.width - left - 16) / static_cast<int>(cols), 12, 48);
    const int col_scale = widest_col * 2 + 6 <= cell ? kFont : 1;  // column names small when cells are narrow
    const int top = title_h + ylabel_h + Canvas::text_height(col_scale) + 8;
    const int grid_w = static_cast<int>(cols) * cell, grid_h = static_cast<int>(rows) * cell;
    const int xlabel_y = top + grid_h + 10, key_y = xlabel_y + (o.xlabel.empty() ? 0 : 28) + 4;
    const std::string key_label = "shade = absolute value:", key_hi = fmt::format("{:g}", largest);
    const int key_bar = 200, key_x = 8 + Canvas::text_width(key_label, kFont) + 10;
    const int width = std::max({left + grid_w + 16, Canvas::text_width(o.xlabel, kFont) + 16,
                                Canvas::text_width(o.ylabel, kFont) + 16, key_x + key_bar + 16,
                                std::min(o.width, Canvas::text_width(o.title, kFont) + 16)});
    Canvas c(width, key_y + 14 + Canvas::text_height(kFont) + 14);

    std::string title = o.title;  // as in draw_frame: small print, then "..." when too long
    const int title_scale = Canvas::text_width(title, kFont) <= c.width() - 16 ? kFont : 1;
    while (title.size() > 3 && Canvas::text_width(title, title_scale) > c.width() - 16)
        title = title.substr(0, title.size() - 4) + "...";
    c.text((c.width() - Canvas::text_width(title, title_scale)) / 2, 14, title, kBlack, title_scale);
    c.text(8, title_h, o.ylabel, kAxis, kFont);
    c.text(left + (grid_w - Canvas::text_width(o.xlabel, kFont)) / 2, xlabel_y, o.xlabel, kAxis, kFont);

    // The cells, their values, and the names along the edges.
    const int value_scale = widest_value * 2 + 6 <= cell ? kFont : widest_value + 4 <= cell ? 1 : 0;
    for (std::size_t i = 0; i < rows; ++i) {
        const int y = top + static_cast<int>(i) * cell;
        c.text(8, y + (cell - Canvas::text_height(kFont)) / 2, row_name(i), kAxis, kFont);
        for (std::size_t j = 0; j < cols; ++j) {
            const int x = left + static_cast<int>(j) * cell;
            const float v = m(i, j);
            const Color bg = std::isfinite(v) ? shade(v) : Color{214, 39, 40};
            c.fill_rect(x, y, cell, cell, bg);
            if (value_scale == 0) continue;
            const std::string s = fmt::format("{:g}", v);
            const Color ink = v == 0.0f ? Color{185, 185, 185} : bg.r < 140 ? kWhite : kBlack;
            c.text(x + (cell - Canvas::text_width(s, value_scale)) / 2 + 1,
                   y + (cell - Canvas::text_height(value_scale)) / 2, s, ink, value_scale);
        }
    }
    for (std::size_t j = 0; j < cols; ++j) {
        const std::string s = col_name(j);
        c.text(left + static_cast<int>(j) * cell + (cell - Canvas::text_width(s, col_scale)) / 2 + 1,
               top - 6 - Canvas::text_height(col_scale), s, kAxis, col_scale);
    }
    for (std::size_t i = 1; i < rows; ++i) c.fill_rect(left, top + static_cast<int>(i) * cell, grid_w, 1, kGrid);
    for (std::size_t j = 1; j < cols; ++j) {
        const bool group = column_group > 0 && j % column_group == 0;
        c.fill_rect(left + static_cast<int>(j) * cell - (group ? 1 : 0), top, group ? 2 : 1, grid_h,
                    group ? kAxis : kGrid);
    }
    outline(c, left - 1, top - 1, grid_w + 2, grid_h + 2, kAxis);

    // The key: a bar from white (0) to the darkest shade (the largest |value|).
    c.text(8, key_y + 1, key_label, kBlack, kFont);
    for (int k = 0; k < key_bar; ++k) c.fill_rect(key_x + k, key_y, 1, 14, shade(largest * k / (key_bar - 1)));
    outline(c, key_x - 1, key_y - 1, key_bar + 2, 16, kAxis);
    c.text(key_x, key_y + 20, "0", kAxis, kFont);
    c.text(key_x + key_bar - Canvas::text_width(key_hi, kFont), key_y + 20, key_hi, kAxis, kFont);
    c.save_png(path);
    figure_saved({path, o.title, axes_caption(o)});
}

}  // namespace io
