// ops_shape.cpp: reshape, flatten, broadcast_to / sum_to, rows / scatter_rows, concat / narrow:
// values, gradchecks in float64, errors.
#include "check.hpp"

using namespace autograd;

TEST_CASE("reshape, flatten, broadcast_to, sum_to") {
    Generator gen(111);
    const V in{rnd(gen, {2, 3, 2})};
    CHECK_GRADCHECK([](const V& x) { return reshape(x[0], {3, 4}) * reshape(x[0], {3, 4}); }, in);
    CHECK_GRADCHECK([](const V& x) { return flatten(x[0]); }, in);
    CHECK(flatten(in[0]).shape() == Shape{2, 6});
    const V col{rnd(gen, {3, 1})};
    CHECK_GRADCHECK([](const V& x) { return broadcast_to(x[0], {2, 3, 4}); }, col);
    CHECK_GRADCHECK([](const V& x) { return sum_to(x[0], {3, 1}); }, V{rnd(gen, {2, 3, 4})});
    CHECK_GRADGRADCHECK([](const V& x) { return square(sum_to(x[0], {1, 4})); }, V{rnd(gen, {2, 3, 4})});
}

TEST_CASE("rows (minibatch selection) with repeats, scatter_rows") {
    Generator gen(112);
    const V in{rnd(gen, {5, 3})};
    const std::vector<std::size_t> idx{4, 0, 4, 2};
    CHECK_GRADCHECK([idx](const V& x) { return rows(x[0], idx); }, in);
    CHECK_GRADGRADCHECK([idx](const V& x) { return square(rows(x[0], idx)); }, in);
    CHECK_GRADCHECK([idx](const V& x) { return scatter_rows(x[0], idx, 6); }, V{rnd(gen, {4, 3})});
    const Tensor64 r = rows(in[0], idx);
    CHECK(r.shape() == Shape{4, 3});
    CHECK(r.value()(1, 2) == in[0].value()(0, 2));
    // Row 4 was taken twice, so it receives two gradients.
    Tensor64 x(xt::xarray<double>(in[0].value()), true);
    sum(rows(x, idx)).backward();
    check_close(x.grad().value(), xt::xarray<double>{{1, 1, 1}, {0, 0, 0}, {1, 1, 1}, {0, 0, 0}, {2, 2, 2}});
}

TEST_CASE("concat and narrow along each axis") {
    Generator gen(113);
    const V in{rnd(gen, {2, 3}), rnd(gen, {2, 1}), rnd(gen, {2, 2})};
    CHECK_GRADCHECK([](const V& x) { return concat(x, 1); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return square(concat(x, -1)); }, in);
    CHECK(concat(in, 1).shape() == Shape{2, 6});
    CHECK(concat(in, 1).value()(1, 3) == in[1].value()(1, 0));
    CHECK_GRADCHECK([](const V& x) { return concat(x, 0); }, V{rnd(gen, {1, 3}), rnd(gen, {2, 3})});
    const V cube{rnd(gen, {3, 4, 2})};
    for (long axis : {0L, 1L, 2L}) {
        CAPTURE(axis);
        CHECK_GRADCHECK([axis](const V& x) { return narrow(x[0], axis, 1, 2 - (axis == 2 ? 1 : 0)); }, cube);
    }
    CHECK_GRADGRADCHECK([](const V& x) { return square(narrow(x[0], 1, 1, 2)); }, cube);
}

TEST_CASE("shape and index errors") {
    CHECK_THROWS_CONTAINING(reshape(ones({2, 3}), {4, 2}), "reshape", "(2, 3)", "6 elements", "(4, 2)", "8 elements");
    CHECK_THROWS_CONTAINING(rows(ones({3, 2}), {0, 3}), "rows", "row index 3", "(3, 2)");
    CHECK_THROWS_CONTAINING(rows(scalar(1.0), {0}), "rows", "scalar");
    CHECK_THROWS_CONTAINING(scatter_rows(ones({2, 2}), {0}, 3), "scatter_rows", "1 index entries", "(2, 2)");
    CHECK_THROWS_CONTAINING(scatter_rows(ones({1, 2}), {5}, 3), "scatter_rows", "row index 5", "3 rows");
    CHECK_THROWS_CONTAINING(concat(std::vector<Tensor>{ones({2, 3}), ones({3, 3})}, 1), "concat", "(2, 3)", "(3, 3)",
                            "axis 1");
    CHECK_THROWS_CONTAINING(concat(std::vector<Tensor>{}), "concat", "at least one");
    CHECK_THROWS_CONTAINING(narrow(ones({2, 3}), 1, 2, 2), "narrow", "[2, 4)", "(2, 3)");
    CHECK_THROWS_CONTAINING(narrow(ones({2, 3}), 2, 0, 1), "narrow", "axis 2", "rank 2");
    CHECK_THROWS_CONTAINING(flatten(scalar(1.0)), "flatten", "scalar");
}
