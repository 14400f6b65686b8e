// check.cpp (exercise 02): grades ex02::sum_to_shape, ex02::add and ex02::mul. Shapes and values
// come from the grader's seed. The expected gradients come from the library's own sum_to, which
// the student re-implements (so the reference never goes through the student's code).
#include <string>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Shape;
using autograd::Tensor64;
using lab::shape_text;

namespace {

const char* const kSumValueHint =
    "sum over exactly the axes broadcasting stretched: the leading axes the input lacks, and the axes "
    "where the input has size 1 but the gradient has more; leave every other axis alone";
const char* const kNothingToSumHint =
    "when the gradient already has the input's shape there is no axis to sum: return g as it is "
    "(autograd::sum refuses an empty list of axes)";
const char* const kOpsHint =
    "build the result from tape ops (a sum that keeps its axes, then a reshape): "
    "an array computed from g.value() is a constant to the tape, so a second derivative through your "
    "backward would be lost";
const char* const kNotSumToHint =
    "autograd::sum_to is what this exercise re-implements: build it from the tape's own sum over axes and "
    "reshape instead";
const char* const kGradGradHint =
    "second derivatives differentiate your backward itself: every step of it, sum_to_shape included, must "
    "be a tape op (sums, reshapes, products of tensors), never arithmetic on .value()";

// A fresh leaf with a's value that requires grad.
Tensor64 leaf(const Tensor64& a) { return Tensor64(a.value(), /*requires_grad=*/true); }

// Whether an op named `op` is on the tape behind t.
bool tape_has(const Tensor64& t, const std::string& op) {
    std::vector<Tensor64> todo{t};
    std::unordered_set<const void*> seen;
    while (!todo.empty()) {
        const Tensor64 n = todo.back();
        todo.pop_back();
        if (!n.defined() || !seen.insert(n.node()).second) continue;
        if (op == n.op()) return true;
        for (const Tensor64& in : n.inputs()) todo.push_back(in);
    }
    return false;
}

// The hint for a result of the wrong shape: which of the two kinds of axes went wrong.
std::string shape_hint(const Shape& g, const Shape& want, const Shape& got) {
    if (got.size() < want.size())
        return fmt::format(
            "an axis where the input has size 1 is summed, but it must stay, as size 1: the input is {}, not {}. "
            "Sum so that the summed axes are kept (keepdims), and reshape to the input's shape at the end",
            shape_text(want), shape_text(got));
    if (got.size() > want.size())
        return fmt::format(
            "the gradient {} has {} more leading axes than the input {}: sum over them and drop them "
            "(autograd::reshape to the input's shape at the end)",
            shape_text(g), g.size() - want.size(), shape_text(want));
    return fmt::format(
        "the result must have the input's shape {}: sum over every axis where the input has size 1 "
        "and the gradient {} has more",
        shape_text(want), shape_text(g));
}

// sum_to_shape(g, shape) checked against the library's sum_to: its shape, then its numbers.
void expect_sum_to(lab::Check& c, const Tensor64& g, const Shape& shape) {
    const std::string what = fmt::format("sum_to_shape(g of shape {}, {})", shape_text(g.shape()), shape_text(shape));
    Tensor64 got;
    try {
        got = ex02::sum_to_shape(g, shape);
    } catch (const lab::NotDone&) {
        throw;
    } catch (const std::exception& e) {
        c.fail(what, "a tensor of shape " + shape_text(shape), std::string("it threw: ") + e.what(),
               g.shape() == shape ? kNothingToSumHint : kSumValueHint);
    }
    c.expect(got.defined(), what, "a tensor of shape " + shape_text(shape), "an undefined tensor", kSumValueHint);
    c.expect_shape(what, got.shape(), shape, shape_hint(g.shape(), shape, got.shape()));
    c.expect_close(what, got.value(), autograd::sum_to(g, shape).value(), 1e-12, 1e-12, kSumValueHint);
}

// One case of a broadcasting op: its operands and what the case is called.
struct Case {
    std::string name;
    Tensor64 a, b;
};

// How each op is described, its forward reference and its gradients by the textbook formula.
struct OpSpec {
    const char* name;  // "my_add"
    Tensor64 (*op)(const Tensor64&, const Tensor64&);
    bool is_mul;
};

// The gradients for a and b of a + b (or a * b), given d loss / d out = seed, by the library.
std::vector<xt::xarray<double>> expected_grads(const OpSpec& spec, const Tensor64& a, const Tensor64& b,
                                               const Tensor64& seed) {
    autograd::NoGradGuard no_grad;
    if (!spec.is_mul) return {autograd::sum_to(seed, a.shape()).value(), autograd::sum_to(seed, b.shape()).value()};
    return {autograd::sum_to(seed * b, a.shape()).value(), autograd::sum_to(seed * a, b.shape()).value()};
}

void check_op_case(lab::Check& c, const OpSpec& spec, const Case& k, autograd::Generator& gen) {
    const Tensor64 a = leaf(k.a), b = leaf(k.b);
    const std::string call = fmt::format("{}(a of shape {}, b of shape {})", spec.is_mul ? "mul" : "add",
                                         shape_text(a.shape()), shape_text(b.shape()));
    const Tensor64 y = spec.op(a, b);
    const xt::xarray<double> want =
        spec.is_mul ? xt::xarray<double>(a.value() * b.value()) : xt::xarray<double>(a.value() + b.value());
    c.expect(y.defined(), call, "a tensor", "an undefined tensor", "return the tensor autograd::record gives back");
    c.expect_close(call, y.value(), want, 1e-12, 1e-12,
                   fmt::format("the value is a {} b elementwise, broadcast as NumPy does (a.value() {} b.value())",
                               spec.is_mul ? "*" : "+", spec.is_mul ? "*" : "+"));
    c.expect(y.requires_grad() && y.op() == std::string(spec.name) && y.node()->backward, "the output's op",
             fmt::format("\"{}\", with a and b as its inputs", spec.name), fmt::format("\"{}\"", y.op()),
             fmt::format("return autograd::record<double>(\"{}\", value, {{a, b}}, backward): recording the op is "
                         "what lets backward() find your closure",
                         spec.name));

    // The backward closure, called as the engine calls it, with a gradient from above that is not all ones.
    const Tensor64 seed = autograd::uniform<double>(y.shape(), 0.5, 2.0, gen);
    autograd::Grads<double> grads;
    try {
        autograd::NoGradGuard no_grad;
        grads = y.node()->backward(y, seed);
    } catch (const lab::NotDone&) {
        throw;
    } catch (const std::exception& e) {
        c.fail(fmt::format("{}'s backward", spec.name), "a gradient for a and one for b",
               std::string("it threw: ") + e.what(),
               "your backward threw this: the message names the op that refused its input (a mistake inside "
               "sum_to_shape shows in its own checks above)");
    }
    c.expect(grads.size() == 2, fmt::format("{}'s backward", spec.name), "2 gradients (for a, then for b)",
             fmt::format("{}", grads.size()), "return autograd::Grads<double>{gradient for a, gradient for b}");
    const std::vector<xt::xarray<double>> want_grads = expected_grads(spec, a, b, seed);
    for (std::size_t i = 0; i < 2; ++i) {
        const Tensor64& input = i == 0 ? a : b;
        const char* name = i == 0 ? "a" : "b";
        const char* other = i == 0 ? "b" : "a";
        const std::string what = fmt::format("the gradient for {} (shape {}) that {}'s backward returns, in {}", name,
                                             shape_text(input.shape()), spec.name, call);
        c.expect(grads[i].defined(), what, "a tensor of shape " + shape_text(input.shape()), "an undefined tensor",
                 fmt::format("{} requires grad: return its gradient", name));
        if (grads[i].shape() != input.shape())
            c.fail(what + ": its shape", shape_text(input.shape()), shape_text(grads[i].shape()),
                   fmt::format("the gradient has shape {} but the input has shape {}: sum the gradient back to the "
                               "input's shape (sum_to_shape(..., {}.shape()))",
                               shape_text(grads[i].shape()), shape_text(input.shape()), name));
        std::string hint;
        if (!spec.is_mul) {
            hint = fmt::format("d(a + b)/d{} = 1: the gradient for {} is grad_out summed back to {}'s shape", name,
                               name, name);
        } else {
            // The usual slip: grad_out times the operand itself instead of the other one.
            const Tensor64 own = autograd::sum_to(seed * input, input.shape());
            const bool used_own = xt::allclose(grads[i].value(), own.value(), 1e-9, 1e-12);
            hint = fmt::format(
                "{}d(a * b)/d{} = {}, the other operand: the gradient for {} is grad_out * {}, summed "
                "back to {}'s shape",
                used_own ? fmt::format("this is grad_out * {}, but ", name) : "", name, other, name, other, name);
        }
        c.expect_close(what + ", given d loss / d out = " + lab::values_text(seed.value(), 3), grads[i].value(),
                       want_grads[i], 1e-10, 1e-12, hint);
    }

    // The whole op against central differences, through the engine.
    const autograd::GradcheckResult r =
        autograd::gradcheck([&spec](const std::vector<Tensor64>& in) { return spec.op(in[0], in[1]); }, {k.a, k.b});
    c.expect(r.ok && r.checked > 0, "gradcheck of " + call, "backward's numbers equal the numeric ones", r.report,
             spec.is_mul ? "d(a * b)/da = b and d(a * b)/db = a, each summed back to its input's shape"
                         : "d(a + b)/da = d(a + b)/db = 1, each summed back to its input's shape");
}

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("02", "broadcasting in backward: sum_to_shape, add and mul", argc, argv,
                       /*default_seed=*/4202);
    autograd::Generator gen = grader.generator(1);
    // Hidden sizes: R rows and C columns (C != R, so that a transposed shape shows), B a leading
    // batch axis, N the rows of the (N, C) + (C,) case.
    const std::size_t R = 2 + gen.below(3), C = R + 1 + gen.below(3), B = 2 + gen.below(3), N = 2 + gen.below(4);
    const auto draw = [&gen](const Shape& shape) { return autograd::uniform<double>(shape, -2.0, 2.0, gen); };
    const Tensor64 g2 = draw({R, C}), g3 = draw({B, R, C});

