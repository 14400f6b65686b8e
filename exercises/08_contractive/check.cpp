// check.cpp (exercise 08): grades ex08::jacobian, penalty_explicit and penalty_closed_form.
// Shapes and values come from the grader's seed. The expected numbers are computed here without
// the tape: the forward sigmoid(x W + b) in plain xtensor, its Jacobian by central differences,
// the penalty by its formula, and the penalty's gradient by central differences of that formula.
#include <cmath>
#include <functional>
#include <string>

#include <fmt/format.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Tensor64;
using Array = xt::xarray<double>;

namespace {

// ---- the references, in plain float64 arrays ------------------------------------------------
// h = sigmoid(x W + b): x (N, D), W (D, H), b (H,) -> (N, H).
Array forward_ref(const Array& x, const Array& W, const Array& b) {
    const Array z = xt::linalg::dot(x, W) + b;  // (N, H)
    return 1.0 / (1.0 + xt::exp(-z));
}

// dh/dx (H, D) at one row x_row (1, D), by central differences of forward_ref.
Array jacobian_numeric(const Array& x_row, const Array& W, const Array& b) {
    const std::size_t D = W.shape()[0], H = W.shape()[1];
    const double eps = 1e-6;
    Array J = xt::zeros<double>({H, D});
    for (std::size_t j = 0; j < D; ++j) {
        Array plus = x_row, minus = x_row;
        plus(0, j) += eps;
        minus(0, j) -= eps;
        const Array diff = (forward_ref(plus, W, b) - forward_ref(minus, W, b)) / (2.0 * eps);  // (1, H)
        for (std::size_t i = 0; i < H; ++i) J(i, j) = diff(0, i);
    }
    return J;
}

// The penalty and the ways it usually comes out wrong (to name the mistake in the hint).
enum class Variant { Right, SlopeNotSquared, RowNorms, BatchSum };

// (1/N) sum_n sum_i (h_ni (1 - h_ni))^2 sum_j W_ji^2, or one of its usual mistakes.
double penalty_ref(const Array& x, const Array& W, const Array& b, Variant v = Variant::Right) {
    const Array h = forward_ref(x, W, b);  // (N, H)
    const Array slope = h * (1.0 - h);     // (N, H)
    const Array factor = v == Variant::SlopeNotSquared ? slope : Array(xt::square(slope));
    // sum_j W_ji^2 sums over the inputs j (axis 0); the wrong axis gives one number per input,
    // which lines up with the units only when D == H.
    const Array norms = xt::sum(xt::square(W), {v == Variant::RowNorms ? 1 : 0});  // (H,)
    const double total = xt::sum(factor * norms)();
    return v == Variant::BatchSum ? total : total / static_cast<double>(x.shape()[0]);
}

// d penalty / dW and d penalty / db by central differences of penalty_ref.
std::pair<Array, Array> penalty_gradient_numeric(const Array& x, const Array& W, const Array& b) {
    const double eps = 1e-6;
    auto numeric = [&](Array p, const std::function<double(const Array&)>& f) {
        Array g = xt::zeros<double>(p.shape());
        for (std::size_t k = 0; k < p.size(); ++k) {
            const double saved = p.data()[k];
            p.data()[k] = saved + eps;
            const double up = f(p);
            p.data()[k] = saved - eps;
            const double down = f(p);
            p.data()[k] = saved;
            g.data()[k] = (up - down) / (2.0 * eps);
        }
        return g;
    };
    return {numeric(W, [&](const Array& Wp) { return penalty_ref(x, Wp, b); }),
            numeric(b, [&](const Array& bp) { return penalty_ref(x, W, bp); })};
}

bool close(double a, double b) { return std::abs(a - b) <= 1e-9 * std::abs(b) + 1e-300; }

// ---- hints -------------------------------------------------------------------------------------
const char* const kTransposedHint =
    "the Jacobian of h (H units) with respect to x (D inputs) is (H, D): row i is dh_i/dx, the gradient of one "
    "output unit. You returned its transpose (D, H): the H rows, each (1, D), go one under the other, along "
    "axis 0";
const char* const kLeafHint =
    "autograd::grad differentiates with respect to a tensor that the graph depends on, and x_row as given does not "
    "require grad. Make a leaf copy of it that does (a new tensor from its value), compute h from that copy, and "
    "differentiate with respect to the copy";
const char* const kJacobianHint =
    "row i of J is dh_i/dx: the vector-Jacobian product of h with a seed of h's shape (1, H) that is 1 at unit "
    "i and 0 elsewhere. By hand: dh_i/dx_j = h_i (1 - h_i) W_ji";
const char* const kCreateGraphHint =
    "the Jacobian must itself be a tensor of W and b on the tape: pass autograd::create_graph to autograd::grad. "
    "Without it the rows come back as plain numbers, and the penalty has no gradient with respect to W";
const char* const kClosedFormJacobianHint =
    "the values are right, but this Jacobian was written from the closed formula h_i (1 - h_i) W_ji: this part asks "
    "for it from the engine, one vector-Jacobian product per output unit (slide 24's dh/dx as the tape computes "
    "it). The closed formula belongs in penalty_closed_form";
const char* const kClosedFormPenaltyHint =
    "penalty_explicit must be built from your jacobian of each row (the engine's sweeps); the closed form belongs "
    "in penalty_closed_form. Both must give one number, and the check compares them";
const char* const kSlopeSquaredHint =
    "(dh_i/dx_j)^2 = (h_i (1 - h_i))^2 W_ji^2: square the sigmoid's slope h (1 - h) too, not only W";
const char* const kAxisHint =
    "sum_j W_ji^2 is one number per hidden unit i, a sum over the input index j: W is (D, H), so that is "
    "a sum over axis 0 of W squared, an (H,) row that broadcasts against the (N, H) slopes. Over axis 1 it "
    "gives one number per input instead";
const char* const kMeanHint =
    "the penalty is averaged over the batch, (1/N) sum_n ||J(x_n)||_F^2, not summed: divide by N";
const char* const kPenaltyHint =
    "||J(x_n)||_F^2 = sum_i sum_j (dh_ni/dx_nj)^2 = sum_i (h_ni (1 - h_ni))^2 sum_j W_ji^2, then the mean over the "
    "N rows of x";
const char* const kGradHint =
    "a right value with a wrong gradient means the tape did not see part of the penalty: build it from tensor ops "
    "only (no .value() in the middle), so that backward reaches x, W and b";

// Which usual mistake a wrong penalty value is; the general hint when none fits.
const char* penalty_hint(double got, const Array& x, const Array& W, const Array& b) {
    if (close(got, penalty_ref(x, W, b, Variant::BatchSum))) return kMeanHint;
    if (close(got, penalty_ref(x, W, b, Variant::SlopeNotSquared))) return kSlopeSquaredHint;
    if (W.shape()[0] == W.shape()[1] && close(got, penalty_ref(x, W, b, Variant::RowNorms))) return kAxisHint;
    return kPenaltyHint;
}

// The hint for a wrong gradient: the value's own mistake when the value is wrong too (the
// gradient follows the value), else kGradHint.
std::string gradient_hint(const Tensor64& penalty, const Array& x, const Array& W, const Array& b) {
    const double want = penalty_ref(x, W, b);
    if (close(penalty.item(), want)) return kGradHint;
    return fmt::format("the value itself is wrong ({:.10g} instead of {:.10g}), and the gradient with it: {}",
                       penalty.item(), want, penalty_hint(penalty.item(), x, W, b));
}

// Runs one penalty and compares it with the formula. A ShapeError from broadcasting (N, H)
// against the column norms almost always means they were summed over the wrong axis of W.
void expect_penalty(lab::Check& c, const std::string& what,
                    const std::function<Tensor64(const Tensor64&, const Tensor64&, const Tensor64&)>& penalty,
                    const Array& x, const Array& W, const Array& b) {
    Tensor64 p;
    try {
        p = penalty(Tensor64(x), Tensor64(W), Tensor64(b));
    } catch (const autograd::ShapeError& e) {
        c.fail(what, "a scalar", std::string("your code threw: ") + e.what(), kAxisHint);
    } catch (const std::logic_error& e) {
        if (std::string(e.what()).find("does not require grad") == std::string::npos) throw;
        c.fail(what, "a scalar", std::string("your code threw: ") + e.what(), kLeafHint);
    }
    c.expect(p.defined(), what, "a scalar", "an undefined tensor", kPenaltyHint);
    c.expect_shape(what, p.shape(), {},
                   "the penalty is one number: a tensor of shape () (autograd::sum or mean over everything)");
    const double want = penalty_ref(x, W, b);
    c.expect_close(what, p.value(), Array(want), 1e-9, 1e-300, penalty_hint(p.item(), x, W, b));
}

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("08", "the contractive penalty: the Jacobian of a sigmoid layer", argc, argv,
                       /*default_seed=*/4108);
    autograd::Generator gen = grader.generator(1);
    // A hidden layer: D in 4-6 inputs, H in 2-3 units (so D != H: a transposed Jacobian shows),
    // N in 3-5 rows. Weights of moderate size, so that the sigmoid is not saturated.
    const std::size_t D = 4 + gen.below(3), H = 2 + gen.below(2), N = 3 + gen.below(3);
    const Array x = autograd::uniform<double>({N, D}, -1.0, 1.0, gen).value();
    const Array W = autograd::uniform<double>({D, H}, -1.5, 1.5, gen).value();
    const Array b = autograd::uniform<double>({H}, -0.5, 0.5, gen).value();
    // A square layer too (D == H), where W's two axes have the same length.
    const std::size_t S = 3 + gen.below(2), Ns = 2 + gen.below(3);
    const Array xs = autograd::uniform<double>({Ns, S}, -1.0, 1.0, gen).value();
    const Array Ws = autograd::uniform<double>({S, S}, -1.5, 1.5, gen).value();
    const Array bs = autograd::uniform<double>({S}, -0.5, 0.5, gen).value();
    const std::string layer = fmt::format("x ({}, {}), W ({}, {}), b ({},)", N, D, D, H, H);

