// ops_arith.cpp: + - * / with broadcasting, the scalar forms, pow, square, sqrt, exp, log, abs,
// gradchecked in float64 (first and second order) on the broadcasting cases and awkward values.
#include "check.hpp"

using namespace autograd;

TEST_CASE("arithmetic with broadcasting: (3,1)+(1,4), (2,3)+(3,), scalar+matrix, same shapes") {
    Generator gen(101);
    const std::vector<std::pair<Shape, Shape>> cases{{{3, 1}, {1, 4}}, {{2, 3}, {3}},    {{}, {2, 3}},
                                                     {{2, 3}, {}},     {{2, 3}, {2, 3}}, {{4, 1, 3}, {2, 1}}};
    for (const auto& [sa, sb] : cases) {
        CAPTURE(shape_str(sa));
        CAPTURE(shape_str(sb));
        const V in{rnd(gen, sa), positive(gen, sb)};
        CHECK_GRADCHECK([](const V& x) { return x[0] + x[1]; }, in);
        CHECK_GRADCHECK([](const V& x) { return x[0] - x[1]; }, in);
        CHECK_GRADCHECK([](const V& x) { return x[0] * x[1]; }, in);
        CHECK_GRADCHECK([](const V& x) { return x[0] / x[1]; }, in);
        CHECK_GRADGRADCHECK([](const V& x) { return x[0] * x[1]; }, in);
        CHECK_GRADGRADCHECK([](const V& x) { return x[0] / x[1]; }, in);
    }
}

TEST_CASE("broadcast values match NumPy's rules") {
    const Tensor64 col = reshape(Tensor64(xt::xarray<double>{1.0, 2.0, 3.0}), {3, 1});  // (3, 1)
    const Tensor64 row(xt::xarray<double>{{10.0, 20.0, 30.0, 40.0}});                   // (1, 4)
    const Tensor64 s = col + row;
    CHECK(s.shape() == Shape{3, 4});
    CHECK(s.value()(2, 3) == 43.0);
}

TEST_CASE("broadcasting with an empty axis: (0, 3) + (3,) is (0, 3), and its gradient is zeros") {
    Tensor64 a(xt::xarray<double>::from_shape({0, 3}), true), b(xt::xarray<double>{1.0, 2.0, 3.0}, true);
    const Tensor64 c = a + b;
    CHECK(c.shape() == Shape{0, 3});
    sum(c).backward();
    CHECK(a.grad().shape() == Shape{0, 3});
    check_close(b.grad().value(), xt::xarray<double>{0.0, 0.0, 0.0});
    CHECK(broadcast_to(Tensor64(xt::xarray<double>{5.0}), {0}).shape() == Shape{0});
    CHECK(broadcast_shapes("test", {1, 4}, {0, 1}) == Shape{0, 4});
}

TEST_CASE("scalar forms, neg, pow, square, sqrt, exp, log") {
    Generator gen(104);
    const V in{positive(gen, {2, 3})};
    CHECK_GRADCHECK([](const V& x) { return -x[0] + 2.0; }, in);
    CHECK_GRADCHECK([](const V& x) { return 3.0 - x[0] * 2.0; }, in);
    CHECK_GRADCHECK([](const V& x) { return 1.5 / x[0] + x[0] / 4.0; }, in);
    for (double p : {3.0, 0.5, -1.5, 2.0}) {
        CAPTURE(p);
        CHECK_GRADCHECK([p](const V& x) { return pow(x[0], p); }, in);
        CHECK_GRADGRADCHECK([p](const V& x) { return pow(x[0], p); }, in);
    }
    const std::vector<std::pair<std::string, Function64>> ops{{"square", [](const V& x) { return square(x[0]); }},
                                                              {"sqrt", [](const V& x) { return sqrt(x[0]); }},
                                                              {"exp", [](const V& x) { return exp(x[0]); }},
                                                              {"log", [](const V& x) { return log(x[0]); }}};
    for (const auto& [op, f] : ops) {
        CAPTURE(op);
        CHECK_GRADCHECK(f, in);
        CHECK_GRADGRADCHECK(f, in);
    }
}

TEST_CASE("abs at zero takes the derivative 0; elsewhere it gradchecks") {
    Tensor64 x(xt::xarray<double>{-1.5, 0.0, 2.0}, true);
    sum(abs(x)).backward();
    check_close(x.grad().value(), xt::xarray<double>{-1.0, 0.0, 1.0});
    const V in{Tensor64(xt::xarray<double>{{-1.2, 0.7, 2.5}, {0.3, -0.4, -3.0}})};
    CHECK_GRADCHECK([](const V& v) { return abs(v[0]); }, in);
}
