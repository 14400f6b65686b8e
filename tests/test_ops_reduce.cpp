// ops_reduce.cpp: sum, mean, max over everything and over axes, softmax and log_softmax: values,
// ties, stability, gradchecks in float64 (first and second order), errors.
#include "check.hpp"

using namespace autograd;

TEST_CASE("sum, mean, max over everything and over axes, with and without keepdims") {
    Generator gen(114);
    const V in{rnd(gen, {2, 3, 4})};
    CHECK_GRADCHECK([](const V& x) { return sum(x[0]); }, in);
    CHECK_GRADCHECK([](const V& x) { return mean(x[0]); }, in);
    CHECK_GRADCHECK([](const V& x) { return max(x[0]); }, in);
    for (bool keep : {false, true}) {
        for (const std::vector<long>& axes : std::vector<std::vector<long>>{{0}, {1}, {-1}, {0, 2}, {0, 1, 2}}) {
            const std::string axes_listed = fmt::format("({})", fmt::join(axes, ", "));
            CAPTURE(keep);
            CAPTURE(axes_listed);
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
    Generator gen(116);
    const Tensor64 z(xt::xarray<double>{{1000.0, 0.0, -1000.0}, {1.0, 2.0, 3.0}});
    const xt::xarray<double> y = log_softmax(z).value();
    CHECK(y(0, 0) == 0.0);
    CHECK(y(0, 1) == -1000.0);
    const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
    CHECK(std::abs(y(1, 2) - (3.0 - lse)) < 1e-14);
    const V in{rnd(gen, {3, 5})};
    CHECK_GRADCHECK([](const V& x) { return log_softmax(x[0]); }, in);
    CHECK_GRADCHECK([](const V& x) { return log_softmax(x[0], 0); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return log_softmax(x[0]); }, in);
}

TEST_CASE("softmax: rows that sum to 1, stable at +-1000, the exp of log_softmax; first and second derivatives") {
    Generator gen(140);
    const Tensor64 z(xt::xarray<double>{{1000.0, 0.0, -1000.0}, {1.0, 2.0, 3.0}});
    const xt::xarray<double> p = softmax(z).value();
    CHECK(p(0, 0) == 1.0);
    CHECK(p(0, 2) == 0.0);
    const double total = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    CHECK(p(1, 0) == doctest::Approx(std::exp(1.0) / total).epsilon(1e-15));
    const Tensor64 a = rnd(gen, {3, 5});
    check_close(sum(softmax(a), {1}).value(), xt::xarray<double>{1.0, 1.0, 1.0}, 1e-15);
    check_close(softmax(a, 0).value(), exp(log_softmax(a, 0)).value(), 1e-15);
    const V in{a};
    CHECK_GRADCHECK([](const V& x) { return softmax(x[0]); }, in);
    CHECK_GRADCHECK([](const V& x) { return softmax(x[0], 0); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return softmax(x[0]); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return softmax(x[0], 0) * x[0]; }, in);
    CHECK_THROWS_CONTAINING(softmax(ones({2, 3}), 2), "softmax", "axis 2");
    CHECK_THROWS_CONTAINING(softmax(scalar(1.0)), "softmax", "scalar");
}

TEST_CASE("reduction errors") {
    CHECK_THROWS_CONTAINING(sum(ones({2, 3}), {2}), "sum", "axis 2", "rank 2");
    CHECK_THROWS_CONTAINING(sum(ones({2, 3}), {-3}), "sum", "axis -3");
    CHECK_THROWS_CONTAINING(sum(ones({2, 3}), {1, -1}), "sum", "twice");
    CHECK_THROWS_CONTAINING(sum(ones({2, 3}), {}), "sum", "empty axis list");
    CHECK_THROWS_CONTAINING(mean(zeros({0})), "mean", "empty", "(0,)");
    CHECK_THROWS_CONTAINING(max(zeros({0, 2})), "max", "empty", "(0, 2)");
    CHECK_THROWS_CONTAINING(log_softmax(ones({2, 3}), 2), "log_softmax", "axis 2");
}
