// io/image.cpp: PNG grids decode with stb_image to the expected size and pixels; a full disk; the
// errors.
#include "check.hpp"
#include "decoded_png.hpp"
#include "temp_dir.hpp"
#include "write_fault.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "io/canvas.hpp"
#include "io/image.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int kGap = 96;  // the gray between tiles
}  // namespace

// ---- grids -----------------------------------------------------------------------------------------
TEST_CASE("a grid of two 2x3 images: size, gaps, scaling, value mapping") {
    // Image 0 is a ramp 0 .. 1, image 1 is all 0.5; drawn at scale 2 with 1-pixel gaps, 2 columns.
    const xt::xarray<float> images = {{0.0f, 0.2f, 0.4f, 0.6f, 0.8f, 1.0f}, {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}};
    io::GridOptions o;
    o.columns = 2;
    o.scale = 2;
    o.gap = 1;
    TempDir tmp;
    io::save_image_grid(tmp / "grid.png", images, 2, 3, o);
    const DecodedPng d = decode_png(tmp / "grid.png");
    REQUIRE(d.w == 1 + 2 * (3 * 2 + 1));  // gap, tile, gap, tile, gap
    REQUIRE(d.h == 1 + 2 * 2 + 1);
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 3; ++c)
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {  // every pixel of image 0 is a 2x2 block of round(v * 255)
                    const int want = int(std::lround(images(0, std::size_t(r * 3 + c)) * 255.0f));
                    CHECK_MESSAGE(d.at(1 + 2 * c + dx, 1 + 2 * r + dy) == want,
                                  "image 0 pixel (" << r << ", " << c << "): expected " << want << ", got "
                                                    << d.at(1 + 2 * c + dx, 1 + 2 * r + dy));
                    CHECK(d.at(8 + 2 * c + dx, 1 + 2 * r + dy) == 128);  // image 1 = 0.5
                }
    for (int x = 0; x < d.w; ++x) CHECK(d.at(x, 0) == kGap);  // the top and bottom gaps
    for (int x = 0; x < d.w; ++x) CHECK(d.at(x, d.h - 1) == kGap);
    for (int y = 0; y < d.h; ++y) CHECK(d.at(7, y) == kGap);  // the gap between the tiles
    CHECK(d.is(0, 3, kGap, kGap, kGap));                      // and it is gray, not coloured
}

TEST_CASE("(N, H*W), (N, H, W) and (N, 1, H, W) draw the same; a short last row leaves gap colour") {
    xt::xarray<float> flat = xt::zeros<float>({3, 4});
    for (std::size_t i = 0; i < flat.size(); ++i) flat.data()[i] = float(i) / 11.0f;
    xt::xarray<float> cube = flat, planes = flat;
    cube.reshape({3, 2, 2});
    planes.reshape({3, 1, 2, 2});
    io::GridOptions o;
    o.columns = 2;  // three images in two columns: the second row has one
    o.scale = 1;
    o.gap = 2;
    TempDir tmp;
    io::save_image_grid(tmp / "flat.png", flat, 2, 2, o);
    io::save_image_grid(tmp / "cube.png", cube, 2, 2, o);
    io::save_image_grid(tmp / "planes.png", planes, 2, 2, o);
    const DecodedPng a = decode_png(tmp / "flat.png"), b = decode_png(tmp / "cube.png"),
                     c = decode_png(tmp / "planes.png");
    CHECK(a.w == 2 + 2 * (2 + 2));
    CHECK(a.h == 2 + 2 * (2 + 2));
    CHECK(a.rgb == b.rgb);
    CHECK(a.rgb == c.rgb);
    CHECK(a.at(2 + 1, 6 + 1) == int(std::lround(flat(2, 3) * 255.0f)));  // image 2, last pixel, second row
    CHECK(a.at(6, 6) == kGap);                                           // where image 3 would be
    CHECK(a.at(7, 7) == kGap);
    // More columns than images: the grid is as wide as the images.
    o.columns = 10;
    io::save_image_grid(tmp / "wide.png", flat, 2, 2, o);
    CHECK(decode_png(tmp / "wide.png").w == 2 + 3 * (2 + 2));
}