    // The student's Jacobian of row n, turning "x_row does not require grad" into its hint.
    auto jacobian_of = [&](lab::Check& c, const Array& x_row, const Tensor64& Wt, const Tensor64& bt) {
        try {
            return ex08::jacobian(Tensor64(x_row), Wt, bt);
        } catch (const std::logic_error& e) {
            if (std::string(e.what()).find("does not require grad") == std::string::npos) throw;
            c.fail("jacobian(x_row, W, b) with x_row, W and b plain tensors (no requires_grad)", "an (H, D) Jacobian",
                   std::string("your code threw: ") + e.what(), kLeafHint);
        }
    };
    auto row = [&](std::size_t n) { return Array(xt::view(x, xt::range(n, n + 1), xt::all())); };  // (1, D)

    grader.check("the Jacobian is (H, D): one row per hidden unit", [&](lab::Check& c) {
        const Tensor64 J = jacobian_of(c, row(0), Tensor64(W), Tensor64(b));
        c.expect(J.defined(), "jacobian(x_row, W, b)", "a tensor", "an undefined tensor", kJacobianHint);
        const autograd::Shape want{H, D};
        c.expect_shape(fmt::format("jacobian for x_row (1, {}) and W ({}, {})", D, D, H), J.shape(), want,
                       J.shape() == autograd::Shape{D, H} ? kTransposedHint : kJacobianHint);
    });

