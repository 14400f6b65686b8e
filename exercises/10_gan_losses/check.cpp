// check.cpp (exercise 10): grades ex10::discriminator_loss and ex10::generator_loss. Batch sizes
// and logits come from the grader's seed. The expected values and gradients are computed here
// from their formulas, in plain float64 arrays, with a softplus and a sigmoid that never overflow.
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Tensor64;
using Array = xt::xarray<double>;

namespace {

// ---- the references ----------------------------------------------------------------------------
// softplus(l) = log(1 + e^l) = max(l, 0) + log1p(e^-|l|): -log(1 - sigmoid(l)); softplus(-l) = -log sigmoid(l).
Array softplus_ref(const Array& l) { return xt::maximum(l, 0.0) + xt::log1p(xt::exp(-xt::abs(l))); }
Array sigmoid_ref(const Array& l) {
    Array s = Array::from_shape(l.shape());
    for (std::size_t i = 0; i < l.size(); ++i) {
        const double e = std::exp(-std::abs(l.data()[i]));
        s.data()[i] = l.data()[i] >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    }
    return s;
}
double mean_of(const Array& a) { return xt::mean(a)(); }
double sum_of(const Array& a) { return xt::sum(a)(); }
double count(const Array& a) { return static_cast<double>(a.size()); }

// J(D) = mean softplus(-real) + mean softplus(fake).
double d_loss_ref(const Array& real, const Array& fake) {
    return mean_of(softplus_ref(-real)) + mean_of(softplus_ref(fake));
}
// J(G) = mean softplus(-fake), the non-saturating loss.
double g_loss_ref(const Array& fake) { return mean_of(softplus_ref(-fake)); }

bool close(double a, double b) { return std::abs(a - b) <= 1e-9 * std::abs(b) + 1e-12; }
bool close(const Array& a, const Array& b) { return a.shape() == b.shape() && xt::allclose(a, b, 1e-9, 1e-12); }

// ---- hints -------------------------------------------------------------------------------------
const char* const kDLossHint =
    "J(D) = -mean log D(x) - mean log(1 - D(G(z))). In logits, -log sigmoid(l) = softplus(-l) and "
    "-log(1 - sigmoid(l)) = softplus(l): J(D) is the mean of softplus(-l) over the real logits plus the mean of "
    "softplus(l) over the fake ones";
const char* const kSwappedHint =
    "the discriminator is a binary classifier with label 1 for real and 0 for fake (slide 37): a real sample "
    "pays -log D(x) = softplus(-l), a fake one pays -log(1 - D(G(z))) = softplus(l). Yours has them the other way "
    "round";
const char* const kDSignHint =
    "J(D) is a loss to minimise, -[mean log D(x) + mean log(1 - D(G(z)))], with the minus in front: both of its "
    "terms are >= 0";
const char* const kMeanHint =
    "each term is a mean over its own batch (divide by N for the real logits, by M for the fake ones), not a sum";
const char* const kStableHint =
    "log(sigmoid(l)) breaks for large logits: 1 - sigmoid(200) is exactly 0 in float64 and sigmoid(-1000) too, "
    "and log 0 = -inf. Never take the log of a probability: -log sigmoid(l) = softplus(-l) and "
    "-log(1 - sigmoid(l)) = softplus(l), and softplus can be computed finite for any l (exercise 01)";
const char* const kNanGradientHint =
    "the loss is right and finite at these logits, but its gradient is not: a branch you did not pick still "
    "runs its backward. autograd::where chooses values, and the gradient of the branch not taken, inf or nan "
    "from e^1000, times the 0 of the mask is nan. Write each piece so it is finite for every logit (e^-|l| "
    "never overflows), or use autograd::softplus";
const char* const kMinimaxHint =
    "that is the minimax generator loss mean log(1 - D(G(z))) (J(G) = -J(D)). It saturates: its gradient in the "
    "logit, -D(G(z)) / M, vanishes exactly when D rejects the fakes. Use the non-saturating loss "
    "-mean log D(G(z)), the mean of softplus(-l) over the fake logits";
const char* const kGSignHint =
    "G wants D(G(z)) near 1: it minimises -log D(G(z)) = softplus(-l), which falls as the logit l rises. "
    "J(G) is the mean of softplus(-l) over the fake logits";
const char* const kGLossHint =
    "the non-saturating generator loss is J(G) = -mean log D(G(z)), the mean of softplus(-l) over the fake logits";

// Which usual mistake a wrong J(D) is; the formula when none fits.
const char* d_hint(double got, const Array& real, const Array& fake) {
    if (close(got, mean_of(softplus_ref(real)) + mean_of(softplus_ref(-fake)))) return kSwappedHint;
    if (close(got, -d_loss_ref(real, fake))) return kDSignHint;
    if (close(got, sum_of(softplus_ref(-real)) + sum_of(softplus_ref(fake)))) return kMeanHint;
    return kDLossHint;
}
// Which usual mistake a wrong J(G) is.
const char* g_hint(double got, const Array& fake) {
    if (close(got, -mean_of(softplus_ref(fake)))) return kMinimaxHint;
    if (close(got, mean_of(softplus_ref(fake))) || close(got, -g_loss_ref(fake))) return kGSignHint;
    if (close(got, sum_of(softplus_ref(-fake)))) return kMeanHint;
    return kGLossHint;
}
// The same from the gradients: d J(D) / d real and d J(D) / d fake.
const char* d_grad_hint(const Array& g_real, const Array& g_fake, const Array& real, const Array& fake) {
    const Array want_real = (sigmoid_ref(real) - 1.0) / count(real), want_fake = sigmoid_ref(fake) / count(fake);
    if (close(g_real, sigmoid_ref(real) / count(real)) && close(g_fake, (sigmoid_ref(fake) - 1.0) / count(fake)))
        return kSwappedHint;
    if (close(g_real, Array(-want_real)) && close(g_fake, Array(-want_fake))) return kDSignHint;
    if (close(g_real, Array(want_real * count(real))) && close(g_fake, Array(want_fake * count(fake))))
        return kMeanHint;
    return kDLossHint;
}
const char* g_grad_hint(const Array& g, const Array& fake) {
    const double M = count(fake);
    if (close(g, Array(-sigmoid_ref(fake) / M))) return kMinimaxHint;
    if (close(g, Array((1.0 - sigmoid_ref(fake)) / M)) || close(g, Array(sigmoid_ref(fake) / M))) return kGSignHint;
    if (close(g, Array(-(1.0 - sigmoid_ref(fake))))) return kMeanHint;
    return kGLossHint;
}

// A finite but wrong value at large logits: the usual mistake when one fits; otherwise (the
// moderate logits passed) digits lost to rounding, as in log(1 - sigmoid(30)).
const char* extreme_hint(const char* diagnosed, const char* general) {
    return diagnosed == general ? kStableHint : diagnosed;
}

// The gradient at the extreme logits against `want`; the hint is chosen from where it is wrong.
// Wrong only where a logit is exactly 0: a kink of the stable form's pieces (max(l, 0), |l|), each
// differentiated to 0 there, so the pieces no longer add up to softplus' derivative.
void expect_gradient_at(lab::Check& c, const std::string& what, const Array& got, const Array& want,
                        const Array& logits, const char* hint) {
    bool wrong_at_zero = false, wrong_elsewhere = false;
    double got_at_zero = 0.0, want_at_zero = 0.0;
    for (std::size_t i = 0; i < got.size() && got.size() == want.size(); ++i) {
        const double g = got.data()[i], w = want.data()[i];
        if (std::abs(g - w) <= 1e-12 + 1e-9 * std::abs(w)) continue;
        if (logits.data()[i] == 0.0) {
            if (!wrong_at_zero) got_at_zero = g, want_at_zero = w;
            wrong_at_zero = true;
        } else {
            wrong_elsewhere = true;
        }
    }
    const std::string kink = fmt::format(
        "at a logit of exactly 0 the gradient is {:.6g} where it must be {:.6g} (softplus'(0) = sigmoid(0) = 1/2, "
        "over the batch size), and right everywhere else: a piece of your stable form has a kink at 0 (max(l, 0) "
        "or |l|) whose backward gives 0 there, and the pieces no longer add up to softplus' derivative. "
        "autograd::softplus's backward is sigmoid, right at 0 too",
        got_at_zero, want_at_zero);
    c.expect_close(what, got, want, 1e-9, 1e-12, wrong_at_zero && !wrong_elsewhere ? kink.c_str() : hint);
}

// A (rows, 1) column of logits.
Array column(const Array& values) { return xt::reshape_view(values, {values.size(), std::size_t{1}}); }

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("10", "the GAN losses: J(D) and the non-saturating J(G), from logits", argc, argv,
                       /*default_seed=*/4110);
    autograd::Generator gen = grader.generator(1);
    // Hidden batches: N in 3-7 real logits, M = N + 1 to N + 4 fake ones (N != M: a term divided by
    // the other batch's size shows), logits in [-4, 4].
    const std::size_t N = 3 + gen.below(5), M = N + 1 + gen.below(4);
    const Array real = autograd::uniform<double>({N, 1}, -4.0, 4.0, gen).value();
    const Array fake = autograd::uniform<double>({M, 1}, -4.0, 4.0, gen).value();
    // Logits where a naive log(sigmoid(l)) breaks, and around them.
    const Array extremes = column({-1000.0, -200.0, -30.0, -1e-3, 0.0, 1e-3, 30.0, 200.0, 1000.0});
    const Array extremes_fake = column({1000.0, 200.0, 30.0, 0.0, -30.0, -200.0, -1000.0, 5.0});  // (8, 1)
    const std::string sizes = fmt::format("real_logits ({}, 1), fake_logits ({}, 1)", N, M);