TEST_CASE("normalize_each stretches each image; [lo, hi] maps and clips; NaN is red") {
    const xt::xarray<float> weights = {{-0.3f, 0.1f}, {2.0f, -5.0f}};  // two 1x2 "images"
    io::GridOptions o;
    o.scale = 1;
    o.gap = 0;
    o.normalize_each = true;
    TempDir tmp;
    io::save_image_grid(tmp / "norm.png", weights, 1, 2, o);
    DecodedPng d = decode_png(tmp / "norm.png");
    CHECK(d.at(0, 0) == 0);
    CHECK(d.at(1, 0) == 255);
    CHECK(d.at(2, 0) == 255);
    CHECK(d.at(3, 0) == 0);
    o.normalize_each = false;
    io::save_image_grid(tmp / "clip.png", weights, 1, 2, o);
    d = decode_png(tmp / "clip.png");
    CHECK(d.at(0, 0) == 0);    // -0.3 clipped to 0
    CHECK(d.at(1, 0) == 26);   // 0.1 -> 25.5, rounded
    CHECK(d.at(2, 0) == 255);  // 2.0 clipped to 1
    o.lo = -1.0f;              // a symmetric range: 0 is mid-gray
    o.hi = 1.0f;
    io::save_image_grid(tmp / "sym.png", xt::xarray<float>{{0.0f, -1.0f, 0.5f}}, 1, 3, o);
    d = decode_png(tmp / "sym.png");
    CHECK(d.at(0, 0) == 128);
    CHECK(d.at(1, 0) == 0);
    CHECK(d.at(2, 0) == 191);
    const float nan = std::nanf("");
    o.normalize_each = true;  // the NaN is also left out of the image's range
    io::save_image_grid(tmp / "nan.png", xt::xarray<float>{{nan, 1.0f, 3.0f}}, 1, 3, o);
    d = decode_png(tmp / "nan.png");
    CHECK(d.is(0, 0, 255, 0, 0));
    CHECK(d.at(1, 0) == 0);
    CHECK(d.at(2, 0) == 255);
}

TEST_CASE("image rows: one labelled row per entry, as wide as the longest row") {
    const xt::xarray<float> a = xt::zeros<float>({4, 1, 28, 28}), b = xt::ones<float>({3, 28, 28});
    io::GridOptions o;
    o.scale = 1;
    TempDir tmp;
    io::save_image_rows(tmp / "rows.png", {{"original", a}, {"noisy", b}}, 28, 28, o);
    const DecodedPng d = decode_png(tmp / "rows.png");
    CHECK(d.h == 2 * (28 + 2) + 2);
    const int left = io::Canvas::text_width("original", 2) + 16;
    CHECK(d.w == left + 4 * (28 + 2) + 2);
    int dark = 0;  // the label "original" is drawn in black on white, left of its row
    for (int x = 0; x < left; ++x)
        for (int y = 0; y < 30; ++y) dark += d.at(x, y) == 0;
    CHECK(dark > 20);
    CHECK(d.at(left + 2 + 5, 2 + 5) == 0);         // first row: zeros
    CHECK(d.at(left + 2 + 5, 30 + 2 + 5) == 255);  // second row, first image: ones
    CHECK(d.at(left, 30 + 2 + 5) == kGap);         // the gap before it
    CHECK(d.at(d.w - 5, 30 + 2 + 5) == 255);       // the shorter row ends in white, not gap colour
    CHECK(d.at(d.w - 5, 30 + 2 + 5, 2) == 255);
    o.scale = 3;  // scaled tiles
    io::save_image_rows(tmp / "rows3.png", {{"x", a}}, 28, 28, o);
    CHECK(decode_png(tmp / "rows3.png").h == 28 * 3 + 2 * 2);
}