    grader.check("the Jacobian equals central differences of h = sigmoid(x W + b)", [&](lab::Check& c) {
        for (std::size_t n = 0; n < N; ++n) {
            const Tensor64 J = jacobian_of(c, row(n), Tensor64(W), Tensor64(b));
            const Array want = jacobian_numeric(row(n), W, b);
            const std::string what = fmt::format("dh/dx at row {} of x, for {}", n, layer);
            if (J.defined() && J.shape() == autograd::Shape{D, H})
                c.fail(what + ": its shape", lab::shape_text({H, D}), lab::shape_text(J.shape()), kTransposedHint);
            if (J.defined() && J.shape() == autograd::Shape{H, D} && xt::all(xt::equal(J.value(), 0.0)))
                c.fail(what, lab::values_text(want), "all zeros: " + lab::values_text(J.value()), kLeafHint);
            c.expect_close(what, lab::value_of(J), want, 1e-6, 1e-9, kJacobianHint);
        }
    });

    grader.check("the Jacobian comes from the engine's sweeps, not from the closed formula", [&](lab::Check& c) {
        const std::size_t before = autograd::sweeps_run();
        jacobian_of(c, row(0), Tensor64(W), Tensor64(b));
        const std::size_t sweeps = autograd::sweeps_run() - before;
        c.expect(sweeps > 0, "reverse sweeps run inside jacobian(x_row, W, b)", "at least one (grad, one row per unit)",
                 "none: the Jacobian was not computed by the engine", kClosedFormJacobianHint);
    });

    grader.check("the Jacobian is differentiable in W and b (create_graph)", [&](lab::Check& c) {
        const Tensor64 Wl(W, /*requires_grad=*/true), bl(b, /*requires_grad=*/true);
        const Tensor64 J = jacobian_of(c, row(0), Wl, bl);
        if (J.defined() && xt::all(xt::equal(J.value(), 0.0)))
            c.fail("jacobian(x_row, W, b) with W and b requiring grad", "dh/dx, not zero",
                   "all zeros: " + lab::values_text(J.value()), kLeafHint);
        c.expect(J.defined() && J.requires_grad(), "jacobian(x_row, W, b) with W and b requiring grad",
                 "a tensor with a history (requires_grad)", "a tensor with no history: its entries are constants",
                 kCreateGraphHint);
        const autograd::GradcheckResult r = autograd::gradcheck(
            [&](const std::vector<Tensor64>& in) { return ex08::jacobian(Tensor64(row(0)), in[0], in[1]); }, {Wl, bl});
        c.expect(r.ok && r.checked > 0, "d J / d W and d J / d b", "backward's numbers equal the numeric ones",
                 r.report, kCreateGraphHint);
    });