    grader.check("J(D) = -mean log D(x) - mean log(1 - D(G(z)))", [&](lab::Check& c) {
        const Tensor64 J = ex10::discriminator_loss(Tensor64(real), Tensor64(fake));
        c.expect(J.defined(), "discriminator_loss", "a scalar", "an undefined tensor", kDLossHint);
        c.expect_shape("discriminator_loss", J.shape(), {},
                       "the loss is one number: a tensor of shape () (mean or "
                       "sum over everything)");
        c.expect_close("discriminator_loss for " + sizes, J.value(), Array(d_loss_ref(real, fake)), 1e-12, 1e-300,
                       d_hint(J.item(), real, fake));
    });

    grader.check("J(G) = -mean log D(G(z)), the non-saturating loss", [&](lab::Check& c) {
        const Tensor64 J = ex10::generator_loss(Tensor64(fake));
        c.expect(J.defined(), "generator_loss", "a scalar", "an undefined tensor", kGLossHint);
        c.expect_shape("generator_loss", J.shape(), {}, "the loss is one number: a tensor of shape ()");
        c.expect_close(fmt::format("generator_loss for fake_logits ({}, 1)", M), J.value(), Array(g_loss_ref(fake)),
                       1e-12, 1e-300, g_hint(J.item(), fake));
    });

