// plot.hpp: the two plots the lectures draw, as PNG files: loss curves, and 2-D points coloured
// by their label (the VAE's latent space, t-SNE maps of the digits).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

namespace nn {

struct PlotOptions {
    std::string title, xlabel, ylabel;
    bool log_y = false;  // a logarithmic y axis (losses spanning decades)
    int width = 720, height = 460;
};

// One named curve of a line plot.
struct Series {
    std::string name;
    std::vector<double> x, y;
};

// Lines through each series' points, with axes, round-numbered ticks and, for two or more
// series, a legend. Non-finite points (and, on a log axis, values <= 0) are left out.
void save_line_plot(const std::string& path, const std::vector<Series>& series, const PlotOptions& options);

// A scatter of (N, 2) points, coloured by label (ten colours, matplotlib's tab10), with a legend
// naming each label present (label_names[k], or the number k).
void save_scatter(const std::string& path, const xt::xarray<float>& points, const std::vector<std::size_t>& labels,
                  const PlotOptions& options, const std::vector<std::string>& label_names = {});

}  // namespace nn
