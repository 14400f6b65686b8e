// shape.cpp: shapes as text, NumPy broadcasting, axis lists, and the errors every op raises
// through them, which name the op and the shapes.
#include "check.hpp"

using namespace autograd;

TEST_CASE("shapes print as NumPy prints them; broadcasting follows NumPy's rules") {
    CHECK(shape_str({2, 3}) == "(2, 3)");
    CHECK(shape_str({4}) == "(4,)");
    CHECK(shape_str({}) == "()");
    CHECK(numel({2, 3, 4}) == 24);
    CHECK(numel({}) == 1);
    for (const auto& [a, b, expected] : std::vector<std::tuple<Shape, Shape, Shape>>{{{3, 1}, {1, 4}, {3, 4}},
                                                                                     {{2, 3}, {3}, {2, 3}},
                                                                                     {{}, {2, 3}, {2, 3}},
                                                                                     {{4, 1, 3}, {2, 1}, {4, 2, 3}},
                                                                                     {{1, 4}, {0, 1}, {0, 4}}}) {
        CAPTURE(shape_str(a));
        CAPTURE(shape_str(b));
        CHECK(broadcast_shapes("test", a, b) == expected);
        CHECK(broadcast_shapes("test", b, a) == expected);
    }
}

TEST_CASE("axis lists: negative axes count from the end, sorted, each once") {
    CHECK(normalize_axes("test", {-1, 0}, 3) == std::vector<std::size_t>{0, 2});
    CHECK(normalize_axis("test", -3, 3) == 0);
    CHECK_THROWS_CONTAINING(normalize_axis("sum", 3, 3), "sum", "axis 3", "rank 3");
    CHECK_THROWS_CONTAINING(normalize_axes("mean", {1, -2}, 3), "mean", "twice");
}

TEST_CASE("broadcasting errors name the op and both shapes") {
    CHECK_THROWS_CONTAINING(ones({2, 3}) + ones({4}), "add: cannot broadcast (2, 3) with (4,)");
    CHECK_THROWS_CONTAINING(ones({2, 3}) - ones({3, 2}), "sub", "(2, 3)", "(3, 2)");
    CHECK_THROWS_CONTAINING(ones({2, 3}) * ones({2, 2}), "mul", "(2, 3)", "(2, 2)");
    CHECK_THROWS_CONTAINING(ones({5}) / ones({2}), "div", "(5,)", "(2,)");
    CHECK_THROWS_CONTAINING(autograd::where(xt::xarray<bool>{true, false, true}, ones({2}), ones({2})), "where", "(3,)",
                            "(2,)");
    CHECK_THROWS_CONTAINING(broadcast_to(ones({3}), {2, 4}), "broadcast_to", "(3,)", "(2, 4)");
    CHECK_THROWS_CONTAINING(broadcast_to(ones({2, 3}), {3}), "broadcast_to", "(2, 3)", "(3,)");
    CHECK_THROWS_CONTAINING(sum_to(ones({2, 3}), {4}), "sum_to", "(2, 3)", "(4,)");
}

// ---- sizes that cannot wrap around ------------------------------------------------------------
namespace {
constexpr std::size_t k2_40 = std::size_t{1} << 40;
}  // namespace

TEST_CASE("checked_add and checked_mul: exact up to 2^63 - 1, a ShapeError one step past it") {
    CHECK(kMaxSize == std::size_t{PTRDIFF_MAX});
    CHECK(checked_add("test", "the sum", kMaxSize - 1, 1) == kMaxSize);
    CHECK_SHAPE_ERROR(checked_add("test", "the sum", kMaxSize, 1),
                      "test: the sum overflows (9223372036854775807 + 1 > 2^63 - 1)");
    CHECK_SHAPE_ERROR(checked_add("test", "the sum", SIZE_MAX, 2), "test: the sum overflows");  // wraps to 1 in 64 bits
    const std::size_t k2_62 = std::size_t{1} << 62;
    CHECK(checked_mul("test", "the product", k2_62 - 1, 2) == kMaxSize - 1);
    CHECK(checked_mul("test", "the product", 0, SIZE_MAX) == 0);
    CHECK_SHAPE_ERROR(checked_mul("test", "the product", k2_62, 2),
                      "test: the product overflows (4611686018427387904 x 2 > 2^63 - 1)");
    CHECK_SHAPE_ERROR(checked_mul("test", "the product", std::size_t{1} << 32, std::size_t{1} << 32),
                      "overflows");  // wraps to 0
}