    grader.check(
        "both stay finite and right, with their gradients, at logits of 0, +-200 and +-1000", [&](lab::Check& c) {
            const std::string where = "logits " + lab::values_text(extremes, 9);
            const std::string both = "real " + where + " and fake " + lab::values_text(extremes_fake, 8);
            const Tensor64 r(extremes, /*requires_grad=*/true), f(extremes_fake, /*requires_grad=*/true);
            const Tensor64 Jd = ex10::discriminator_loss(r, f);
            c.expect_finite("discriminator_loss at " + both, lab::value_of(Jd), kStableHint);
            c.expect_close("discriminator_loss at " + both, lab::value_of(Jd),
                           Array(d_loss_ref(extremes, extremes_fake)), 1e-12, 1e-300,
                           extreme_hint(d_hint(Jd.item(), extremes, extremes_fake), kDLossHint));
            const Tensor64 Jg = ex10::generator_loss(f);
            c.expect_finite("generator_loss at fake " + lab::values_text(extremes_fake, 8), lab::value_of(Jg),
                            kStableHint);
            c.expect_close("generator_loss at fake " + lab::values_text(extremes_fake, 8), lab::value_of(Jg),
                           Array(g_loss_ref(extremes_fake)), 1e-12, 1e-300,
                           extreme_hint(g_hint(Jg.item(), extremes_fake), kGLossHint));
            const std::vector<Tensor64> gd = autograd::grad(Jd, {r, f});
            const Tensor64 gg = autograd::grad(Jg, {f})[0];
            // The values passed above: a gradient that is not finite comes from the backward alone.
            c.expect_finite("d discriminator_loss / d real_logits at " + where, gd[0].value(), kNanGradientHint);
            c.expect_finite("d discriminator_loss / d fake_logits", gd[1].value(), kNanGradientHint);
            c.expect_finite("d generator_loss / d fake_logits", gg.value(), kNanGradientHint);
            // Right, not only finite: the same formulas as at moderate logits, at every extreme and at 0.
            expect_gradient_at(c, "d discriminator_loss / d real_logits at " + where, gd[0].value(),
                               (sigmoid_ref(extremes) - 1.0) / count(extremes), extremes, kStableHint);
            expect_gradient_at(c, "d discriminator_loss / d fake_logits at " + lab::values_text(extremes_fake, 8),
                               gd[1].value(), sigmoid_ref(extremes_fake) / count(extremes_fake), extremes_fake,
                               kStableHint);
            expect_gradient_at(c, "d generator_loss / d fake_logits at " + lab::values_text(extremes_fake, 8),
                               gg.value(), -(1.0 - sigmoid_ref(extremes_fake)) / count(extremes_fake), extremes_fake,
                               kStableHint);
        });

