// plot.hpp: the plots the lectures draw, as PNG files: loss curves, 2-D points coloured by their
// label (the VAE's latent space, t-SNE maps of the digits), and a small matrix written out as a
// table of shaded cells (the convolution as a matrix, Scott slide 16).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

namespace io {

// What a plot says and how big it is; empty labels leave their room to the plot.
struct PlotOptions {
    std::string title, xlabel, ylabel;
    bool log_y = false;             // a logarithmic y axis (losses spanning decades); line plots only
    int width = 720, height = 460;  // pixels, at least 200 x 150
};

// One named curve of a line plot.
struct Series {
    std::string name;
    std::vector<double> x, y;
};

// Lines through each series' points (dots on the points too when a series has 40 or fewer), with
// axes, round-numbered ticks (whole numbers when every x is one, e.g. epochs) and, for two or more
// series, a legend in the corner of the box where it hides the least data. Non-finite points
// (and, on a log axis, y <= 0) are left out and break the line; std::invalid_argument when
// nothing is left or a series' x and y differ in length.
void save_line_plot(const std::string& path, const std::vector<Series>& series, const PlotOptions& options);

// A scatter of (N, 2) points as 3x3 dots coloured by label (matplotlib's tab10; labels past 9
// reuse its colours), with a legend right of the box naming each label present (label_names[k],
// or the number k). Non-finite points are left out; std::invalid_argument when none is left or
// the shapes disagree.
void save_scatter(const std::string& path, const xt::xarray<float>& points, const std::vector<std::size_t>& labels,
                  const PlotOptions& options, const std::vector<std::string>& label_names = {});

// A small matrix as a table of square cells, one per entry, each shaded by |value| from white (0)
// to grey 64 (the largest |value|; shade = 255 - round(191 |value| / max |value|)) and with its
// value written in it (zeros in light grey), when the cell is wide enough. Columns are named above
// the cells and rows on their left (column_names / row_names, or 0, 1, ...); options.ylabel goes
// above the row names, options.xlabel under the cells, and a key below says which shade is which
// |value|. Cells are as wide as options.width allows, at most 48 pixels; the picture is as large
// as they need. column_group > 0 draws a heavier line after every column_group columns (e.g. the
// rows of a flattened image). Non-finite entries are drawn red. std::invalid_argument when m is
// not a non-empty 2-D array or a list of names has the wrong length.
void save_matrix(const std::string& path, const xt::xarray<float>& m, const PlotOptions& options,
                 const std::vector<std::string>& row_names = {}, const std::vector<std::string>& column_names = {},
                 std::size_t column_group = 0);

}  // namespace io
