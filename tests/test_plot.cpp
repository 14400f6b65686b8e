// Plots decode to the requested size and show each series' or label's colour.
#include <filesystem>

#include <unistd.h>

#include "check.hpp"
#include "nn/image.hpp"
#include "nn/plot.hpp"

namespace fs = std::filesystem;

namespace {
std::string temp_path(const std::string& name) {
    return (fs::temp_directory_path() / ("plot-test-" + std::to_string(::getpid()) + "-" + name)).string();
}

// How many pixels of a PNG (read back as gray) differ from white, and whether a colour is present.
struct Pixels {
    std::size_t non_white = 0;
    std::size_t width = 0, height = 0;
};
Pixels inspect(const std::string& path) {
    const xt::xarray<float> g = nn::read_png_gray(path);
    Pixels p;
    p.height = g.shape()[0], p.width = g.shape()[1];
    for (float v : g) p.non_white += v < 0.99f;
    return p;
}
}  // namespace

TEST_CASE("a line plot has the requested size and draws its series") {
    nn::PlotOptions o;
    o.title = "loss";
    o.width = 400;
    o.height = 300;
    const std::string path = temp_path("line.png");
    nn::save_line_plot(path, {{"train", {1, 2, 3}, {0.5, 0.25, 0.125}}}, o);
    const Pixels one = inspect(path);
    CHECK(one.width == 400);
    CHECK(one.height == 300);
    nn::save_line_plot(path, {{"train", {1, 2, 3}, {0.5, 0.25, 0.125}}, {"test", {1, 2, 3}, {0.6, 0.3, 0.2}}}, o);
    const Pixels two = inspect(path);
    CHECK(two.non_white > one.non_white);  // a second curve and a legend
    o.log_y = true;
    nn::save_line_plot(path, {{"train", {1, 2, 3}, {0.5, 0.0, 0.125}}}, o);  // 0 cannot go on a log axis: skipped
    fs::remove(path);
    CHECK_THROWS_CONTAINING(nn::save_line_plot(path, {{"a", {1, 2}, {1}}}, o), "series 'a'", "2 x values", "1 y values");
    CHECK_THROWS_CONTAINING(nn::save_line_plot(path, {{"a", {1}, {std::nan("")}}}, o), "nothing to draw");
}

TEST_CASE("a scatter shows every label's colour and a legend") {
    const std::size_t n = 300;
    xt::xarray<float> pts = xt::zeros<float>({n, std::size_t{2}});
    std::vector<std::size_t> labels(n);
    for (std::size_t i = 0; i < n; ++i) labels[i] = i % 3, pts(i, 0) = float(i % 3), pts(i, 1) = float(i) / n;
    nn::PlotOptions o;
    const std::string path = temp_path("scatter.png");
    nn::save_scatter(path, pts, labels, o, {"zero", "one", "two"});
    // tab10's blue, orange and green must all appear (checked through their gray levels).
    const xt::xarray<float> g = nn::read_png_gray(path);
    fs::remove(path);
    CHECK(g.shape() == std::vector<std::size_t>{std::size_t(o.height), std::size_t(o.width)});
    // tab10 blue (31, 119, 180), orange (255, 127, 14), green (44, 160, 44) in gray (ITU-R 601 weights, as stb):
    auto gray = [](int r, int gg, int b) { return float((r * 77 + gg * 150 + b * 29) >> 8) / 255.0f; };
    for (float want : {gray(31, 119, 180), gray(255, 127, 14), gray(44, 160, 44)}) {
        bool found = false;
        for (float v : g) found = found || std::abs(v - want) < 0.5f / 255.0f;
        CHECK_MESSAGE(found, "no pixel of gray level " << want);
    }
    CHECK_THROWS_CONTAINING(nn::save_scatter(path, xt::zeros<float>({3, 3}), {0, 1, 2}, o), "save_scatter", "(3, 3)");
    CHECK_THROWS_CONTAINING(nn::save_scatter(path, xt::zeros<float>({3, 2}), {0, 1}, o), "2 labels");
}
