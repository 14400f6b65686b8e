// The tensor handle: leaves, factories (from values and nested lists), item, names, requires_grad_,
// precision conversions.
#include "check.hpp"

using namespace autograd;

TEST_CASE("a leaf holds its value and shape; factories fill as asked") {
    Tensor t(xt::xarray<float>{{1, 2, 3}, {4, 5, 6}});
    CHECK(t.shape() == Shape{2, 3});
    CHECK(t.dim() == 2);
    CHECK(t.size() == 6);
    CHECK(t.is_leaf());
    CHECK_FALSE(t.requires_grad());
    CHECK(std::string(t.op()) == "leaf");
    CHECK(zeros({2, 2}).value()(1, 1) == 0.0f);
    CHECK(ones<double>({3}).value()(2) == 1.0);
    CHECK(full({2}, 2.5).value()(0) == 2.5f);
    CHECK(scalar(4.0).shape().empty());
    CHECK(scalar(4.0).item() == 4.0f);
    CHECK(zeros_like(t).shape() == t.shape());
    CHECK_FALSE(ones({3}).requires_grad());  // factories make constants
    CHECK(ones({3}).requires_grad_().requires_grad());
}

TEST_CASE("item needs exactly one element") {
    CHECK(full({1, 1}, 7.0).item() == 7.0f);
    CHECK_THROWS_CONTAINING(ones({2, 3}).item(), "item", "(2, 3)", "6 elements");
}

TEST_CASE("requires_grad_ switches leaves only") {
    Tensor w = ones({2});
    w.requires_grad_();
    CHECK(w.requires_grad());
    Tensor y = w * 2.0;
    CHECK_FALSE(y.is_leaf());
    CHECK(std::string(y.op()) == "mul_scalar");
    CHECK_THROWS_CONTAINING(y.requires_grad_(false), "only leaves", "mul_scalar");
}

TEST_CASE("an op records its inputs only when something requires grad") {
    Tensor a = ones({2}), b = ones({2}).requires_grad_();
    const Tensor c = a + a;
    CHECK(c.inputs().empty());
    CHECK(std::string(c.op()) == "leaf");
    const auto ins = (a + b).inputs();
    REQUIRE(ins.size() == 2);
    CHECK(ins[0].node() == a.node());
    CHECK(ins[1].node() == b.node());
}

TEST_CASE("names are kept and shown") {
    Tensor w = ones({1});
    w.set_name("W");
    CHECK(w.name() == "W");
}

TEST_CASE("undefined tensors say so instead of crashing") {
    Tensor u;
    CHECK_FALSE(u.defined());
    CHECK_THROWS_CONTAINING(u.value(), "undefined");
    CHECK_THROWS_CONTAINING(u + ones({1}), "add", "undefined");
}

TEST_CASE("to_double and to_float copy the values") {
    Tensor t(xt::xarray<float>{0.5f, -1.25f});
    Tensor64 d = to_double(t);
    CHECK(d.value()(1) == -1.25);
    CHECK(to_float(d).value()(0) == 0.5f);
}

TEST_CASE("mutable_value updates a leaf in place (what an optimizer does)") {
    Tensor w(xt::xarray<float>{1.0f, 2.0f}, true);
    w.mutable_value() -= xt::xarray<float>{0.5f, 0.5f};
    CHECK(w.value()(1) == 1.5f);
}

TEST_CASE("tensor() from values and a shape, row-major; a count that does not fill the shape is an error") {
    const Tensor t = tensor({1, 2, 3, 4, 5, 6}, {2, 3});
    CHECK(t.shape() == Shape{2, 3});
    check_close(t.value(), xt::xarray<float>{{1, 2, 3}, {4, 5, 6}}, 0.0);
    CHECK_FALSE(t.requires_grad());
    const Tensor64 w = tensor<double>({0.5, -1.5}, {2, 1}).requires_grad_();
    CHECK(w.requires_grad());
    CHECK(w.value()(1, 0) == -1.5);
    CHECK(tensor({7}, {}).item() == 7.0f);  // shape (): a scalar
    CHECK_THROWS_CONTAINING(tensor({1, 2, 3}, {2, 2}), "tensor", "3 values", "(2, 2)", "holds 4");
}

TEST_CASE("tensor() from nested lists, one level per axis; ragged lists name the first that differs") {
    CHECK(tensor({1.5, 2, 3}).shape() == Shape{3});
    check_close(tensor({{1, 2, 3}, {4, 5, 6}}).value(), xt::xarray<float>{{1, 2, 3}, {4, 5, 6}}, 0.0);
    CHECK(tensor({{1}, {2}}).shape() == Shape{2, 1});  // a column
    const Tensor64 cube = tensor<double>({{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}, {9, 10}, {11, 12}}});
    CHECK(cube.shape() == Shape{2, 3, 2});
    CHECK(cube.value()(1, 2, 0) == 11.0);
    CHECK(tensor({{{{1, 2}}}}).shape() == Shape{1, 1, 1, 2});
    CHECK(tensor({{1, 2}, {3, 4}}).requires_grad_().requires_grad());
    CHECK_THROWS_CONTAINING(tensor({{1, 2}, {3}}), "tensor", "[1]", "1 entry", "first list at that depth has 2");
    CHECK_THROWS_CONTAINING(tensor({{{1, 2}}, {{3, 4}, {5, 6}}}), "tensor", "[1]", "2 entries", "has 1");
    CHECK_THROWS_CONTAINING(tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7}}}), "tensor", "[1][1]", "1 entry", "has 2");
}
