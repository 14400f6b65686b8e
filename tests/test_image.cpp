// PNG grids decode with stb_image to the expected size and pixels; reading and resizing.
#include <filesystem>

#include <unistd.h>

#include "check.hpp"
#include "nn/image.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include <stb/stb_image.h>  // declarations only: the implementation is in nn/image.cpp
#pragma GCC diagnostic pop

namespace fs = std::filesystem;

namespace {
struct Decoded {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;
    unsigned char at(int x, int y, int ch = 0) const { return rgb[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 3 + std::size_t(ch)]; }
};

Decoded decode(const std::string& path) {
    Decoded d;
    int channels = 0;
    unsigned char* data = stbi_load(path.c_str(), &d.w, &d.h, &channels, 3);
    REQUIRE_MESSAGE(data != nullptr, "stb_image cannot decode " << path);
    d.rgb.assign(data, data + std::size_t(d.w) * std::size_t(d.h) * 3);
    stbi_image_free(data);
    return d;
}

std::string temp_path(const std::string& name) {
    return (fs::temp_directory_path() / ("image-test-" + std::to_string(::getpid()) + "-" + name)).string();
}
}  // namespace

TEST_CASE("a grid of two 2x3 images: size, gaps, scaling, value mapping") {
    // Image 0 is a ramp 0 .. 1, image 1 is all 0.5; drawn at scale 2 with 1-pixel gaps, 2 columns.
    xt::xarray<float> images = {{0.0f, 0.2f, 0.4f, 0.6f, 0.8f, 1.0f}, {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}};
    nn::GridOptions o;
    o.columns = 2;
    o.scale = 2;
    o.gap = 1;
    const std::string path = temp_path("grid.png");
    nn::save_image_grid(path, images, 2, 3, o);
    const Decoded d = decode(path);
    fs::remove(path);
    CHECK(d.w == 1 + 2 * (3 * 2 + 1));  // gap, tile, gap, tile, gap
    CHECK(d.h == 1 + 2 * 2 + 1);
    CHECK(d.at(0, 0) == 96);                  // the gap colour
    CHECK(d.at(1, 1) == 0);                   // image 0, pixel (0, 0) = 0.0
    CHECK(d.at(2, 2) == 0);                   // the same pixel, scaled 2x2
    CHECK(d.at(1 + 2 * 2, 1 + 2) == 255);     // image 0, pixel (1, 2) = 1.0
    CHECK(d.at(1 + 2, 1) == 51);              // image 0, pixel (0, 1) = 0.2 -> 51
    CHECK(d.at(7, 1) == 96);                  // the gap between the tiles
    CHECK(d.at(8, 1) == 128);                 // image 1 = 0.5 -> 128
}

TEST_CASE("normalize_each stretches each image to black..white; values outside [lo, hi] are clipped") {
    xt::xarray<float> weights = {{-0.3f, 0.1f}, {2.0f, -5.0f}};  // two 1x2 "images"
    nn::GridOptions o;
    o.scale = 1;
    o.gap = 0;
    o.normalize_each = true;
    const std::string path = temp_path("norm.png");
    nn::save_image_grid(path, weights, 1, 2, o);
    Decoded d = decode(path);
    CHECK(d.at(0, 0) == 0);
    CHECK(d.at(1, 0) == 255);
    CHECK(d.at(2, 0) == 255);
    CHECK(d.at(3, 0) == 0);
    o.normalize_each = false;
    nn::save_image_grid(path, weights, 1, 2, o);
    d = decode(path);
    fs::remove(path);
    CHECK(d.at(0, 0) == 0);    // -0.3 clipped to 0
    CHECK(d.at(1, 0) == 26);   // 0.1
    CHECK(d.at(2, 0) == 255);  // 2.0 clipped to 1
}

TEST_CASE("image rows: one row per entry, labelled, as wide as the longest row") {
    const xt::xarray<float> a = xt::zeros<float>({4, 1, 28, 28}), b = xt::ones<float>({3, 28, 28});
    nn::GridOptions o;
    o.scale = 1;
    const std::string path = temp_path("rows.png");
    nn::save_image_rows(path, {{"original", a}, {"noisy", b}}, 28, 28, o);
    const Decoded d = decode(path);
    fs::remove(path);
    CHECK(d.h == 2 * (28 + 2) + 2);
    const int label_w = nn::Canvas::text_width("original", 2) + 16;
    CHECK(d.w == label_w + 4 * (28 + 2) + 2);
    bool dark_text = false;  // the label is drawn in black on white
    for (int x = 0; x < label_w; ++x)
        for (int y = 0; y < 30; ++y) dark_text = dark_text || d.at(x, y) == 0;
    CHECK(dark_text);
    CHECK(d.at(label_w + 2 + 5, 30 + 2 + 5) == 255);  // second row, first image: all ones
}

TEST_CASE("read_png_gray reads back what was written; resize_gray averages") {
    xt::xarray<float> img = xt::zeros<float>({1, 4 * 6});
    for (std::size_t i = 0; i < 24; ++i) img(0, i) = float(i % 6) / 5.0f;
    nn::GridOptions o;
    o.scale = 1;
    o.gap = 0;
    const std::string path = temp_path("read.png");
    nn::save_image_grid(path, img, 4, 6, o);
    const xt::xarray<float> back = nn::read_png_gray(path);
    fs::remove(path);
    REQUIRE(back.shape() == std::vector<std::size_t>{4, 6});
    for (std::size_t c = 0; c < 6; ++c) CHECK(back(2, c) == doctest::Approx(c / 5.0).epsilon(0.01));
    const xt::xarray<float> half = nn::resize_gray(back, 2, 3);
    CHECK(half(0, 0) == doctest::Approx((back(0, 0) + back(0, 1)) / 2).epsilon(1e-5));
    const xt::xarray<float> big = nn::resize_gray(xt::xarray<float>{{0.0f, 1.0f}}, 1, 4);
    check_close(big, xt::xarray<float>{{0.0f, 0.25f, 0.75f, 1.0f}}, 1e-6);
}

TEST_CASE("errors name the function, the shapes and the path") {
    CHECK_THROWS_CONTAINING(nn::save_image_grid(temp_path("x.png"), xt::zeros<float>({2, 700}), 28, 28), "save_image_grid",
                            "(2, 700)", "28x28");
    CHECK_THROWS_CONTAINING(nn::save_image_grid("/proc/no/such/x.png", xt::zeros<float>({1, 4}), 2, 2), "/proc/no/such/x.png");
    CHECK_THROWS_CONTAINING(nn::read_png_gray(temp_path("missing.png")), "read_png_gray", "missing.png");
    CHECK_THROWS_CONTAINING(nn::save_image_rows(temp_path("x.png"), {}, 28, 28), "no rows");
}
