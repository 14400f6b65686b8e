// check.cpp (exercise 01): grades ex01::softplus. Shapes and values come from the grader's seed.
#include <cmath>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Tensor64;

namespace {

// The reference, computed without the tape: max(x, 0) + log1p(e^-|x|), and its slope sigmoid(x).
xt::xarray<double> softplus_ref(const xt::xarray<double>& x) {
    return xt::maximum(x, 0.0) + xt::log1p(xt::exp(-xt::abs(x)));
}
xt::xarray<double> sigmoid_ref(const xt::xarray<double>& x) {
    xt::xarray<double> s = xt::xarray<double>::from_shape(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double e = std::exp(-std::abs(x.data()[i]));
        s.data()[i] = x.data()[i] >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    }
    return s;
}

const char* const kValueHint = "softplus(x) = log(1 + e^x), elementwise; the value must have the shape of x";
const char* const kOverflowHint =
    "log(1 + e^x) overflows: e^1000 is inf in float64. Write it as max(x, 0) + log1p(e^-|x|), "
    "which is the same number and never overflows";
const char* const kChainHint =
    "the chain rule multiplies the local derivative by the gradient coming from above: dL/dx = dL/dy * "
    "sigmoid(x), and dL/dy is what your closure receives, not sigmoid(x) alone (here grad_out was not all ones)";
const char* const kDerivativeHint = "d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x)";
const char* const kLog1pHint =
    "where e^-|x| is tiny your value is 0, not e^-|x|: 1 + 1.9e-22 rounds to 1 in float64 and log 1 = 0. "
    "log1p(u) computes log(1 + u) without adding the 1 first: max(x, 0) + log1p(e^-|x|)";
const char* const kSlopeSignHint =
    "your backward returns grad_out * sigmoid(-x) = grad_out (1 - sigmoid(x)): the slope of log(1 + e^x) is "
    "e^x / (1 + e^x) = sigmoid(x), which grows with x (softplus rises ever more steeply towards the line y = x)";

// The hint for a value that is finite but wrong at the extremes, from where it is wrong: only where
// the exact value is tiny and the answer is 0, the log of 1 + (a number below rounding).
const char* extreme_value_hint(const xt::xarray<double>& got, const xt::xarray<double>& want) {
    bool only_tiny_lost = got.size() == want.size();
    for (std::size_t i = 0; i < got.size() && only_tiny_lost; ++i) {
        const double g = got.data()[i], w = want.data()[i];
        if (std::abs(g - w) <= 1e-12 * std::abs(w)) continue;
        only_tiny_lost = g == 0.0 && w > 0.0 && w < 1e-15;
    }
    return only_tiny_lost ? kLog1pHint : kOverflowHint;
}
const char* const kNanSlopeHint =
    "e^1000 / (1 + e^1000) is inf / inf = nan: compute the slope sigmoid(x) in a form that stays finite at both "
    "ends, as the library's sigmoid does";
const char* const kGradGradHint =
    "second derivatives differentiate your backward itself: build the gradient from tensor ops on the tensors "
    "grad_out and x; an array computed from x.value() is a constant the tape cannot see";

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("01", "softplus: the backward of an elementwise op", argc, argv, /*default_seed=*/4101);
    autograd::Generator gen = grader.generator(1);
    // A hidden shape: 2-5 rows, 2-6 columns.
    const std::size_t rows = 2 + gen.below(4), cols = 2 + gen.below(5);
    const Tensor64 x = autograd::uniform<double>({rows, cols}, -6.0, 6.0, gen);
    const xt::xarray<double> extremes = {-1000.0, -50.0, -1e-3, 0.0, 1e-3, 50.0, 1000.0};

    grader.check("the value is log(1 + e^x)", [&](lab::Check& c) {
        const Tensor64 y = ex01::softplus(x);
        c.expect(y.defined(), "softplus(x)", "a tensor", "an undefined tensor", kValueHint);
        c.expect_close(fmt::format("softplus(x) for x of shape ({}, {})", rows, cols), y.value(),
                       softplus_ref(x.value()), 1e-12, 1e-300, kValueHint);
    });

    grader.check("the value is finite and right at x = +-1000", [&](lab::Check& c) {
        const Tensor64 y = ex01::softplus(Tensor64(extremes));
        c.expect_finite("softplus of " + lab::values_text(extremes, 7), y.value(), kOverflowHint);
        c.expect_close("softplus of " + lab::values_text(extremes, 7), y.value(), softplus_ref(extremes), 1e-12, 1e-300,
                       extreme_value_hint(y.value(), softplus_ref(extremes)));
    });

    grader.check("the op is on the tape as \"my_softplus\"", [&](lab::Check& c) {
        const Tensor64 xg = Tensor64(x.value(), /*requires_grad=*/true);
        const Tensor64 y = ex01::softplus(xg);
        c.expect(y.requires_grad() && y.op() == std::string("my_softplus"), "the output's op",
                 "\"my_softplus\", with x as its input", fmt::format("\"{}\"", y.op()),
                 "return autograd::record<double>(\"my_softplus\", value, {x}, backward): recording the op "
                 "is what lets backward() find your closure (and calling autograd::softplus skips the exercise)");
    });

    grader.check("the backward multiplies by the incoming gradient", [&](lab::Check& c) {
        const Tensor64 xg = Tensor64(x.value(), true);
        const Tensor64 seed = autograd::uniform<double>({rows, cols}, 0.5, 3.0, gen);  // d loss / d y
        const Tensor64 g = autograd::grad(ex01::softplus(xg), {xg}, seed)[0];
        // The hint from what came back: the slope's sign flipped, or the slope alone without grad_out.
        const xt::xarray<double> flipped = seed.value() * sigmoid_ref(-x.value());
        const bool sign_flipped =
            g.value().shape() == flipped.shape() && xt::allclose(g.value(), flipped, 1e-10, 1e-12);
        c.expect_close("d loss / dx, given d loss / dy = " + lab::values_text(seed.value(), 3), g.value(),
                       seed.value() * sigmoid_ref(x.value()), 1e-10, 1e-12, sign_flipped ? kSlopeSignHint : kChainHint);
    });

    grader.check("gradcheck: backward against central differences", [&](lab::Check& c) {
        const autograd::GradcheckResult r =
            autograd::gradcheck([](const std::vector<Tensor64>& in) { return ex01::softplus(in[0]); }, {x});
        c.expect(r.ok && r.checked > 0, "the Jacobian of softplus", "backward's numbers equal the numeric ones",
                 r.report, kDerivativeHint);
    });

    grader.check("the gradient is finite and right at x = +-1000", [&](lab::Check& c) {
        const Tensor64 xg = Tensor64(extremes, true);
        const Tensor64 g = autograd::grad(autograd::sum(ex01::softplus(xg)), {xg})[0];
        c.expect_finite("d softplus / dx at " + lab::values_text(extremes, 7), g.value(), kNanSlopeHint);
        c.expect_close("d softplus / dx at " + lab::values_text(extremes, 7), g.value(), sigmoid_ref(extremes), 1e-12,
                       1e-300, kNanSlopeHint);
    });

    grader.check("gradgradcheck: the second derivative", [&](lab::Check& c) {
        const autograd::GradcheckResult r =
            autograd::gradgradcheck([](const std::vector<Tensor64>& in) { return ex01::softplus(in[0]); }, {x});
        c.expect(r.ok && r.checked > 0, "d/dx of your backward", "sigmoid(x) (1 - sigmoid(x)) grad_out",
                 r.report.empty() ? "no second derivative at all" : r.report, kGradGradHint);
    });

    return grader.finish();
}
