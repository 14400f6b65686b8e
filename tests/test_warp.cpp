// io/warp.cpp: the identity warp leaves a picture alone, a whole-pixel shift moves it, a quarter
// turn is a transpose-and-flip, a zoom spreads the ink, and random_affine draws its warps from the
// seed within their ranges; a warp that is not a number is refused.
#include <cmath>

#include <xtensor/xview.hpp>

#include "check.hpp"
#include "io/warp.hpp"

using namespace autograd;

namespace {
// A 7x9 picture of distinct values (rows 7, columns 9), one row per image.
xt::xarray<float> ramp() {
    xt::xarray<float> x = xt::zeros<float>({std::size_t{1}, std::size_t{63}});
    for (std::size_t i = 0; i < 63; ++i) x(0, i) = static_cast<float>(i + 1);
    return x;
}
}  // namespace

TEST_CASE("affine_warp: identity, whole-pixel shifts, a quarter turn") {
    const xt::xarray<float> x = ramp();
    CHECK(io::affine_warp(x, 7, 9, {io::Affine{}}) == x);
    // Shifted down 1 and left 2: output (m, c) reads input (m - 1, c + 2), 0 where that is outside.
    io::Affine shift;
    shift.shift_row = 1.0;
    shift.shift_col = -2.0;
    const xt::xarray<float> moved = io::affine_warp(x, 7, 9, {shift});
    for (std::size_t m = 0; m < 7; ++m)
        for (std::size_t c = 0; c < 9; ++c) {
            const bool inside = m >= 1 && c + 2 < 9;
            CHECK(moved(0, m * 9 + c) == doctest::Approx(inside ? x(0, (m - 1) * 9 + c + 2) : 0.0f));
        }
    // A quarter turn counter-clockwise of a square 5x5 picture: the right column becomes the top row
    // (output (m, c) reads input (c, 4 - m)).
    xt::xarray<float> sq = xt::zeros<float>({std::size_t{1}, std::size_t{25}});
    for (std::size_t i = 0; i < 25; ++i) sq(0, i) = static_cast<float>(i);
    io::Affine quarter;
    quarter.rotation = std::acos(-1.0) / 2.0;
    const xt::xarray<float> turned = io::affine_warp(sq, 5, 5, {quarter});
    for (std::size_t m = 0; m < 5; ++m)
        for (std::size_t c = 0; c < 5; ++c)
            CHECK(turned(0, m * 5 + c) == doctest::Approx(sq(0, c * 5 + 4 - m)).epsilon(1e-5));
}

TEST_CASE("affine_warp: a half-pixel shift averages neighbours; a zoom by s spreads the ink over s^2 the area") {
    xt::xarray<float> dot = xt::zeros<float>({std::size_t{1}, std::size_t{81}});  // 9x9
    dot(0, 4 * 9 + 4) = 1.0f;
    io::Affine half;
    half.shift_col = 0.5;
    const xt::xarray<float> smeared = io::affine_warp(dot, 9, 9, {half});
    CHECK(smeared(0, 4 * 9 + 4) == doctest::Approx(0.5));
    CHECK(smeared(0, 4 * 9 + 5) == doctest::Approx(0.5));
    CHECK(xt::sum(smeared)() == doctest::Approx(1.0));
    // A blob well inside the picture: its ink (the sum of its pixels) grows by about s^2.
    xt::xarray<float> blob = xt::zeros<float>({std::size_t{1}, std::size_t{28 * 28}});
    for (std::size_t m = 10; m < 18; ++m)
        for (std::size_t c = 11; c < 17; ++c) blob(0, m * 28 + c) = 1.0f;
    io::Affine zoom;
    zoom.scale = 1.25;
    const double grown = xt::sum(io::affine_warp(blob, 28, 28, {zoom}))();
    CHECK(grown / xt::sum(blob)() == doctest::Approx(1.25 * 1.25).epsilon(0.05));
}

TEST_CASE("random_affine: the same seed gives the same warps; each image its own; bad input named") {
    Generator g1(5), g2(5);
    xt::xarray<float> two = xt::zeros<float>({std::size_t{2}, std::size_t{28 * 28}});
    for (std::size_t m = 8; m < 20; ++m) two(0, m * 28 + 13) = two(1, m * 28 + 13) = 1.0f;  // one stroke, twice
    const xt::xarray<float> a = io::random_affine(two, 28, 28, g1), b = io::random_affine(two, 28, 28, g2);
    CHECK(a == b);
    CHECK(xt::view(a, 0, xt::all()) != xt::view(a, 1, xt::all()));  // two draws, two warps
    // With every range 0 the warp is the identity.
    Generator g3(5);
    CHECK(io::random_affine(two, 28, 28, g3, io::AffineRange{0.0, 0.0, 0.0}) == two);
    CHECK_THROWS_CONTAINING(io::affine_warp(two, 28, 27, {io::Affine{}, io::Affine{}}), "affine_warp", "28x27");
    CHECK_THROWS_CONTAINING(io::affine_warp(two, 28, 28, {io::Affine{}}), "1 warps for 2 images");
    io::Affine flat;
    flat.scale = 0.0;
    CHECK_THROWS_CONTAINING(io::affine_warp(two, 28, 28, {flat, flat}), "image 0", "positive scale");
    io::Affine lost;
    lost.rotation = std::nan("");
    CHECK_THROWS_CONTAINING(io::affine_warp(two, 28, 28, {io::Affine{}, lost}), "image 1", "finite");
}
