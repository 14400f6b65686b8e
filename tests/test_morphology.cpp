// nn/morphology.cpp: a dot dilates to a 3x3 square and the square erodes back to the dot; the
// order relations and the duality of the two.
#include <xtensor/xview.hpp>

#include "check.hpp"
#include "nn/morphology.hpp"

using namespace autograd;

TEST_CASE("dilate3x3 and erode3x3: a dot, a square, a corner") {
    xt::xarray<float> dot = xt::zeros<float>({std::size_t{1}, std::size_t{25}});  // 5x5
    dot(0, 2 * 5 + 2) = 0.8f;
    const xt::xarray<float> grown = nn::dilate3x3(dot, 5, 5);
    for (std::size_t m = 0; m < 5; ++m)
        for (std::size_t c = 0; c < 5; ++c) {
            const bool inside = m >= 1 && m <= 3 && c >= 1 && c <= 3;
            CHECK(grown(0, m * 5 + c) == (inside ? 0.8f : 0.0f));
        }
    CHECK(nn::erode3x3(grown, 5, 5) == dot);                   // the square erodes back to its centre
    CHECK(xt::all(xt::equal(nn::erode3x3(dot, 5, 5), 0.0f)));  // a lone dot vanishes
    // At a corner the neighbourhood is cut by the border, not padded with zeros: a full image of
    // ones stays ones under erosion.
    const xt::xarray<float> full = xt::ones<float>({std::size_t{2}, std::size_t{12}});
    CHECK(nn::erode3x3(full, 3, 4) == full);
    CHECK(nn::dilate3x3(full, 3, 4) == full);
}

TEST_CASE("dilate3x3 and erode3x3: erosion <= x <= dilation, and erode(x) = 1 - dilate(1 - x)") {
    Generator gen(3);
    const xt::xarray<float> x = rand({20, 28 * 28}, gen).value();
    const xt::xarray<float> d = nn::dilate3x3(x, 28, 28), e = nn::erode3x3(x, 28, 28);
    CHECK(xt::all(e <= x));
    CHECK(xt::all(x <= d));
    check_close(e, xt::xarray<float>(1.0f - nn::dilate3x3(xt::xarray<float>(1.0f - x), 28, 28)), 1e-6);
    // Each row is its own picture: dilating two images together is dilating each alone.
    const xt::xarray<float> first = xt::view(x, xt::range(0, 1), xt::all());
    CHECK(xt::view(d, xt::range(0, 1), xt::all()) == nn::dilate3x3(first, 28, 28));
    CHECK_THROWS_CONTAINING(nn::dilate3x3(x, 28, 27), "dilate3x3", "28x27");
}
