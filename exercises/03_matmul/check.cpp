// check.cpp (exercise 03): grades ex03::matmul and ex03::one_layer_grads. Shapes and values come
// from the grader's seed. matmul's references are plain BLAS products; the layer's gradients are
// compared with the tape's (the library's linear, sigmoid and mse_loss), in float64.
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Shape;
using autograd::Tensor64;
using lab::shape_text;

namespace {

xt::xarray<double> dot(const xt::xarray<double>& a, const xt::xarray<double>& b) { return xt::linalg::dot(a, b); }
xt::xarray<double> transposed(const xt::xarray<double>& a) { return xt::transpose(a); }

const char* const kValueHint = "C = A B, the matrix product of the two operands' values (xtensor-blas), shape (m, n)";
const char* const kRecordHint =
    "return autograd::record<double>(\"my_matmul\", value, {A, B}, backward): recording the op is what lets "
    "backward() find your closure (and calling autograd::matmul for the result skips the exercise)";
const char* const kTransposeHint =
    "each gradient has its input's shape, and the shapes place the transposes: dA must be (m, k) and G is "
    "(m, n), so G is multiplied on the right by an (n, k) matrix; dB must be (k, n), so G (m, n) is multiplied "
    "on the left by a (k, m) one. Which operand, transposed or not, has each of those shapes?";
const char* const kGradGradHint =
    "second derivatives differentiate your backward itself: build dA and dB from tensor ops on grad_out "
    "(the tape's own matrix product and transpose); a product computed with xt:: on .value() and wrapped as a "
    "new tensor is a constant the tape cannot see";
const char* const kGradOutHint =
    "the chain rule runs through the gradient from above: dA = G B^T and dB = A^T G with G = grad_out (here "
    "not all ones), not with the op's output or a matrix of ones";
const char* const kChainHint =
    "the chain rule, one step per line: dL/dh = 2 (h - t) / (N H);  dL/da = dL/dh * h (1 - h) (sigmoid's "
    "derivative);  dL/dW = x^T dL/da;  dL/db = dL/da summed over the N rows";

xt::xarray<double> sigmoid_ref(const xt::xarray<double>& a) { return 1.0 / (1.0 + xt::exp(-a)); }

// The usual slips in the layer's chain rule, each computed by hand so that a wrong answer can be
// recognised and named.
enum class Slip { None, NoMean, MeanOverRowsOnly, MeanOverColumnsOnly, NoSigmoidSlope, NoTwo, BiasMeanNotSum };

struct Ref {
    xt::xarray<double> dW, db;
};

Ref layer_by_hand(const xt::xarray<double>& x, const xt::xarray<double>& W, const xt::xarray<double>& b,
                  const xt::xarray<double>& t, Slip slip) {
    const xt::xarray<double> h = sigmoid_ref(dot(x, W) + b);  // (N, H)
    const double N = static_cast<double>(h.shape()[0]), H = static_cast<double>(h.shape()[1]);
    const double count = slip == Slip::NoMean                ? 1.0
                         : slip == Slip::MeanOverRowsOnly    ? N
                         : slip == Slip::MeanOverColumnsOnly ? H
                                                             : N * H;
    const xt::xarray<double> dh = (slip == Slip::NoTwo ? 1.0 : 2.0) * (h - t) / count;
    const xt::xarray<double> da = slip == Slip::NoSigmoidSlope ? dh : xt::xarray<double>(dh * h * (1.0 - h));
    Ref r;
    r.dW = dot(transposed(x), da);
    r.db = slip == Slip::BiasMeanNotSum ? xt::xarray<double>(xt::mean(da, {0})) : xt::xarray<double>(xt::sum(da, {0}));
    return r;
}

// The hint for a wrong dW (or db, with is_db): the slip it matches, or the whole chain rule.
std::string diagnose(const xt::xarray<double>& got, bool is_db, const xt::xarray<double>& x,
                     const xt::xarray<double>& W, const xt::xarray<double>& b, const xt::xarray<double>& t) {
    const std::vector<std::pair<Slip, const char*>> slips{
        {Slip::NoMean,
         "L is the mean over all N x H elements: dL/dh = 2 (h - t) / (N H). Your numbers are N H times too large: "
         "the 1 / (N H) of the mean is missing"},
        {Slip::MeanOverRowsOnly,
         "L is the mean over all N x H elements, not over the N rows only: dL/dh = 2 (h - t) / (N H) (your numbers "
         "are H times too large)"},
        {Slip::MeanOverColumnsOnly,
         "L is the mean over all N x H elements, not over the H columns only: dL/dh = 2 (h - t) / (N H) (your "
         "numbers are N times too large)"},
        {Slip::NoSigmoidSlope,
         "the chain passes through the sigmoid: dL/da = dL/dh * h (1 - h), sigmoid's derivative; your numbers are "
         "what comes out without it"},
        {Slip::NoTwo, "d/dh (h - t)^2 = 2 (h - t): the factor 2 is missing"},
        {Slip::BiasMeanNotSum,
         "b is added to each of the N rows, so dL/db is the sum of dL/da over the rows, not their mean"},
    };
    for (const auto& [slip, hint] : slips) {
        const Ref r = layer_by_hand(x, W, b, t, slip);
        const xt::xarray<double>& want = is_db ? r.db : r.dW;
        if (got.shape() == want.shape() && xt::allclose(got, want, 1e-8, 1e-14)) return hint;
    }
    return kChainHint;
}

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("03", "the backward of matmul, and the chain rule through one layer", argc, argv,
                       /*default_seed=*/4303);
    autograd::Generator gen = grader.generator(1);

