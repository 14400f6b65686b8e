// io/morphology.cpp: a dot dilates to a 3x3 square and the square erodes back to the dot; the
// order relations and the duality of the two; the median filter removes lone specks and keeps
// a stroke.
#include <xtensor/xview.hpp>

#include "check.hpp"
#include "io/morphology.hpp"

using namespace autograd;

TEST_CASE("dilate3x3 and erode3x3: a dot, a square, a corner") {
    xt::xarray<float> dot = xt::zeros<float>({std::size_t{1}, std::size_t{25}});  // 5x5
    dot(0, 2 * 5 + 2) = 0.8f;
    const xt::xarray<float> grown = io::dilate3x3(dot, 5, 5);
    for (std::size_t m = 0; m < 5; ++m)
        for (std::size_t c = 0; c < 5; ++c) {
            const bool inside = m >= 1 && m <= 3 && c >= 1 && c <= 3;
            CHECK(grown(0, m * 5 + c) == (inside ? 0.8f : 0.0f));
        }
    CHECK(io::erode3x3(grown, 5, 5) == dot);                   // the square erodes back to its centre
    CHECK(xt::all(xt::equal(io::erode3x3(dot, 5, 5), 0.0f)));  // a lone dot vanishes
    // At a corner the neighbourhood is cut by the border, not padded with zeros: a full image of
    // ones stays ones under erosion.
    const xt::xarray<float> full = xt::ones<float>({std::size_t{2}, std::size_t{12}});
    CHECK(io::erode3x3(full, 3, 4) == full);
    CHECK(io::dilate3x3(full, 3, 4) == full);
}

TEST_CASE("dilate3x3 and erode3x3: erosion <= x <= dilation, and erode(x) = 1 - dilate(1 - x)") {
    Generator gen(3);
    const xt::xarray<float> x = rand({20, 28 * 28}, gen).value();
    const xt::xarray<float> d = io::dilate3x3(x, 28, 28), e = io::erode3x3(x, 28, 28);
    CHECK(xt::all(e <= x));
    CHECK(xt::all(x <= d));
    check_close(e, xt::xarray<float>(1.0f - io::dilate3x3(xt::xarray<float>(1.0f - x), 28, 28)), 1e-6);
    // Each row is its own picture: dilating two images together is dilating each alone.
    const xt::xarray<float> first = xt::view(x, xt::range(0, 1), xt::all());
    CHECK(xt::view(d, xt::range(0, 1), xt::all()) == io::dilate3x3(first, 28, 28));
    CHECK_THROWS_CONTAINING(io::dilate3x3(x, 28, 27), "dilate3x3", "28x27");
}

TEST_CASE("median3x3: a lone speck vanishes, a 3-pixel-wide bar stays, the border takes the middle two") {
    // A 5x7 black picture with a white bar in columns 2-4, and one white speck at (2, 0).
    xt::xarray<float> x = xt::zeros<float>({std::size_t{1}, std::size_t{35}});  // 5x7
    for (std::size_t m = 0; m < 5; ++m)
        for (std::size_t c = 2; c <= 4; ++c) x(0, m * 7 + c) = 1.0f;
    xt::xarray<float> speckled = x;
    speckled(0, 2 * 7 + 0) = 1.0f;  // salt, two columns left of the bar
    const xt::xarray<float> y = io::median3x3(speckled, 5, 7);
    CHECK_MESSAGE(y(0, 2 * 7 + 0) == 0.0f, "the speck: expected 0, got " << y(0, 2 * 7 + 0));
    CHECK_MESSAGE(y(0, 2 * 7 + 3) == 1.0f, "the bar's centre: expected 1, got " << y(0, 2 * 7 + 3));
    // Column 1, between speck and bar, sees 4 white of 9 (in the top row 2 of 6): the median is black.
    CHECK_MESSAGE(y(0, 2 * 7 + 1) == 0.0f, "beside the bar: expected 0, got " << y(0, 2 * 7 + 1));
    // Column 2, the bar's edge: 6 white of 9 inside, 4 of 6 on the top edge: white.
    CHECK_MESSAGE(y(0, 0 * 7 + 2) == 1.0f, "the bar's top edge: expected 1, got " << y(0, 2));
    // A corner sees 4 pixels: the median of {0, 0.2, 0.4, 1} is the mean of the middle two, 0.3.
    xt::xarray<float> corner = xt::zeros<float>({std::size_t{1}, std::size_t{9}});  // 3x3
    corner(0, 0) = 0.0f, corner(0, 1) = 0.2f, corner(0, 3) = 0.4f, corner(0, 4) = 1.0f;
    CHECK_MESSAGE(std::abs(io::median3x3(corner, 3, 3)(0, 0) - 0.3f) < 1e-6f,
                  "the corner: expected 0.3, got " << io::median3x3(corner, 3, 3)(0, 0));
    CHECK_THROWS_CONTAINING(io::median3x3(x, 5, 6), "median3x3", "5x6");
}

TEST_CASE("median3x3: between erosion and dilation, and each row its own picture") {
    Generator gen(4);
    const xt::xarray<float> x = rand({10, 28 * 28}, gen).value();
    const xt::xarray<float> med = io::median3x3(x, 28, 28);
    CHECK(xt::all(io::erode3x3(x, 28, 28) <= med));
    CHECK(xt::all(med <= io::dilate3x3(x, 28, 28)));
    const xt::xarray<float> last = xt::view(x, xt::range(9, 10), xt::all());
    CHECK(xt::view(med, xt::range(9, 10), xt::all()) == io::median3x3(last, 28, 28));
}