    // ---- sum_to_shape ----
    grader.check("sum_to_shape: axes of size 1 are summed and kept, (R, C) to (R, 1) and to (1, C)",
                 [&](lab::Check& c) {
                     expect_sum_to(c, g2, {R, 1});
                     expect_sum_to(c, g2, {1, C});
                 });
    grader.check("sum_to_shape: leading axes are summed away, (R, C) to (C,) and (B, R, C) to (R, C)",
                 [&](lab::Check& c) {
                     expect_sum_to(c, g2, {C});
                     expect_sum_to(c, g3, {R, C});
                 });
    grader.check("sum_to_shape: both kinds at once, (B, R, C) to (R, 1) and to (1, C), (R, C) to () a scalar",
                 [&](lab::Check& c) {
                     expect_sum_to(c, g3, {R, 1});
                     expect_sum_to(c, g3, {1, C});
                     expect_sum_to(c, g2, {});
                 });
    grader.check("sum_to_shape: a gradient that has the input's shape comes back as it is", [&](lab::Check& c) {
        expect_sum_to(c, g2, {R, C});
        expect_sum_to(c, g3, {B, R, C});
    });
    grader.check("sum_to_shape is made of tape ops (not autograd::sum_to) and passes gradcheck", [&](lab::Check& c) {
        const Tensor64 g = leaf(g3);
        const Tensor64 s = ex02::sum_to_shape(g, {R, 1});
        const std::string what = fmt::format("sum_to_shape(g of shape {}, {}) with g requiring grad",
                                             shape_text(g.shape()), shape_text(Shape{R, 1}));
        c.expect(s.defined() && s.requires_grad(), what, "a tensor with a history on the tape",
                 "a constant (op \"leaf\", no history)", kOpsHint);
        c.expect(!tape_has(s, "sum_to"), what, "a tape without the op \"sum_to\"", "the op \"sum_to\" on its tape",
                 kNotSumToHint);
        const autograd::GradcheckResult r = autograd::gradcheck(
            [&](const std::vector<Tensor64>& in) {
                return ex02::sum_to_shape(in[0], {R, 1});
            },
            {g3});
        c.expect(r.ok && r.checked > 0, "gradcheck of " + what, "backward's numbers equal the numeric ones", r.report,
                 kOpsHint);
    });

