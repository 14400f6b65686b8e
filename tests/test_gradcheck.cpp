// gradcheck must be able to fail: an op with a wrong backward is caught and reported.
#include "check.hpp"

using namespace autograd;
using V = std::vector<Tensor64>;

namespace {
// cube(a) = a^3 with a deliberately wrong derivative 2a^2 (the right one is 3a^2).
Tensor64 wrong_cube(const Tensor64& a) {
    xt::xarray<double> out = a.value() * a.value() * a.value();
    return record<double>("wrong_cube", std::move(out), {a}, [a](const Tensor64&, const Tensor64& g) {
        return std::vector<Tensor64>{g * square(a) * 2.0};
    });
}
// Right first derivative 3a^2, but written with a constant so its second derivative is lost.
Tensor64 flat_cube(const Tensor64& a) {
    xt::xarray<double> out = a.value() * a.value() * a.value();
    xt::xarray<double> d = 3.0 * a.value() * a.value();
    return record<double>("flat_cube", std::move(out), {a},
                          [d](const Tensor64&, const Tensor64& g) { return std::vector<Tensor64>{g * Tensor64(d)}; });
}
}  // namespace

TEST_CASE("a wrong first derivative is caught, and the report says expected against got") {
    const V in{Tensor64(xt::xarray<double>{1.0, 2.0})};
    const GradcheckResult r = gradcheck([](const V& x) { return wrong_cube(x[0]); }, in);
    CHECK_FALSE(r.ok);
    CHECK(r.report.find("expected (numeric) 3") != std::string::npos);  // 3 * 1^2
    CHECK(r.report.find("got (backward) 2") != std::string::npos);      // 2 * 1^2
    CHECK(r.max_rel_error == doctest::Approx(1.0 / 3.0).epsilon(1e-6));
}

TEST_CASE("a wrong second derivative passes gradcheck but fails gradgradcheck") {
    const V in{Tensor64(xt::xarray<double>{1.0, -2.0})};
    const auto f = [](const V& x) { return flat_cube(x[0]); };
    CHECK(gradcheck(f, in).ok);
    const GradcheckResult r = gradgradcheck(f, in);
    CHECK_FALSE(r.ok);
    CHECK(r.report.find("second derivatives") != std::string::npos);
}

TEST_CASE("a right op passes with errors far below the tolerance") {
    const V in{Tensor64(xt::xarray<double>{0.3, -1.7, 2.2})};
    const GradcheckResult r = gradcheck([](const V& x) { return pow(x[0], 3.0); }, in);
    CHECK(r.ok);
    CHECK(r.checked == 9);  // a 3x3 Jacobian
    CHECK(r.max_rel_error < 1e-8);
}

TEST_CASE("the Jacobians themselves") {
    const V in{Tensor64(xt::xarray<double>{1.0, 2.0})};
    const auto f = [](const V& x) { return x[0] * x[0]; };
    const auto a = analytic_jacobian(f, in);
    const auto n = numeric_jacobian(f, in);
    check_close(a[0], xt::xarray<double>{{2.0, 0.0}, {0.0, 4.0}}, 0.0);
    check_close(n[0], a[0], 1e-8);
}