TEST_CASE("a title puts a band of text above the tiles, widening the picture when it is longer") {
    const xt::xarray<float> a = xt::ones<float>({2, 28, 28});
    io::GridOptions o;
    o.scale = 1;
    o.title = "A rather long title for two small digits";
    TempDir tmp;
    const int band = io::Canvas::text_height(2) + 16;
    for (const bool rows : {false, true}) {
        INFO((rows ? "save_image_rows" : "save_image_grid"));
        if (rows)
            io::save_image_rows(tmp / "t.png", {{"x", a}}, 28, 28, o);
        else
            io::save_image_grid(tmp / "t.png", a, 28, 28, o);
        const DecodedPng d = decode_png(tmp / "t.png");
        const int left = rows ? io::Canvas::text_width("x", 2) + 16 : 0;
        CHECK(d.h == band + 28 + 2 * 2);
        CHECK(d.w == io::Canvas::text_width(o.title, 2) + 16);  // the title is wider than the tiles
        int dark = 0;                                           // the title, black on white, in its band
        for (int x = 0; x < d.w; ++x)
            for (int y = 0; y < band; ++y) dark += d.at(x, y) == 0;
        CHECK(dark > 100);
        CHECK(d.at(left + 2 + 5, band + 2 + 5) == 255);  // the first tile starts below the band
        CHECK(d.at(left + 1, band + 2 + 5) == kGap);
    }
}

TEST_CASE("a caption and a grey scale key go below the tiles: a bar from black to white, its ends labelled") {
    const xt::xarray<float> a = xt::ones<float>({2, 28, 28});
    io::GridOptions o;
    o.scale = 1;
    o.lo = -1.0f, o.hi = 3.0f;
    o.caption = "columns: two digits";
    o.scale_key = "pixel value";
    TempDir tmp;
    const int line = io::Canvas::text_height(2) + 12, tiles = 28 + 2 * 2;
    for (const bool rows : {false, true}) {
        INFO((rows ? "save_image_rows" : "save_image_grid"));
        if (rows)
            io::save_image_rows(tmp / "k.png", {{"x", a}}, 28, 28, o);
        else
            io::save_image_grid(tmp / "k.png", a, 28, 28, o);
        const DecodedPng d = decode_png(tmp / "k.png");
        CHECK(d.h == tiles + line + 14 + 2 * line);  // the caption, the key's name, the bar, its end values
        CHECK(d.w >= 256 + 16);                      // the bar is 256 pixels wide
        const int bar = tiles + 2 * line + 7;        // a row through the middle of the bar
        CHECK(d.at(8, bar) == 0);                    // black at the left end
        CHECK(d.at(8 + 255, bar) == 255);            // white at the right end
        CHECK(d.at(8 + 128, bar) == doctest::Approx(128).epsilon(0.02));
        int dark = 0;  // text below the bar: the end values
        for (int x = 0; x < d.w; ++x)
            for (int y = tiles + 2 * line + 14; y < d.h; ++y) dark += d.at(x, y) == 0;
        CHECK(dark > 20);
    }
    // Without either, nothing is added below the tiles.
    io::save_image_grid(tmp / "plain.png", a, 28, 28, io::GridOptions{});
    CHECK(decode_png(tmp / "plain.png").h == 2 * 28 + 2 * 2);
}

// ---- a full disk -------------------------------------------------------------------------------------
TEST_CASE("on a full disk save_png and the grids fail naming the file and the reason, and the old PNG stays") {
    TempDir tmp;
    const std::string path = tmp / "grid.png";
    io::save_image_grid(path, xt::zeros<float>({4, 28, 28}), 28, 28);
    const std::string good = read_bytes(path);
    // Noise does not compress: its grid is far larger than the 4 kB the child may write.
    autograd::Generator gen(19);
    const xt::xarray<float> noise = autograd::rand<float>({16, 28, 28}, gen).value();
    const std::string reason = file_too_large();
    const std::string grid_error = error_on_full_disk(4096, [&] { io::save_image_grid(path, noise, 28, 28); });
    const std::string rows_error = error_on_full_disk(4096, [&] { io::save_image_rows(path, {{"n", noise}}, 28, 28); });
    for (const std::string& message : {grid_error, rows_error}) {
        CHECK(message == path + ": cannot write: " + reason);
        CHECK(occurrences(message, "grid.png") == 1);
    }
    CHECK(read_bytes(path) == good);
    CHECK(names_in(tmp.path) == std::set<std::string>{"grid.png"});
    // The same write with room for it goes through.
    CHECK(error_on_full_disk(1 << 22, [&] { io::save_image_grid(path, noise, 28, 28); }) == "(no exception)");
    CHECK(read_bytes(path) != good);
    CHECK(names_in(tmp.path) == std::set<std::string>{"grid.png"});
}

