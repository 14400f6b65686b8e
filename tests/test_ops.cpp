// Every op, gradchecked in float64 (first order for all, second order for the smooth ones), on
// random shapes including the broadcasting cases and awkward values.
#include "check.hpp"

using namespace autograd;
using V = std::vector<Tensor64>;

namespace {
Generator gen(2024);
Tensor64 rnd(const Shape& s) { return randn<double>(s, gen); }
Tensor64 positive(const Shape& s) { return uniform<double>(s, 0.5, 2.0, gen); }
}  // namespace

TEST_CASE("arithmetic with broadcasting: (3,1)+(1,4), (2,3)+(3,), scalar+matrix, same shapes") {
    const std::vector<std::pair<Shape, Shape>> cases{{{3, 1}, {1, 4}}, {{2, 3}, {3}},    {{}, {2, 3}},
                                                     {{2, 3}, {}},     {{2, 3}, {2, 3}}, {{4, 1, 3}, {2, 1}}};
    for (const auto& [sa, sb] : cases) {
        CAPTURE(shape_str(sa));
        CAPTURE(shape_str(sb));
        const V in{rnd(sa), positive(sb)};
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

TEST_CASE("scalar forms, neg, pow, square, sqrt, exp, log") {
    const V in{positive({2, 3})};
    CHECK_GRADCHECK([](const V& x) { return -x[0] + 2.0; }, in);
    CHECK_GRADCHECK([](const V& x) { return 3.0 - x[0] * 2.0; }, in);
    CHECK_GRADCHECK([](const V& x) { return 1.5 / x[0] + x[0] / 4.0; }, in);
    for (double p : {3.0, 0.5, -1.5, 2.0}) {
        CAPTURE(p);
        CHECK_GRADCHECK([p](const V& x) { return pow(x[0], p); }, in);
        CHECK_GRADGRADCHECK([p](const V& x) { return pow(x[0], p); }, in);
    }
    for (auto f :
         std::vector<Function64>{[](const V& x) { return square(x[0]); }, [](const V& x) { return sqrt(x[0]); },
                                 [](const V& x) { return exp(x[0]); }, [](const V& x) { return log(x[0]); }}) {
        CHECK_GRADCHECK(f, in);
        CHECK_GRADGRADCHECK(f, in);
    }
}

TEST_CASE("abs and relu at zero take the derivative 0; elsewhere they gradcheck") {
    Tensor64 x(xt::xarray<double>{-1.5, 0.0, 2.0}, true);
    sum(abs(x) + relu(x)).backward();
    check_close(x.grad().value(), xt::xarray<double>{-1.0, 0.0, 2.0});
    const V in{Tensor64(xt::xarray<double>{{-1.2, 0.7, 2.5}, {0.3, -0.4, -3.0}})};
    CHECK_GRADCHECK([](const V& v) { return abs(v[0]); }, in);
    CHECK_GRADCHECK([](const V& v) { return relu(v[0]); }, in);
    CHECK_GRADCHECK([](const V& v) { return leaky_relu(v[0], 0.2); }, in);
    CHECK_GRADGRADCHECK([](const V& v) { return relu(v[0]) * v[0]; }, in);
}

TEST_CASE("sigmoid, tanh, softplus: values, large inputs, first and second derivatives") {
    const Tensor64 big(xt::xarray<double>{-1000.0, -30.0, 0.0, 30.0, 1000.0});
    const xt::xarray<double> s = sigmoid(big).value();
    CHECK(s(0) == 0.0);
    CHECK(s(2) == 0.5);
    CHECK(s(4) == 1.0);
    const xt::xarray<double> sp = softplus(big).value();
    CHECK(sp(0) == 0.0);
    CHECK(sp(4) == 1000.0);
    CHECK(std::abs(sp(2) - std::log(2.0)) < 1e-15);
    const V in{rnd({3, 4})};
    for (auto f :
         std::vector<Function64>{[](const V& x) { return sigmoid(x[0]); }, [](const V& x) { return tanh(x[0]); },
                                 [](const V& x) { return softplus(x[0]); }}) {
        CHECK_GRADCHECK(f, in);
        CHECK_GRADGRADCHECK(f, in);
    }
}

TEST_CASE("clamp and where") {
    const V in{Tensor64(xt::xarray<double>{{-2.0, -0.5, 0.2}, {0.9, 1.7, 3.0}})};
    CHECK_GRADCHECK([](const V& x) { return clamp(x[0], -1.0, 1.0); }, in);
    Tensor64 x(xt::xarray<double>{-2.0, 0.5, 3.0}, true);
    sum(clamp(x, -1.0, 1.0)).backward();
    check_close(x.grad().value(), xt::xarray<double>{0.0, 1.0, 0.0});

    const xt::xarray<bool> mask{{true, false, true}, {false, false, true}};
    const V ab{rnd({2, 3}), rnd({3})};
    CHECK_GRADCHECK([mask](const V& v) { return autograd::where(mask, v[0], v[1]); }, ab);
    CHECK_GRADGRADCHECK([mask](const V& v) { return autograd::where(mask, v[0] * v[1], v[1]); }, ab);
}

TEST_CASE("matmul through gemm with every transpose combination, transpose") {
    const V in{rnd({3, 4}), rnd({4, 2})};
    CHECK_GRADCHECK([](const V& x) { return matmul(x[0], x[1]); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return matmul(x[0], x[1]); }, in);
    CHECK_GRADCHECK([](const V& x) { return transpose(x[0]); }, in);
    const V sq{rnd({3, 3}), rnd({3, 3})};
    for (bool ta : {false, true})
        for (bool tb : {false, true}) {
            CAPTURE(ta);
            CAPTURE(tb);
            CHECK_GRADCHECK([ta, tb](const V& x) { return gemm(x[0], x[1], ta, tb); }, sq);
            CHECK_GRADGRADCHECK([ta, tb](const V& x) { return gemm(x[0], x[1], ta, tb) * x[0]; }, sq);
            const xt::xarray<double> A = ta ? xt::xarray<double>(xt::transpose(sq[0].value())) : sq[0].value();
            const xt::xarray<double> B = tb ? xt::xarray<double>(xt::transpose(sq[1].value())) : sq[1].value();
            check_close(gemm(sq[0], sq[1], ta, tb).value(), matmul(Tensor64(A), Tensor64(B)).value(), 1e-12);
        }
}

TEST_CASE("matmul values against a hand computation, float32 included") {
    const Tensor a(xt::xarray<float>{{1, 2, 3}, {4, 5, 6}});
    const Tensor b(xt::xarray<float>{{1, 0}, {0, 1}, {1, 1}});
    check_close(matmul(a, b).value(), xt::xarray<float>{{4, 5}, {10, 11}}, 0.0);
}

TEST_CASE("the W and W^T of a tied layer in one graph: gradient is the sum of both uses") {
    const V in{rnd({4, 3}), rnd({5, 4})};  // W (4, 3), x (5, 4)
    // x -> sigmoid(x W) -> (.) W^T : the tied-weights autoencoder of Scott slide 8.
    CHECK_GRADCHECK([](const V& v) { return matmul(sigmoid(matmul(v[1], v[0])), transpose(v[0])); }, in);
    CHECK_GRADGRADCHECK([](const V& v) { return matmul(sigmoid(matmul(v[1], v[0])), transpose(v[0])); }, in);
}

TEST_CASE("reshape, flatten, broadcast_to, sum_to") {
    const V in{rnd({2, 3, 2})};
    CHECK_GRADCHECK([](const V& x) { return reshape(x[0], {3, 4}) * reshape(x[0], {3, 4}); }, in);
    CHECK_GRADCHECK([](const V& x) { return flatten(x[0]); }, in);
    CHECK(flatten(in[0]).shape() == Shape{2, 6});
    const V col{rnd({3, 1})};
    CHECK_GRADCHECK([](const V& x) { return broadcast_to(x[0], {2, 3, 4}); }, col);
    CHECK_GRADCHECK([](const V& x) { return sum_to(x[0], {3, 1}); }, V{rnd({2, 3, 4})});
    CHECK_GRADGRADCHECK([](const V& x) { return square(sum_to(x[0], {1, 4})); }, V{rnd({2, 3, 4})});
}

TEST_CASE("rows (minibatch selection) with repeats, scatter_rows") {
    const V in{rnd({5, 3})};
    const std::vector<std::size_t> idx{4, 0, 4, 2};
    CHECK_GRADCHECK([idx](const V& x) { return rows(x[0], idx); }, in);
    CHECK_GRADGRADCHECK([idx](const V& x) { return square(rows(x[0], idx)); }, in);
    CHECK_GRADCHECK([idx](const V& x) { return scatter_rows(x[0], idx, 6); }, V{rnd({4, 3})});
    const Tensor64 r = rows(in[0], idx);
    CHECK(r.shape() == Shape{4, 3});
    CHECK(r.value()(1, 2) == in[0].value()(0, 2));
    // Row 4 was taken twice, so it receives two gradients.
    Tensor64 x(xt::xarray<double>(in[0].value()), true);
    sum(rows(x, idx)).backward();
    check_close(x.grad().value(), xt::xarray<double>{{1, 1, 1}, {0, 0, 0}, {1, 1, 1}, {0, 0, 0}, {2, 2, 2}});
}

TEST_CASE("concat and narrow along each axis") {
    const V in{rnd({2, 3}), rnd({2, 1}), rnd({2, 2})};
    CHECK_GRADCHECK([](const V& x) { return concat(x, 1); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return square(concat(x, -1)); }, in);
    CHECK(concat(in, 1).shape() == Shape{2, 6});
    CHECK(concat(in, 1).value()(1, 3) == in[1].value()(1, 0));
    CHECK_GRADCHECK([](const V& x) { return concat(x, 0); }, V{rnd({1, 3}), rnd({2, 3})});
    const V cube{rnd({3, 4, 2})};
    for (long axis : {0L, 1L, 2L}) {
        CAPTURE(axis);
        CHECK_GRADCHECK([axis](const V& x) { return narrow(x[0], axis, 1, 2 - (axis == 2 ? 1 : 0)); }, cube);
    }
    CHECK_GRADGRADCHECK([](const V& x) { return square(narrow(x[0], 1, 1, 2)); }, cube);
}

TEST_CASE("sum, mean, max over everything and over axes, with and without keepdims") {
    const V in{rnd({2, 3, 4})};
    CHECK_GRADCHECK([](const V& x) { return sum(x[0]); }, in);
    CHECK_GRADCHECK([](const V& x) { return mean(x[0]); }, in);
    CHECK_GRADCHECK([](const V& x) { return max(x[0]); }, in);
    for (bool keep : {false, true}) {
        for (const std::vector<long>& axes : std::vector<std::vector<long>>{{0}, {1}, {-1}, {0, 2}, {0, 1, 2}}) {
            CAPTURE(keep);
            CAPTURE(axes.size());
            CHECK_GRADCHECK([&](const V& x) { return sum(x[0], axes, keep); }, in);
            CHECK_GRADCHECK([&](const V& x) { return mean(x[0], axes, keep); }, in);
            CHECK_GRADCHECK([&](const V& x) { return max(x[0], axes, keep); }, in);
            CHECK_GRADGRADCHECK([&](const V& x) { return square(mean(x[0], axes, keep)); }, in);
        }
    }
    CHECK(sum(in[0], {1}, true).shape() == Shape{2, 1, 4});
    CHECK(sum(in[0], {1}).shape() == Shape{2, 4});
    CHECK(max(in[0], {0, 2}).shape() == Shape{3});
}

TEST_CASE("max splits the gradient between ties") {
    Tensor64 x(xt::xarray<double>{{1.0, 3.0, 3.0}, {2.0, 0.0, -1.0}}, true);
    sum(max(x, {1})).backward();
    check_close(x.grad().value(), xt::xarray<double>{{0.0, 0.5, 0.5}, {1.0, 0.0, 0.0}});
}

TEST_CASE("log_softmax: values, stability, first and second derivatives") {
    const Tensor64 z(xt::xarray<double>{{1000.0, 0.0, -1000.0}, {1.0, 2.0, 3.0}});
    const xt::xarray<double> y = log_softmax(z).value();
    CHECK(y(0, 0) == 0.0);
    CHECK(y(0, 1) == -1000.0);
    const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
    CHECK(std::abs(y(1, 2) - (3.0 - lse)) < 1e-14);
    const V in{rnd({3, 5})};
    CHECK_GRADCHECK([](const V& x) { return log_softmax(x[0]); }, in);
    CHECK_GRADCHECK([](const V& x) { return log_softmax(x[0], 0); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return log_softmax(x[0]); }, in);
}

TEST_CASE("float32 ops compute the same values as float64 ones, within float32 precision") {
    const Tensor64 a = rnd({4, 5}), b = rnd({5, 3});
    const Tensor64 y64 = log_softmax(sigmoid(matmul(a, b)) * 2.0 - tanh(matmul(a, b)));
    const Tensor y32 =
        log_softmax(sigmoid(matmul(to_float(a), to_float(b))) * 2.0 - tanh(matmul(to_float(a), to_float(b))));
    check_close(y32.value(), y64.value(), 1e-5);
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
