// ops_activation.cpp: sigmoid, tanh, relu, leaky_relu, softplus, clamp, where: values at the
// kinks and at +-1000, gradchecks in float64, first and second order.
#include "check.hpp"

using namespace autograd;

TEST_CASE("relu at zero takes the derivative 0; relu and leaky_relu gradcheck elsewhere") {
    Tensor64 x(xt::xarray<double>{-1.5, 0.0, 2.0}, true);
    sum(relu(x)).backward();
    check_close(x.grad().value(), xt::xarray<double>{0.0, 0.0, 1.0});
    const V in{Tensor64(xt::xarray<double>{{-1.2, 0.7, 2.5}, {0.3, -0.4, -3.0}})};
    CHECK_GRADCHECK([](const V& v) { return relu(v[0]); }, in);
    CHECK_GRADCHECK([](const V& v) { return leaky_relu(v[0], 0.2); }, in);
    CHECK_GRADGRADCHECK([](const V& v) { return relu(v[0]) * v[0]; }, in);
}

TEST_CASE("sigmoid, tanh, softplus: values, large inputs, first and second derivatives") {
    Generator gen(105);
    const Tensor64 big(xt::xarray<double>{-1000.0, -30.0, 0.0, 30.0, 1000.0});
    const xt::xarray<double> s = sigmoid(big).value();
    CHECK(s(0) == 0.0);
    CHECK(s(2) == 0.5);
    CHECK(s(4) == 1.0);
    const xt::xarray<double> sp = softplus(big).value();
    CHECK(sp(0) == 0.0);
    CHECK(sp(4) == 1000.0);
    CHECK(std::abs(sp(2) - std::log(2.0)) < 1e-15);
    const V in{rnd(gen, {3, 4})};
    const std::vector<std::pair<std::string, Function64>> ops{{"sigmoid", [](const V& x) { return sigmoid(x[0]); }},
                                                              {"tanh", [](const V& x) { return tanh(x[0]); }},
                                                              {"softplus", [](const V& x) { return softplus(x[0]); }}};
    for (const auto& [op, f] : ops) {
        CAPTURE(op);
        CHECK_GRADCHECK(f, in);
        CHECK_GRADGRADCHECK(f, in);
    }
}

TEST_CASE("clamp and where") {
    Generator gen(106);
    const V in{Tensor64(xt::xarray<double>{{-2.0, -0.5, 0.2}, {0.9, 1.7, 3.0}})};
    CHECK_GRADCHECK([](const V& x) { return clamp(x[0], -1.0, 1.0); }, in);
    Tensor64 x(xt::xarray<double>{-2.0, 0.5, 3.0}, true);
    sum(clamp(x, -1.0, 1.0)).backward();
    check_close(x.grad().value(), xt::xarray<double>{0.0, 1.0, 0.0});

    const xt::xarray<bool> mask{{true, false, true}, {false, false, true}};
    const V ab{rnd(gen, {2, 3}), rnd(gen, {3})};
    CHECK_GRADCHECK([mask](const V& v) { return autograd::where(mask, v[0], v[1]); }, ab);
    CHECK_GRADGRADCHECK([mask](const V& v) { return autograd::where(mask, v[0] * v[1], v[1]); }, ab);
}

TEST_CASE("clamp refuses limits in the wrong order") {
    CHECK_THROWS_CONTAINING(clamp(ones({2}), 1.0, 0.0), "clamp", "lower limit 1", "upper limit 0");
}