TEST_CASE("checked_numel: the count, refused when it overflows or needs more than 2^62 bytes") {
    CHECK(checked_numel("test", {2, 3, 4}, 4) == 24);
    CHECK(checked_numel("test", {}, 4) == 1);
    CHECK(checked_numel("test", {0, 3}, 4) == 0);
    // 2^60 floats are exactly 2^62 bytes; one more is past the limit.
    CHECK(checked_numel("test", {std::size_t{1} << 60}, 4) == std::size_t{1} << 60);
    CHECK_SHAPE_ERROR(checked_numel("test", {(std::size_t{1} << 60) + 1}, 4), "test: shape (1152921504606846977,)",
                      "exceed the 2^62 bytes");
    CHECK(checked_numel("test", {std::size_t{1} << 59}, 8) == std::size_t{1} << 59);
    CHECK_SHAPE_ERROR(checked_numel("test", {(std::size_t{1} << 59) + 1}, 8), "exceed the 2^62 bytes");
    CHECK_SHAPE_ERROR(checked_numel("test", {k2_40, k2_40}, 4),
                      "test: shape (1099511627776, 1099511627776) has more elements than fit in memory",
                      "the count overflows");
    // 2^32 x 2^32 x 2 wraps to 0 in 64 bits: still an overflow.
    CHECK_SHAPE_ERROR(checked_numel("test", {std::size_t{1} << 32, std::size_t{1} << 32, 2}, 1), "the count overflows");
    // An empty axis makes the count 0, but xtensor's strides still multiply the other sizes.
    CHECK_SHAPE_ERROR(checked_numel("test", {0, k2_40, k2_40}, 4), "test: shape (0, 1099511627776, 1099511627776)");
}

TEST_CASE("factories refuse a shape too large to hold, naming themselves and the shape") {
    Generator gen(1);
    CHECK_SHAPE_ERROR(zeros({k2_40, k2_40}),
                      "zeros: shape (1099511627776, 1099511627776) has more elements than fit in memory");
    CHECK_SHAPE_ERROR(ones({k2_40, k2_40}), "ones: shape (1099511627776, 1099511627776)");
    CHECK_SHAPE_ERROR(full({k2_40, k2_40}, 2.0), "full: shape (1099511627776, 1099511627776)");
    CHECK_SHAPE_ERROR(randn({k2_40, k2_40}, gen), "randn: shape (1099511627776, 1099511627776)");
    CHECK_SHAPE_ERROR(rand({k2_40, k2_40}, gen), "rand: shape (1099511627776, 1099511627776)");
    CHECK_SHAPE_ERROR(uniform({k2_40, k2_40}, -1, 1, gen), "uniform: shape (1099511627776, 1099511627776)");
    // Not an overflow, but 2^63 bytes: refused before allocating, not a std::bad_alloc.
    CHECK_SHAPE_ERROR(zeros({std::size_t{1} << 61}), "zeros: shape (2305843009213693952,)", "exceed the 2^62 bytes");
    CHECK_SHAPE_ERROR(zeros<double>({std::size_t{1} << 60}), "zeros", "8 bytes exceed the 2^62 bytes");
    // (2^64 - 1)^2 wraps to 1 in 64 bits, which one value would "fill".
    CHECK_SHAPE_ERROR(tensor({1.0}, {SIZE_MAX, SIZE_MAX}),
                      "tensor: shape (18446744073709551615, 18446744073709551615)");
    CHECK(zeros({0, 3}).size() == 0);
}

TEST_CASE("ops whose output shape multiplies or adds sizes refuse one that overflows") {
    // The same wrap to 1 must not pass reshape's "same number of elements" check.
    CHECK_SHAPE_ERROR(reshape(ones({1}), {SIZE_MAX, SIZE_MAX}),
                      "reshape: shape (18446744073709551615, 18446744073709551615)");
    // Empty inputs can broadcast, or multiply, to a shape whose strides overflow.
    CHECK_SHAPE_ERROR(zeros({0, k2_40, 1}) + zeros({0, 1, k2_40}), "add: shape (0, 1099511627776, 1099511627776)");
    CHECK_SHAPE_ERROR(broadcast_to(zeros({0, 1, k2_40}), {0, k2_40, k2_40}),
                      "broadcast_to: shape (0, 1099511627776, 1099511627776)");
    CHECK_SHAPE_ERROR(matmul(zeros({k2_40, 0}), zeros({0, k2_40})), "matmul: shape (1099511627776, 1099511627776)");
    // Sixteen empty (2^60, 0) parts join to 2^64 rows, which wraps to 0.
    const Tensor part = zeros({std::size_t{1} << 60, 0});
    CHECK_SHAPE_ERROR(concat(std::vector<Tensor>(16, part), 0), "concat: the joined axis overflows");
    // start + length wraps to 1, inside a (4,) tensor.
    CHECK_SHAPE_ERROR(narrow(ones({4}), 0, SIZE_MAX, 2),
                      "narrow: slab [18446744073709551615, 18446744073709551615 + 2)");
}

TEST_CASE("thousands groups a count's digits by three") {
    CHECK(thousands(0) == "0");
    CHECK(thousands(999) == "999");
    CHECK(thousands(1000) == "1,000");
    CHECK(thousands(41230) == "41,230");
    CHECK(thousands(60000) == "60,000");
    CHECK(thousands(1234567) == "1,234,567");
}