    grader.check("the closed form equals (1/N) sum_n sum_i (h_ni (1 - h_ni))^2 sum_j W_ji^2", [&](lab::Check& c) {
        expect_penalty(c, "penalty_closed_form for " + layer, ex08::penalty_closed_form, x, W, b);
        expect_penalty(c, fmt::format("penalty_closed_form for a square W ({}, {})", S, S), ex08::penalty_closed_form,
                       xs, Ws, bs);
    });

    grader.check("the explicit penalty, from the Jacobians, has the same value", [&](lab::Check& c) {
        const std::size_t before = autograd::sweeps_run();
        ex08::penalty_explicit(Tensor64(x), Tensor64(W), Tensor64(b));
        c.expect(autograd::sweeps_run() > before, "reverse sweeps run inside penalty_explicit", "one or more per row",
                 "none: the penalty was not computed from the Jacobians", kClosedFormPenaltyHint);
        expect_penalty(c, "penalty_explicit for " + layer, ex08::penalty_explicit, x, W, b);
        expect_penalty(c, fmt::format("penalty_explicit for a square W ({}, {})", S, S), ex08::penalty_explicit, xs, Ws,
                       bs);
    });

    // A ShapeError from a penalty is, as above, almost always W summed over the wrong axis.
    auto axis_errors = [](const std::function<void(lab::Check&)>& body) {
        return [body](lab::Check& c) {
            try {
                body(c);
            } catch (const autograd::ShapeError& e) {
                c.fail("the penalty", "a scalar", std::string("your code threw: ") + e.what(), kAxisHint);
            }
        };
    };

    // Both gradients in W and b against central differences of the formula.
    auto gradients = [&](lab::Check& c) {
        const auto [want_W, want_b] = penalty_gradient_numeric(x, W, b);
        const Tensor64 xc(x), Wl(W, /*requires_grad=*/true), bl(b, /*requires_grad=*/true);
        const Tensor64 closed = ex08::penalty_closed_form(xc, Wl, bl);
        c.expect(closed.requires_grad(), "penalty_closed_form with W and b requiring grad", "a tensor with a history",
                 "a constant", kGradHint);
        const std::vector<Tensor64> g_closed = autograd::grad(closed, {Wl, bl});
        const std::string closed_hint = gradient_hint(closed, x, W, b);
        c.expect_close("d penalty_closed_form / dW", g_closed[0].value(), want_W, 1e-6, 1e-9, closed_hint);
        c.expect_close("d penalty_closed_form / db", g_closed[1].value(), want_b, 1e-6, 1e-9, closed_hint);
        const Tensor64 expl = ex08::penalty_explicit(xc, Wl, bl);
        c.expect(!(expl.defined() && expl.item() == 0.0), "penalty_explicit with W and b requiring grad",
                 fmt::format("{:.10g}", penalty_ref(x, W, b)), "0: every Jacobian came back zero", kLeafHint);
        c.expect(expl.requires_grad(), "penalty_explicit with W and b requiring grad", "a tensor with a history",
                 "a constant: the Jacobians it was built from have no history", kCreateGraphHint);
        const std::vector<Tensor64> g_expl = autograd::grad(expl, {Wl, bl});
        const std::string expl_hint =
            close(expl.item(), penalty_ref(x, W, b)) ? std::string(kCreateGraphHint) : gradient_hint(expl, x, W, b);
        c.expect_close("d penalty_explicit / dW (through the Jacobians' own backward)", g_expl[0].value(), want_W, 1e-6,
                       1e-9, expl_hint);
        c.expect_close("d penalty_explicit / db (through the Jacobians' own backward)", g_expl[1].value(), want_b, 1e-6,
                       1e-9, expl_hint);
        const double gap = xt::amax(xt::abs(g_expl[0].value() - g_closed[0].value()))();
        c.note(fmt::format("largest |explicit - closed form| over d/dW: {:.1e}", gap));
    };
    grader.check("both gradients in W and b equal central differences (the explicit one by double backward)",
                 axis_errors(gradients));

    auto closed_form_gradcheck = [&](lab::Check& c) {
        const autograd::GradcheckResult r = autograd::gradcheck(
            [](const std::vector<Tensor64>& in) { return ex08::penalty_closed_form(in[0], in[1], in[2]); },
            {Tensor64(x), Tensor64(W), Tensor64(b)});
        c.expect(r.ok && r.checked > 0, "d penalty_closed_form / d(x, W, b)",
                 "backward's numbers equal the numeric ones", r.report,
                 gradient_hint(ex08::penalty_closed_form(Tensor64(x), Tensor64(W), Tensor64(b)), x, W, b));
    };
    grader.check("gradcheck: the closed form in x, W and b", axis_errors(closed_form_gradcheck));

    return grader.finish();
}