    grader.check("d J(D) / d logit: (D(x) - 1) / N on real, D(G(z)) / M on fake", [&](lab::Check& c) {
        const Tensor64 r(real, /*requires_grad=*/true), f(fake, /*requires_grad=*/true);
        const Tensor64 J = ex10::discriminator_loss(r, f);
        c.expect(J.requires_grad(), "discriminator_loss of logits that require grad", "a tensor with a history",
                 "a constant",
                 "build the loss from autograd ops on the logits (no .value()), so that it has a gradient");
        const std::vector<Tensor64> g = autograd::grad(J, {r, f});
        const char* hint = d_grad_hint(g[0].value(), g[1].value(), real, fake);
        c.expect_close(fmt::format("d J(D) / d real_logits, N = {}", N), g[0].value(),
                       (sigmoid_ref(real) - 1.0) / count(real), 1e-9, 1e-12, hint);
        c.expect_close(fmt::format("d J(D) / d fake_logits, M = {}", M), g[1].value(), sigmoid_ref(fake) / count(fake),
                       1e-9, 1e-12, hint);
    });

    grader.check("d J(G) / d logit = -(1 - D(G(z))) / M", [&](lab::Check& c) {
        const Tensor64 f(fake, /*requires_grad=*/true);
        const Tensor64 J = ex10::generator_loss(f);
        c.expect(J.requires_grad(), "generator_loss of logits that require grad", "a tensor with a history",
                 "a constant",
                 "build the loss from autograd ops on the logits (no .value()), so that it has a gradient");
        const Tensor64 g = autograd::grad(J, {f})[0];
        c.expect_close(fmt::format("d J(G) / d fake_logits, M = {}", M), g.value(),
                       -(1.0 - sigmoid_ref(fake)) / count(fake), 1e-9, 1e-12, g_grad_hint(g.value(), fake));
    });

    grader.check("gradcheck: both losses against central differences", [&](lab::Check& c) {
        const autograd::GradcheckResult rd =
            autograd::gradcheck([](const std::vector<Tensor64>& in) { return ex10::discriminator_loss(in[0], in[1]); },
                                {Tensor64(real), Tensor64(fake)});
        c.expect(rd.ok && rd.checked > 0, "d discriminator_loss / d(real_logits, fake_logits)",
                 "backward's numbers equal the numeric ones", rd.report, kDLossHint);
        const autograd::GradcheckResult rg = autograd::gradcheck(
            [](const std::vector<Tensor64>& in) { return ex10::generator_loss(in[0]); }, {Tensor64(fake)});
        c.expect(rg.ok && rg.checked > 0, "d generator_loss / d fake_logits",
                 "backward's numbers equal the numeric ones", rg.report, kGLossHint);
    });

    grader.check("slide 37: when D rejects the fakes (logit -10), G still gets a gradient", [&](lab::Check& c) {
        // D(G(z)) = sigmoid(-10) = 4.5e-5: D is sure the samples are fake, as early in training.
        const Array rejected = xt::full_like(fake, -10.0);  // (M, 1)
        const double d = sigmoid_ref(Array{-10.0})(0);
        const Tensor64 f(rejected, /*requires_grad=*/true);
        const Tensor64 g = autograd::grad(ex10::generator_loss(f), {f})[0];
        // The minimax loss mean log(1 - D(G(z))) = -mean softplus(l), through the library's ops.
        const Tensor64 fm(rejected, /*requires_grad=*/true);
        const Tensor64 g_minimax = autograd::grad(-autograd::mean(autograd::softplus(fm)), {fm})[0];
        const double per_sample = g.value()(0, 0), per_sample_minimax = g_minimax.value()(0, 0);
        c.expect_close(fmt::format("d J(G) / d fake_logits at logits -10 (D(G(z)) = {:.2e}), M = {}", d, M), g.value(),
                       -(1.0 - sigmoid_ref(rejected)) / count(rejected), 1e-9, 1e-12, g_grad_hint(g.value(), rejected));
        c.note(
            fmt::format("D(G(z)) = {:.2e}: per-sample gradient in the logit, non-saturating {:.3e} "
                        "(-(1 - D)/M), minimax {:.3e} (-D/M): {:.0f} times larger",
                        d, per_sample, per_sample_minimax, per_sample / per_sample_minimax));
    });

    return grader.finish();
}