// ---- errors ------------------------------------------------------------------------------------------
TEST_CASE("errors name the function, the shapes and the path") {
    TempDir tmp;
    CHECK_THROWS_CONTAINING(io::save_image_grid(tmp / "x.png", xt::zeros<float>({2, 700}), 28, 28), "save_image_grid",
                            "(2, 700)", "28x28");
    CHECK_THROWS_CONTAINING(io::save_image_grid(tmp / "x.png", xt::zeros<float>({2, 28, 27}), 28, 28), "(2, 28, 27)");
    CHECK_THROWS_CONTAINING(io::save_image_grid(tmp / "x.png", xt::zeros<float>({2, 3, 28, 28}), 28, 28),
                            "(2, 3, 28, 28)");
    CHECK_THROWS_CONTAINING(io::save_image_rows(tmp / "x.png", {{"noisy", xt::zeros<float>({2, 783})}}, 28, 28),
                            "save_image_rows", "row 'noisy'", "(2, 783)");
    CHECK_THROWS_CONTAINING(io::save_image_rows(tmp / "x.png", {}, 28, 28), "no rows");
    io::GridOptions bad;
    bad.columns = 0;
    CHECK_THROWS_CONTAINING(io::save_image_grid(tmp / "x.png", xt::zeros<float>({1, 4}), 2, 2, bad), "columns");
    bad.columns = 1;
    bad.lo = bad.hi = 0.5f;
    CHECK_THROWS_CONTAINING(io::save_image_grid(tmp / "x.png", xt::zeros<float>({1, 4}), 2, 2, bad), "[0.5, 0.5]");
    const std::string unwritable = tmp / "no/such/folder/x.png";
    CHECK_THROWS_CONTAINING(io::save_image_grid(unwritable, xt::zeros<float>({1, 4}), 2, 2), unwritable.c_str());
    CHECK_FALSE(fs::exists(tmp / "x.png"));  // nothing was written by the failed calls
}

TEST_CASE("an option out of range, or a picture too large to draw, is an error naming it before anything is drawn") {
    TempDir tmp;
    const xt::xarray<float> digits = xt::zeros<float>({16, 784});
    io::GridOptions o;
    o.scale = 1 << 20;  // 105 TB of pixels, were it drawn
    CHECK_THROWS_CONTAINING(io::save_image_grid(tmp / "x.png", digits, 28, 28, o), "save_image_grid",
                            "GridOptions.scale = 1048576", "at most 64");
    CHECK_THROWS_CONTAINING(io::save_image_rows(tmp / "x.png", {{"a", digits}}, 28, 28, o), "save_image_rows",
                            "GridOptions.scale");
    o.scale = 2;
    o.gap = std::size_t{1} << 40;
    CHECK_THROWS_CONTAINING(io::save_image_grid(tmp / "x.png", digits, 28, 28, o), "GridOptions.gap");
    // Every option in range, but 16 columns of 28 x 64 = 1,792 pixels: 28,706 pixels wide.
    o.gap = 2;
    o.scale = 64;
    o.columns = 16;
    CHECK_THROWS_CONTAINING(io::save_image_grid(tmp / "x.png", digits, 28, 28, o), "16 x 1 tiles of 28 x 28",
                            "28706 x 1796 pixels", "more than 16384");
    CHECK_THROWS_CONTAINING(io::save_image_rows(tmp / "x.png", {{"a", digits}}, 28, 28, o), "save_image_rows",
                            "more than 16384");
    CHECK(!std::filesystem::exists(tmp / "x.png"));
    // One step inside the bound draws: 9 columns are 9 x 1,794 + 2 = 16,148 pixels.
    o.columns = 9;
    CHECK_NOTHROW(io::save_image_grid(tmp / "x.png", xt::zeros<float>({9, 784}), 28, 28, o));
    CHECK_THROWS_CONTAINING(io::Canvas(io::Canvas::kMaxSide + 1, 1), "more than 16384 pixels on a side");
    CHECK_NOTHROW(io::Canvas(io::Canvas::kMaxSide, 1));
}
