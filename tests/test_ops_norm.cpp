// ops_norm.cpp: batch normalisation in train mode (per-channel statistics) and eval mode (fixed
// ones), gradchecks in float64, errors.
#include "check.hpp"

using namespace autograd;

TEST_CASE("batch_norm: normalised per channel in train mode, gradchecks over (N) and (N, H, W)") {
    Generator gen(125);
    const Tensor64 x = rnd(gen, {6, 3, 4, 5}) * 3.0 + 2.0;
    xt::xarray<double> mu, var;
    const Tensor64 y = batch_norm(x, ones<double>({3}), zeros<double>({3}), 1e-5, &mu, &var);
    for (std::size_t c = 0; c < 3; ++c) {
        CAPTURE(c);
        const Tensor64 yc = narrow(y, 1, c, 1);
        CHECK(mean(yc).item() == doctest::Approx(0.0).epsilon(1e-12).scale(1.0));
        CHECK(mean(square(yc)).item() == doctest::Approx(1.0).epsilon(1e-4));
        CHECK(mu(c) == doctest::Approx(mean(narrow(x, 1, c, 1)).item()));
    }
    CHECK_GRADCHECK([](const V& v) { return batch_norm(v[0], v[1], v[2]); },
                    V{rnd(gen, {5, 4}), rnd(gen, {4}), rnd(gen, {4})});
    CHECK_GRADCHECK([](const V& v) { return batch_norm(v[0], v[1], v[2]); },
                    V{rnd(gen, {3, 2, 2, 3}), rnd(gen, {2}), rnd(gen, {2})});
    CHECK_GRADGRADCHECK([](const V& v) { return batch_norm(v[0], v[1], v[2]); },
                        V{rnd(gen, {4, 3}), rnd(gen, {3}), rnd(gen, {3})});
}

TEST_CASE("batch_norm_eval: one affine map per channel from fixed statistics; gradchecks") {
    Generator gen(120);
    const Tensor64 x = rnd(gen, {4, 3, 2, 2});
    const Tensor64 gamma = rnd(gen, {3}), beta = rnd(gen, {3}), mu = rnd(gen, {3}), var = positive(gen, {3});
    const xt::xarray<double> y = batch_norm_eval(x, gamma, beta, mu, var, 1e-5).value();
    for (std::size_t c = 0; c < 3; ++c) {
        CAPTURE(c);
        const double scale = gamma.value()(c) / std::sqrt(var.value()(c) + 1e-5);
        CHECK(y(1, c, 0, 1) == doctest::Approx((x.value()(1, c, 0, 1) - mu.value()(c)) * scale + beta.value()(c)));
    }
    CHECK_GRADCHECK([](const V& v) { return batch_norm_eval(v[0], v[1], v[2], v[3], v[4]); },
                    V{rnd(gen, {5, 4}), rnd(gen, {4}), rnd(gen, {4}), rnd(gen, {4}), positive(gen, {4})});
    CHECK_GRADGRADCHECK([](const V& v) { return batch_norm_eval(v[0], v[1], v[2], v[3], v[4]); },
                        V{rnd(gen, {2, 2, 2, 2}), rnd(gen, {2}), rnd(gen, {2}), rnd(gen, {2}), positive(gen, {2})});
}

TEST_CASE("errors name the op and the shapes") {
    CHECK_THROWS_CONTAINING(batch_norm(zeros({4, 3}), ones({2}), zeros({3})), "batch_norm", "gamma (2,)");
    CHECK_THROWS_CONTAINING(batch_norm(zeros({1, 3}), ones({3}), zeros({3})), "batch_norm", "more than one value");
    CHECK_THROWS_CONTAINING(batch_norm_eval(zeros({4, 3}), ones({3}), zeros({3}), zeros({2}), ones({3})),
                            "batch_norm_eval", "(2,)", "(4, 3)");
    CHECK_THROWS_CONTAINING(batch_norm_eval(zeros({4}), ones({4}), zeros({4}), zeros({4}), ones({4})),
                            "batch_norm_eval", "(4,)");
}
