// Plots decode to the requested size, show each series' or label's colour where the data puts
// it, keep the legend off the data, leave nothing clipped at the edges, and refuse bad input.
#include "check.hpp"
#include "decoded_png.hpp"
#include "temp_dir.hpp"
#include "write_fault.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <xtensor/xbuilder.hpp>

#include "io/plot.hpp"

namespace fs = std::filesystem;

namespace {

// matplotlib's tab10, which the plots use in this order.
const Rgb kTab10[10] = {{31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                        {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

std::vector<double> range(int n) {
    std::vector<double> x;
    for (int i = 0; i < n; ++i) x.push_back(i);
    return x;
}
}  // namespace

// ---- line plots --------------------------------------------------------------------------------------
TEST_CASE("a line plot has the requested size and draws each series in its colour, falling left to right") {
    io::PlotOptions o;
    o.title = "loss";
    o.xlabel = "epoch";
    o.ylabel = "mse";
    o.width = 400;
    o.height = 300;
    TempDir tmp;
    const std::vector<double> x = range(30);
    std::vector<double> train, test;
    for (double e : x) train.push_back(std::exp(-e / 5)), test.push_back(1.2 * std::exp(-e / 6));
    io::save_line_plot(tmp / "one.png", {{"train", x, train}}, o);
    const DecodedPng one = decode_png(tmp / "one.png");
    CHECK(one.w == 400);
    CHECK(one.h == 300);
    const DecodedPng::Where blue = one.find(kTab10[0]);
    CHECK(blue.count > 200);
    CHECK(one.find(kTab10[1]).count == 0);  // no second series
    // The curve falls: its highest pixel (smallest y) is left of its lowest.
    int x_top = -1, x_bottom = -1;
    for (int xx = one.w - 1; xx >= 0; --xx) {  // the leftmost pixel of the curve on its top and bottom rows
        if (one.is(xx, blue.y0, kTab10[0])) x_top = xx;
        if (one.is(xx, blue.y1, kTab10[0])) x_bottom = xx;
    }
    CHECK(blue.x0 < one.w / 3);
    CHECK(x_top < x_bottom);
    CHECK(one.find({0, 0, 0}, 40, o.height - 40).count == 0);  // no legend (pure black text) for one series

    io::save_line_plot(tmp / "two.png", {{"train", x, train}, {"test", x, test}}, o);
    const DecodedPng two = decode_png(tmp / "two.png");
    CHECK(two.find(kTab10[1]).count > 200);
    CHECK(two.find({0, 0, 0}, 40, o.height - 40).count > 30);  // the legend's names
}

TEST_CASE("the legend goes where the data is not") {
    io::PlotOptions o;  // 720 x 460, no labels
    TempDir tmp;
    const std::vector<double> x = range(50);
    std::vector<double> fall_a, fall_b, rise_a, rise_b;
    for (double e : x) {
        fall_a.push_back(std::exp(-e / 8)), fall_b.push_back(1.1 * std::exp(-e / 9));
        rise_a.push_back(1 - std::exp(-e / 8)), rise_b.push_back(0.9 - 0.9 * std::exp(-e / 12));
    }
    // Legend text is the only pure black inside the box (tick labels are dark gray, the title is above).
    io::save_line_plot(tmp / "fall.png", {{"a", x, fall_a}, {"b", x, fall_b}}, o);
    const DecodedPng::Where fall = decode_png(tmp / "fall.png").find({0, 0, 0}, 40, o.height - 40);
    REQUIRE(fall.count > 0);
    CHECK(fall.mean_x > o.width / 2);  // falling curves leave the top right free
    CHECK(fall.mean_y < o.height / 2);
    io::save_line_plot(tmp / "rise.png", {{"a", x, rise_a}, {"b", x, rise_b}}, o);
    const DecodedPng::Where rise = decode_png(tmp / "rise.png").find({0, 0, 0}, 40, o.height - 40);
    REQUIRE(rise.count > 0);
    // Rising curves fill the top right: the legend goes elsewhere.
    CHECK_MESSAGE((rise.mean_x < o.width / 2 || rise.mean_y > o.height / 2),
                  "legend centred at (" << rise.mean_x << ", " << rise.mean_y << "), in the top right");
}

TEST_CASE("large, negative and tiny numbers, a long title and long names: nothing runs off the edge") {
    io::PlotOptions o;
    o.title = "a title far too long to fit across a small plot at the usual double size";
    o.xlabel = "step";
    o.ylabel = "ELBO";
    o.width = 400;
    o.height = 300;
    TempDir tmp;
    std::vector<double> x, y, tiny;
    for (int i = 0; i < 300; ++i)
        x.push_back(i * 200.0), y.push_back(-15000 + 27000 * std::exp(-i / 50.0)), tiny.push_back(1e-3 * i + 1e-7);
    io::save_line_plot(tmp / "big.png", {{"elbo", x, y}, {"a long series name", x, y}}, o);
    CHECK(decode_png(tmp / "big.png").white_border(3));
    io::save_line_plot(tmp / "tiny.png", {{"tiny", tiny, tiny}}, o);
    CHECK(decode_png(tmp / "tiny.png").white_border(3));
    o.log_y = true;
    io::save_line_plot(tmp / "log.png", {{"tiny", x, tiny}}, o);
    CHECK(decode_png(tmp / "log.png").white_border(3));
    o.width = 200;  // a legend wider than the box is cut, not an error
    io::save_line_plot(tmp / "narrow.png", {{"a name far too long for this", x, y}, {"b", x, tiny}}, o);
    CHECK(decode_png(tmp / "narrow.png").w == 200);
}

TEST_CASE("a log axis over less than a decade has grid lines below its lowest power of ten") {
    // A loss falling from 0.034 to 0.0054 (mnist_autoencoder's): with 1, 2, 5 per decade the only
    // ticks would be 0.01, 0.02 and 0.03, and the last epochs would sit below every label.
    io::PlotOptions o;
    o.log_y = true;
    TempDir tmp;
    io::save_line_plot(
        tmp / "loss.png",
        {{"loss", {1, 2, 3, 4, 5, 6, 7, 8}, {0.034, 0.012, 0.009, 0.0077, 0.0069, 0.0064, 0.006, 0.0054}}}, o);
    const DecodedPng d = decode_png(tmp / "loss.png");
    std::vector<int> grid_rows;  // rows where the light grid colour runs across most of the picture
    for (int y = 0; y < d.h; ++y) {
        int n = 0;
        for (int x = 0; x < d.w; ++x) n += d.is(x, y, {225, 225, 225});
        if (n > d.w / 2) grid_rows.push_back(y);
    }
    // 0.006 ... 0.009, 0.01, 0.02, 0.03: seven lines, four of them below 0.01.
    CHECK_MESSAGE(grid_rows.size() >= 6, grid_rows.size() << " horizontal grid lines");
    const DecodedPng::Where curve = d.find(kTab10[0]);
    REQUIRE(curve.count > 0);
    int below_curve_end = 0;  // grid lines within the curve's vertical extent: it can be read off
    for (int y : grid_rows) below_curve_end += y > curve.y0 && y < curve.y1;
    CHECK(below_curve_end >= 5);
}

TEST_CASE("line plots skip non-finite points (and y <= 0 on a log axis) and refuse bad input") {
    io::PlotOptions o;
    TempDir tmp;
    const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
    io::save_line_plot(tmp / "gaps.png", {{"a", {1, 2, 3, 4}, {0.5, nan, inf, 0.1}}}, o);
    CHECK(decode_png(tmp / "gaps.png").find(kTab10[0]).count > 0);
    o.log_y = true;
    io::save_line_plot(tmp / "log.png", {{"a", {1, 2, 3}, {0.5, 0.0, 0.125}}}, o);  // 0 cannot go on a log axis
    CHECK(decode_png(tmp / "log.png").find(kTab10[0]).count > 0);
    CHECK_THROWS_CONTAINING(io::save_line_plot(tmp / "x.png", {{"a", {1, 2}, {-1, 0}}}, o), "nothing to draw",
                            "log axis");
    o.log_y = false;
    CHECK_THROWS_CONTAINING(io::save_line_plot(tmp / "x.png", {{"a", {1, 2}, {1}}}, o), "save_line_plot", "series 'a'",
                            "2 x values", "1 y values");
    CHECK_THROWS_CONTAINING(io::save_line_plot(tmp / "x.png", {{"a", {1}, {nan}}}, o), "nothing to draw");
    CHECK_THROWS_CONTAINING(io::save_line_plot(tmp / "x.png", {}, o), "nothing to draw");
    o.width = 100;
    CHECK_THROWS_CONTAINING(io::save_line_plot(tmp / "x.png", {{"a", {1}, {1}}}, o), "100x460", "too small");
    o.width = 640;
    const std::string unwritable = tmp / "no/such/folder/x.png";
    CHECK_THROWS_CONTAINING(io::save_line_plot(unwritable, {{"a", {1}, {1}}}, o), unwritable.c_str());
    CHECK_FALSE(fs::exists(tmp / "x.png"));
}

// ---- scatters ----------------------------------------------------------------------------------------
TEST_CASE("a scatter shows every label's colour where its points are, and a legend") {
    const std::size_t n = 3000;
    xt::xarray<float> pts = xt::zeros<float>({n, std::size_t{2}});
    std::vector<std::size_t> labels(n);
    for (std::size_t i = 0; i < n; ++i) {  // ten clusters on a line, label k at x = k, y = k
        labels[i] = i % 10;
        pts(i, 0) = float(i % 10) + 0.01f * float(i % 7);
        pts(i, 1) = float(i % 10) + 0.01f * float(i % 5);
    }
    io::PlotOptions o;
    o.title = "latent space";
    TempDir tmp;
    io::save_scatter(tmp / "scatter.png", pts, labels, o);
    const DecodedPng d = decode_png(tmp / "scatter.png");
    CHECK(d.w == o.width);
    CHECK(d.h == o.height);
    double last_x = -1, last_y = 1e9;
    for (std::size_t k = 0; k < 10; ++k) {
        const DecodedPng::Where c = d.find(kTab10[k]);
        CHECK_MESSAGE(c.count > 9 + 14 * 14 - 1,
                      "label " << k << ": expected a dot and a legend swatch, got " << c.count << " pixels");
        // The dot is the leftmost pixel of that colour (the legend is right of the box): left to
        // right and bottom to top as k grows.
        CHECK_MESSAGE(c.x0 > last_x,
                      "label " << k << " starts at x = " << c.x0 << ", left of label " << k - 1 << " at " << last_x);
        int dot_y = 0;
        for (int y = 0; y < d.h; ++y) dot_y = d.is(c.x0, y, kTab10[k]) ? y : dot_y;
        CHECK_MESSAGE(dot_y < last_y,
                      "label " << k << " at y = " << dot_y << " is not above label " << k - 1 << " at " << last_y);
        last_x = c.x0, last_y = dot_y;
    }
    CHECK(d.white_border(3));
    const int legend = d.find({0, 0, 0}, 40, o.height).count;  // the names, in black
    CHECK(legend > 10 * 10);
}

TEST_CASE("scatter: only the labels present, named; long names fit; NaN skipped; bad input refused") {
    const float nan = std::nanf("");
    const xt::xarray<float> pts = {{0.0f, 0.0f}, {1.0f, 1.0f}, {nan, 2.0f}, {0.5f, 0.2f}};
    const std::vector<std::size_t> labels = {0, 2, 3, 0};  // label 3's only point is NaN; label 1 is absent
    io::PlotOptions o;
    TempDir tmp;
    io::save_scatter(tmp / "s.png", pts, labels, o, {"T-shirt/top", "Trouser", "Pullover", "Dress"});
    const DecodedPng d = decode_png(tmp / "s.png");
    CHECK(d.find(kTab10[0]).count > 0);
    CHECK(d.find(kTab10[2]).count > 0);
    CHECK(d.find(kTab10[1]).count == 0);
    CHECK(d.find(kTab10[3]).count == 0);
    CHECK(d.white_border(3));
    CHECK_THROWS_CONTAINING(io::save_scatter(tmp / "x.png", xt::zeros<float>({3, 3}), {0, 1, 2}, o), "save_scatter",
                            "(3, 3)");
    CHECK_THROWS_CONTAINING(io::save_scatter(tmp / "x.png", xt::zeros<float>({3, 2}), {0, 1}, o), "(3, 2)", "2 labels");
    const xt::xarray<float> all_nan = {{nan, 1.0f}};
    CHECK_THROWS_CONTAINING(io::save_scatter(tmp / "x.png", all_nan, {0}, o), "nothing to draw");
    CHECK_FALSE(fs::exists(tmp / "x.png"));
}

// ---- matrices as tables --------------------------------------------------------------------------------
TEST_CASE("a matrix as a table: 0 is white, 1 a light grey, the largest |value| grey 64, left to right") {
    const xt::xarray<float> m = {{0.0f, 1.0f, 9.0f}, {0.0f, -9.0f, 0.0f}};
    io::PlotOptions o;
    o.title = "C";
    o.xlabel = "input pixel";
    o.ylabel = "output pixel";
    TempDir tmp;
    io::save_matrix(tmp / "m.png", m, o, {"y0", "y1"}, {"x0", "x1", "x2"});
    const DecodedPng d = decode_png(tmp / "m.png");
    CHECK(d.white_border(3));
    const Rgb one{234, 234, 234}, nine{64, 64, 64};  // 255 - round(191 |v| / 9)
    // A row through the first row of cells: the one where grey 64 is most common (the key's bar
    // has a single column of it per row).
    int best_y = 0, best_count = 0;
    for (int y = 0; y < d.h; ++y) {
        int n = 0;
        for (int x = 0; x < d.w; ++x) n += d.is(x, y, nine);
        if (n > best_count) best_count = n, best_y = y;
    }
    const DecodedPng::Where light = d.find(one, best_y, best_y + 1), dark = d.find(nine, best_y, best_y + 1);
    REQUIRE_MESSAGE(light.count >= 12, "the cell of 1 should be grey 234, not white: " << light.count << " pixels");
    REQUIRE_MESSAGE(dark.count >= 12, "the cell of 9 should be grey 64: " << dark.count << " pixels");
    CHECK(light.x1 < dark.x0);  // the columns in order
    int white_left_of_one = 0;  // the cell of 0, left of the cell of 1, is white
    for (int x = 0; x < light.x0; ++x) white_left_of_one += d.is(x, best_y, {255, 255, 255});
    CHECK(white_left_of_one >= 12);
    // -9, one cell lower, under the 1, has the shade of 9: shading goes by |value|, the written
    // value keeps the sign.
    const int cell = light.x1 - light.x0 + 2, y = best_y + cell + cell / 4;  // a quarter into the second row
    const DecodedPng::Where minus_nine = d.find(nine, y, y + 1);
    CHECK(minus_nine.count >= 12);
    CHECK(minus_nine.x0 == light.x0);
    CHECK(d.find({0, 0, 0}).count > 20);  // the title and the key's text
}

TEST_CASE("save_matrix refuses what is not a named 2-D matrix") {
    io::PlotOptions o;
    TempDir tmp;
    CHECK_THROWS_CONTAINING(io::save_matrix(tmp / "x.png", xt::zeros<float>({3}), o), "save_matrix", "(3)");
    CHECK_THROWS_CONTAINING(io::save_matrix(tmp / "x.png", xt::zeros<float>({0, 2}), o), "non-empty");
    CHECK_THROWS_CONTAINING(io::save_matrix(tmp / "x.png", xt::zeros<float>({2, 3}), o, {"a"}), "(2, 3)",
                            "1 row names");
    CHECK_THROWS_CONTAINING(io::save_matrix(tmp / "x.png", xt::zeros<float>({2, 3}), o, {}, {"a", "b"}),
                            "2 column names");
    CHECK_FALSE(fs::exists(tmp / "x.png"));
    io::save_matrix(tmp / "zeros.png", xt::zeros<float>({2, 2}), o);  // all zero: all white, no division by 0
    CHECK(decode_png(tmp / "zeros.png").white_border(3));
}

TEST_CASE("a plot that cannot be written says why, and the old one stays") {
    TempDir tmp;
    const std::string path = tmp / "loss.png";
    io::PlotOptions o;
    io::save_line_plot(path, {{"train", {0, 1, 2}, {3.0, 2.0, 1.0}}}, o);
    const std::string good = read_bytes(path);
    const std::string message = error_on_full_disk(2048, [&] {
        io::save_line_plot(path, {{"train", {0, 1, 2}, {1.0, 2.0, 3.0}}}, o);
    });
    CHECK(message == path + ": cannot write: " + file_too_large());
    CHECK(read_bytes(path) == good);
    CHECK(names_in(tmp.path) == std::set<std::string>{"loss.png"});
}