    // ---- matmul: hidden sizes m < k < n, all different, so that a misplaced transpose shows ----
    const std::size_t m = 2 + gen.below(3), k = m + 1 + gen.below(2), n = k + 1 + gen.below(2);
    const Tensor64 A0 = autograd::uniform<double>({m, k}, -2.0, 2.0, gen);
    const Tensor64 B0 = autograd::uniform<double>({k, n}, -2.0, 2.0, gen);
    const Tensor64 G = autograd::uniform<double>({m, n}, 0.5, 2.0, gen);  // dL/dC from above
    const std::string call =
        fmt::format("matmul(A of shape {}, B of shape {})", shape_text(A0.shape()), shape_text(B0.shape()));

    // The student's backward closure, called as the engine calls it, with grad_out = G.
    const auto student_grads = [&](lab::Check& c) {
        const Tensor64 A(A0.value(), true), B(B0.value(), true);
        const Tensor64 C = ex03::matmul(A, B);
        c.expect(C.defined() && C.requires_grad() && C.op() == std::string("my_matmul") && C.node()->backward,
                 "the output of " + call, "the op \"my_matmul\"",
                 C.defined() ? fmt::format("\"{}\"", C.op()) : "an undefined tensor", kRecordHint);
        autograd::Grads<double> grads;
        try {
            autograd::NoGradGuard no_grad;
            grads = C.node()->backward(C, G);
        } catch (const lab::NotDone&) {
            throw;
        } catch (const std::exception& e) {
            c.fail("my_matmul's backward, given G of shape " + shape_text(G.shape()),
                   fmt::format("dA of shape {} and dB of shape {}", shape_text(A.shape()), shape_text(B.shape())),
                   std::string("it threw: ") + e.what(), kTransposeHint);
        }
        c.expect(grads.size() == 2, "my_matmul's backward", "2 gradients (dA, then dB)",
                 fmt::format("{}", grads.size()), "return autograd::Grads<double>{dA, dB}");
        return grads;
    };

    grader.check("matmul: the value of A B, on the tape as \"my_matmul\"", [&](lab::Check& c) {
        const Tensor64 C = ex03::matmul(A0, B0);
        c.expect(C.defined(), call, "a tensor", "an undefined tensor", kValueHint);
        c.expect_close(call, C.value(), dot(A0.value(), B0.value()), 1e-12, 1e-12, kValueHint);
        const Tensor64 A(A0.value(), true), B(B0.value(), true);
        const Tensor64 Cg = ex03::matmul(A, B);
        c.expect(Cg.requires_grad() && Cg.op() == std::string("my_matmul"),
                 "the output's op, with A and B requiring grad", "\"my_matmul\"", fmt::format("\"{}\"", Cg.op()),
                 kRecordHint);
    });

    grader.check("matmul's backward: dA has A's shape (m, k), dB has B's shape (k, n)", [&](lab::Check& c) {
        const autograd::Grads<double> grads = student_grads(c);
        const char* names[2] = {"dA", "dB"};
        const Shape want[2] = {A0.shape(), B0.shape()};
        for (std::size_t i = 0; i < 2; ++i) {
            c.expect(grads[i].defined(), std::string(names[i]) + " from my_matmul's backward",
                     "a tensor of shape " + shape_text(want[i]), "an undefined tensor", kTransposeHint);
            c.expect_shape(
                fmt::format("{} from my_matmul's backward, given G of shape {}", names[i], shape_text(G.shape())),
                grads[i].shape(), want[i], kTransposeHint);
        }
    });

    grader.check("matmul's backward: dA = G B^T and dB = A^T G, for a G that is not all ones", [&](lab::Check& c) {
        const autograd::Grads<double> grads = student_grads(c);
        c.expect(grads[0].defined() && grads[1].defined(), "my_matmul's backward", "dA and dB", "an undefined one",
                 kTransposeHint);
        const std::string given = ", given G = " + lab::values_text(G.value(), 3);
        c.expect_close("dA" + given, grads[0].value(), dot(G.value(), transposed(B0.value())), 1e-10, 1e-12,
                       kGradOutHint);
        c.expect_close("dB" + given, grads[1].value(), dot(transposed(A0.value()), G.value()), 1e-10, 1e-12,
                       kGradOutHint);
    });

