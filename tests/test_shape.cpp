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