    // ---- add and mul, in the three cases of broadcasting ----
    const std::vector<Case> cases{
        {"(R, 1) with (1, C)", draw({R, 1}), draw({1, C})},
        {"(N, C) with (C,)", draw({N, C}), draw({C})},
        {"a scalar () with (R, C)", draw({}), draw({R, C})},
    };
    const std::vector<OpSpec> ops{{"my_add", &ex02::add, false}, {"my_mul", &ex02::mul, true}};
    for (const OpSpec& spec : ops)
        for (const Case& k : cases)
            grader.check(fmt::format("{}: value, op, and each gradient in its input's shape, for {}",
                                     spec.is_mul ? "mul" : "add", k.name),
                         [&](lab::Check& c) { check_op_case(c, spec, k, gen); });

    grader.check("gradgradcheck: mul's second derivative, through your backward and sum_to_shape", [&](lab::Check& c) {
        const autograd::GradcheckResult r = autograd::gradgradcheck(
            [](const std::vector<Tensor64>& in) { return ex02::mul(in[0], in[1]); }, {cases[0].a, cases[0].b});
        c.expect(r.ok && r.checked > 0, "d/d(a, b) of your backward of mul, for (R, 1) with (1, C)",
                 "the numeric second derivatives", r.report.empty() ? "no second derivative at all" : r.report,
                 kGradGradHint);
    });

    return grader.finish();
}