    grader.check("gradcheck: my_matmul's backward against central differences", [&](lab::Check& c) {
        const autograd::GradcheckResult r =
            autograd::gradcheck([](const std::vector<Tensor64>& in) { return ex03::matmul(in[0], in[1]); }, {A0, B0});
        c.expect(r.ok && r.checked > 0, "the Jacobian of " + call, "backward's numbers equal the numeric ones",
                 r.report, kTransposeHint);
    });

    grader.check("gradgradcheck: my_matmul's backward is made of ops (second derivatives)", [&](lab::Check& c) {
        const autograd::GradcheckResult r = autograd::gradgradcheck(
            [](const std::vector<Tensor64>& in) { return ex03::matmul(in[0], in[1]); }, {A0, B0});
        c.expect(r.ok && r.checked > 0, "d/d(A, B) of your backward", "G B^T and A^T G, differentiated again",
                 r.report.empty() ? "no second derivative at all" : r.report, kGradGradHint);
    });

    // ---- one encoder layer, by hand: hidden N examples, D inputs, H hidden units (D != H) ----
    const std::size_t N = 3 + gen.below(4), H = 2 + gen.below(3), D = H + 1 + gen.below(3);
    const xt::xarray<double> x = autograd::randn<double>({N, D}, gen).value();
    const xt::xarray<double> W = 0.7 * autograd::randn<double>({D, H}, gen).value();
    const xt::xarray<double> b = 0.3 * autograd::randn<double>({H}, gen).value();
    const xt::xarray<double> t = autograd::rand<double>({N, H}, gen).value();
    const std::string layer = fmt::format("one_layer_grads(x {}, W {}, b {}, t {})", shape_text(Shape{N, D}),
                                          shape_text(Shape{D, H}), shape_text(Shape{H}), shape_text(Shape{N, H}));
    // What the tape says: the library's own layer and loss, differentiated by the engine.
    const std::vector<Tensor64> tape = [&] {
        const Tensor64 Wt(W, true), bt(b, true);
        const Tensor64 L = autograd::mse_loss(autograd::sigmoid(autograd::linear(Tensor64(x), Wt, bt)), Tensor64(t),
                                              autograd::Reduction::Mean);
        return autograd::grad(L, {Wt, bt});
    }();

    grader.check("one_layer_grads: dW has W's shape (D, H), db has b's shape (H,)", [&](lab::Check& c) {
        const ex03::LayerGrads g = ex03::one_layer_grads(x, W, b, t);
        const Shape dW_shape = autograd::shape_of(g.dW), db_shape = autograd::shape_of(g.db);
        c.expect_shape("dW from " + layer, dW_shape, {D, H},
                       dW_shape == Shape{H, D}
                           ? "dL/dW has W's shape (D, H): x^T dL/da is (D, N) times (N, H); yours is its transpose"
                           : "dL/dW = x^T dL/da: (D, H) = (D, N) times (N, H)");
        c.expect_shape("db from " + layer, db_shape, {H},
                       db_shape == Shape{N, H}
                           ? "b (H,) was added to each of the N rows: dL/db is dL/da summed over the rows "
                             "(axis 0), shape (H,)"
                           : "dL/db is dL/da summed over the rows (axis 0): one number per hidden unit, "
                             "shape (H,)");
    });

    grader.check("one_layer_grads: dW equals the tape's dL/dW", [&](lab::Check& c) {
        const ex03::LayerGrads g = ex03::one_layer_grads(x, W, b, t);
        c.expect_close("dW from " + layer, g.dW, tape[0].value(), 1e-9, 1e-14, diagnose(g.dW, false, x, W, b, t));
    });

    grader.check("one_layer_grads: db equals the tape's dL/db", [&](lab::Check& c) {
        const ex03::LayerGrads g = ex03::one_layer_grads(x, W, b, t);
        c.expect_close("db from " + layer, g.db, tape[1].value(), 1e-9, 1e-14, diagnose(g.db, true, x, W, b, t));
    });

    grader.check("one_layer_grads: by hand, without the engine (no backward() or grad())", [&](lab::Check& c) {
        const std::size_t before = autograd::sweeps_run();
        ex03::one_layer_grads(x, W, b, t);
        const std::size_t sweeps = autograd::sweeps_run() - before;
        c.expect(sweeps == 0, "reverse sweeps run inside " + layer, "none: the chain rule written out on arrays",
                 fmt::format("{} (backward() or grad() was called)", sweeps),
                 "the engine's gradients are right, but this part asks for the chain rule by hand: the forward pass "
                 "on arrays, then dL/dh, dL/da through the sigmoid's slope, and dW, db from dL/da; the check compares "
                 "your numbers with the tape's");
    });

    return grader.finish();
}
