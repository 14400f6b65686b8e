// ops_linalg.cpp: matmul through gemm with every transpose, transpose, and the fully connected
// layer (linear, tied_linear): values, gradchecks in float64, errors.
#include "check.hpp"

using namespace autograd;

TEST_CASE("matmul through gemm with every transpose combination, transpose") {
    Generator gen(107);
    const V in{rnd(gen, {3, 4}), rnd(gen, {4, 2})};
    CHECK_GRADCHECK([](const V& x) { return matmul(x[0], x[1]); }, in);
    CHECK_GRADGRADCHECK([](const V& x) { return matmul(x[0], x[1]); }, in);
    CHECK_GRADCHECK([](const V& x) { return transpose(x[0]); }, in);
    const V sq{rnd(gen, {3, 3}), rnd(gen, {3, 3})};
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
    Generator gen(109);
    const V in{rnd(gen, {4, 3}), rnd(gen, {5, 4})};  // W (4, 3), x (5, 4)
    // x -> sigmoid(x W) -> (.) W^T : the tied-weights autoencoder of Scott slide 8.
    CHECK_GRADCHECK([](const V& v) { return matmul(sigmoid(matmul(v[1], v[0])), transpose(v[0])); }, in);
    CHECK_GRADGRADCHECK([](const V& v) { return matmul(sigmoid(matmul(v[1], v[0])), transpose(v[0])); }, in);
}

TEST_CASE("linear and tied_linear: x W + b and x W^T + b, gradchecked, bias optional") {
    Generator gen(130);
    const Tensor64 x = rnd(gen, {4, 3}), W = rnd(gen, {3, 2}), b = rnd(gen, {2}), c = rnd(gen, {3});
    check_close(linear(x, W, b).value(), (matmul(x, W) + b).value(), 1e-14);
    check_close(linear(x, W).value(), matmul(x, W).value(), 1e-14);
    const Tensor64 h = rnd(gen, {4, 2});
    check_close(tied_linear(h, W, c).value(), (matmul(h, transpose(W)) + c).value(), 1e-14);
    CHECK_GRADCHECK([](const V& v) { return linear(v[0], v[1], v[2]); }, V{x, W, b});
    CHECK_GRADGRADCHECK([](const V& v) { return linear(v[0], v[1], v[2]); }, V{x, W, b});
    CHECK_GRADCHECK([](const V& v) { return tied_linear(v[0], v[1], v[2]); }, V{h, W, c});
    CHECK_GRADGRADCHECK([](const V& v) { return tied_linear(v[0], v[1], v[2]); }, V{h, W, c});
}

TEST_CASE("linear and tied_linear: errors say which sizes disagree") {
    CHECK_THROWS_CONTAINING(linear(ones({4, 5}), ones({3, 2})), "linear", "(4, 5)", "5 features", "(3, 2)",
                            "expects 3");
    CHECK_THROWS_CONTAINING(linear(ones({4, 3}), ones({3, 2}), ones({3})), "linear", "bias of shape (3,)",
                            "expected (2,)");
    CHECK_THROWS_CONTAINING(linear(ones({3}), ones({3, 2})), "linear", "(N, features)", "(3,)");
    CHECK_THROWS_CONTAINING(tied_linear(ones({4, 3}), ones({3, 2})), "tied_linear", "3 features", "expects 2");
    CHECK_THROWS_CONTAINING(tied_linear(ones({4, 2}), ones({3, 2}), ones({2})), "tied_linear", "bias of shape (2,)",
                            "expected (3,)");
}

TEST_CASE("float32 ops compute the same values as float64 ones, within float32 precision") {
    Generator gen(110);
    const Tensor64 a = rnd(gen, {4, 5}), b = rnd(gen, {5, 3});
    const Tensor64 y64 = log_softmax(sigmoid(matmul(a, b)) * 2.0 - tanh(matmul(a, b)));
    const Tensor y32 =
        log_softmax(sigmoid(matmul(to_float(a), to_float(b))) * 2.0 - tanh(matmul(to_float(a), to_float(b))));
    check_close(y32.value(), y64.value(), 1e-5);
}

TEST_CASE("matmul: rank and inner-size errors") {
    CHECK_THROWS_CONTAINING(matmul(ones({2, 3}), ones({4, 5})), "matmul", "(2, 3)", "(4, 5)", "inner sizes 3 and 4");
    CHECK_THROWS_CONTAINING(matmul(ones({2, 3, 4}), ones({4})), "matmul", "2-D", "(2, 3, 4)", "(4,)");
    CHECK_THROWS_CONTAINING(gemm(ones({2, 3}), ones({2, 3}), false, false), "matmul", "(2, 3)");
    CHECK_THROWS_CONTAINING(transpose(ones({3})), "transpose", "(3,)");
}
