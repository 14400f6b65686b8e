// check.cpp (exercise 07): grades ex07::reparameterize and ex07::gaussian_kl. Shapes, mu, logvar
// and eps come from the grader's seed, and so do the Monte Carlo samples.
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Generator;
using autograd::Tensor64;

namespace {

const char* const kTrickHint =
    "the sample must be a function of mu and logvar on the tape, that is the trick: z = mu + exp(logvar / 2) eps "
    "computed with tensor ops on the tensors mu and logvar. A z computed from mu.value() and logvar.value() has "
    "the right value but no history, so no gradient reaches the encoder";
const char* const kSigmaHint =
    "sigma = exp(logvar / 2): logvar is log sigma^2, so sigma = sqrt(e^logvar) = e^(logvar / 2). exp(logvar) is "
    "the variance sigma^2, not the standard deviation";
const char* const kZHint = "z = mu + sigma * eps, elementwise, with sigma = exp(logvar / 2) (Scott slide 29)";
const char* const kKlHint =
    "KL(N(mu, sigma^2) || N(0, 1)) = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j)) for one example; here "
    "summed over the latent dimensions and averaged over the N rows";

// The reference z by hand, and a wrong one: sigma taken as exp(logvar).
xt::xarray<double> z_by_hand(const xt::xarray<double>& mu, const xt::xarray<double>& logvar,
                             const xt::xarray<double>& eps, double half = 0.5) {
    return mu + xt::exp(logvar * half) * eps;
}

// The KL and the usual wrong versions of it, by hand.
struct KlCandidates {
    double right = 0.0, no_one = 0.0, swapped = 0.0, sigma_exp = 0.0;
    std::size_t N = 0, L = 0;
};

KlCandidates kl_by_hand(const xt::xarray<double>& mu, const xt::xarray<double>& logvar) {
    KlCandidates k;
    k.N = mu.shape()[0], k.L = mu.shape()[1];
    const double n = static_cast<double>(k.N);
    for (std::size_t i = 0; i < mu.size(); ++i) {
        const double m = mu.data()[i], v = logvar.data()[i];
        k.right += -0.5 * (1.0 + v - m * m - std::exp(v)) / n;
        k.no_one += -0.5 * (v - m * m - std::exp(v)) / n;
        k.swapped += -0.5 * (1.0 + std::exp(v) - m * m - v) / n;
        // Slide 28's form 1/2 (sigma^2 + mu^2 - 1 - log sigma^2) with sigma taken as exp(logvar).
        k.sigma_exp += 0.5 * (std::exp(2.0 * v) + m * m - 1.0 - 2.0 * v) / n;
    }
    return k;
}

bool near(double a, double b) { return std::abs(a - b) <= 1e-9 * (1.0 + std::abs(b)); }

std::string diagnose_kl(double got, const KlCandidates& k) {
    const double n = static_cast<double>(k.N), l = static_cast<double>(k.L);
    if (near(got, -k.right))
        return std::string("the sign: a KL divergence is never negative, and this one is -1/2 times the sum. ") +
               kKlHint;
    if (near(got, k.no_one))
        return "the 1 is missing: each latent dimension contributes -1/2 (1 + logvar - mu^2 - exp(logvar)), which "
               "is 0 at mu = 0, logvar = 0 only with the 1 in it";
    if (near(got, k.swapped))
        return "logvar and exp(logvar) have traded places: the terms are 1 + logvar - mu^2 - exp(logvar), with "
               "logvar = log sigma^2 added and exp(logvar) = sigma^2 subtracted";
    if (near(got, k.sigma_exp))
        return std::string(
                   "written with sigma, slide 28's form 1/2 (sigma^2 + mu^2 - 1 - log sigma^2) is right, "
                   "but ") +
               kSigmaHint;
    if (near(got, k.right * n))
        return "average over the batch: sum over the latent dimensions and the rows, then divide by N, the number "
               "of rows (the KL per example). This is the sum over the batch, N times too large; models/vae.cpp "
               "uses that sum (Reduction::Sum), this exercise the per-example mean (Reduction::BatchMean)";
    if (near(got, k.right / l))
        return "sum over the latent dimensions: the KL of one example is the sum over its L dimensions, and only "
               "the batch is averaged. This is the mean over all N x L elements, L times too small";
    return kKlHint;
}

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("07", "the reparameterization trick and the Gaussian KL", argc, argv, /*default_seed=*/4107);
    Generator setup = grader.generator(1);
    // A hidden shape: N = 2-6 rows, L = 2-8 latent dimensions.
    const std::size_t N = 2 + setup.below(5), L = 2 + setup.below(7);
    const Tensor64 mu = autograd::uniform<double>({N, L}, -2.0, 2.0, setup);
    const Tensor64 logvar = autograd::uniform<double>({N, L}, -3.0, 1.5, setup);
    const Tensor64 eps = autograd::randn<double>({N, L}, setup);
    const std::string shape = fmt::format("({}, {})", N, L);

    // ---- reparameterize ----
    grader.check("z = mu + exp(logvar / 2) * eps", [&](lab::Check& c) {
        const Tensor64 z = ex07::reparameterize(mu, logvar, eps);
        const std::string what = "reparameterize(mu, logvar, eps) for shape " + shape;
        c.expect(z.defined(), what, "a tensor", "an undefined tensor", kZHint);
        c.expect_shape(what, z.shape(), mu.shape(), "z has the shape of mu: one sample per element");
        const xt::xarray<double> want = z_by_hand(mu.value(), logvar.value(), eps.value());
        const xt::xarray<double> sigma_exp = z_by_hand(mu.value(), logvar.value(), eps.value(), 1.0);
        const bool is_sigma_exp = xt::allclose(z.value(), sigma_exp, 1e-12, 1e-12);
        c.expect_close(what, z.value(), want, 1e-12, 1e-12, is_sigma_exp ? kSigmaHint : kZHint);
    });

    grader.check("z is on the tape: it depends on mu and logvar", [&](lab::Check& c) {
        const Tensor64 mug(mu.value(), /*requires_grad=*/true), lvg(logvar.value(), /*requires_grad=*/true);
        const Tensor64 z = ex07::reparameterize(mug, lvg, eps);
        c.expect(z.defined() && z.requires_grad(),
                 "reparameterize(mu, logvar, eps) for mu and logvar that require grad",
                 "a z on the tape (requires_grad true)", "a constant, with no history", kTrickHint);
    });

    grader.check("dz/dmu = 1 and dz/dlogvar = eps exp(logvar / 2) / 2", [&](lab::Check& c) {
        Generator gen = grader.generator(2);
        const Tensor64 mug(mu.value(), true), lvg(logvar.value(), true);
        const Tensor64 w = autograd::uniform<double>({N, L}, 0.5, 2.0, gen);  // d loss / dz, not all ones
        const Tensor64 z = ex07::reparameterize(mug, lvg, eps);
        c.expect(z.defined() && z.requires_grad(), "z", "a z on the tape", "a constant", kTrickHint);
        const std::vector<Tensor64> g = autograd::grad(z, {mug, lvg}, w);
        c.expect_close(
            "d loss / d mu, given d loss / dz = w", g[0].value(), w.value(), 1e-10, 1e-12,
            xt::all(xt::equal(g[0].value(), 0.0)) ? kTrickHint : "dz/dmu = 1: the gradient passes to mu unchanged");
        const xt::xarray<double> want = w.value() * eps.value() * xt::exp(logvar.value() * 0.5) * 0.5;
        c.expect_close("d loss / d logvar, given d loss / dz = w", g[1].value(), want, 1e-10, 1e-12,
                       xt::all(xt::equal(g[1].value(), 0.0))
                           ? "no gradient reached logvar: compute sigma = exp(logvar / 2) with tensor ops on "
                             "logvar, not from logvar.value()"
                           : "dz/dlogvar = eps d/dlogvar exp(logvar / 2) = eps exp(logvar / 2) / 2: check sigma = "
                             "exp(logvar / 2)");
    });

    grader.check("gradcheck: reparameterize against central differences", [&](lab::Check& c) {
        const autograd::GradcheckResult r = autograd::gradcheck(
            [&eps](const std::vector<Tensor64>& in) { return ex07::reparameterize(in[0], in[1], eps); }, {mu, logvar});
        c.expect(r.ok && r.checked > 0, "the Jacobians of z with respect to mu and logvar",
                 "backward's numbers equal the numeric ones", r.report, kTrickHint);
    });

    // ---- gaussian_kl ----
    grader.check("the KL is -1/2 sum_j (1 + logvar - mu^2 - exp(logvar)), averaged over the batch", [&](lab::Check& c) {
        const Tensor64 kl = ex07::gaussian_kl(mu, logvar);
        const std::string what = "gaussian_kl(mu, logvar) for shape " + shape;
        c.expect(kl.defined(), what, "a tensor", "an undefined tensor", kKlHint);
        c.expect_shape(what, kl.shape(), {},
                       "the KL is one number: sum the terms (autograd::sum gives shape ()), then divide by N");
        const KlCandidates k = kl_by_hand(mu.value(), logvar.value());
        const double got = kl.item();
        c.expect(near(got, k.right), what, fmt::format("{:.12g}", k.right), fmt::format("{:.12g}", got),
                 diagnose_kl(got, k));
    });

    grader.check("the KL is 0 at mu = 0, logvar = 0, and positive elsewhere", [&](lab::Check& c) {
        const Tensor64 zeros = autograd::zeros<double>({N, L});
        const double at_prior = ex07::gaussian_kl(zeros, zeros).item();
        c.expect(std::abs(at_prior) <= 1e-12, "gaussian_kl(0, 0): q(z | x) is the prior N(0, I) itself",
                 "0 (within 1e-12)", fmt::format("{:.6g}", at_prior),
                 diagnose_kl(at_prior, kl_by_hand(zeros.value(), zeros.value())));
        // Slightly off the prior: mu = 0.1 everywhere, logvar = 0, KL = L * 0.1^2 / 2 per example.
        const double off = ex07::gaussian_kl(autograd::full<double>({N, L}, 0.1), zeros).item();
        c.expect(off > 0.0, "gaussian_kl(mu = 0.1, logvar = 0)",
                 fmt::format("a small positive number ({:.6g})", 0.005 * static_cast<double>(L)),
                 fmt::format("{:.6g}", off),
                 std::string("a KL divergence is never negative: check the sign. ") + kKlHint);
    });

    grader.check("gradcheck: gaussian_kl against central differences", [&](lab::Check& c) {
        const Tensor64 mug(mu.value(), true), lvg(logvar.value(), true);
        const Tensor64 kl = ex07::gaussian_kl(mug, lvg);
        c.expect(kl.defined() && kl.requires_grad(), "gaussian_kl(mu, logvar) for mu and logvar that require grad",
                 "a result on the tape", "a constant",
                 "build the KL from autograd ops on mu and logvar (autograd::square, exp, sum): it is the loss "
                 "term that pulls the encoder's codes towards the prior, so its gradient must reach them");
        const autograd::GradcheckResult r = autograd::gradcheck(
            [](const std::vector<Tensor64>& in) { return ex07::gaussian_kl(in[0], in[1]); }, {mu, logvar});
        c.expect(r.ok && r.checked > 0, "the gradient of the KL with respect to mu and logvar",
                 "backward's numbers equal the numeric ones", r.report,
                 "dKL/dmu = mu / N and dKL/dlogvar = (exp(logvar) - 1) / (2 N): build the KL from ops and the tape "
                 "gives these");
    });

    grader.check("the KL matches a Monte Carlo estimate of E_q[log q(z) - log p(z)]", [&](lab::Check& c) {
        // KL(q || p) = E_{z ~ q}[log q(z) - log p(z)], q = N(mu, sigma^2), p = N(0, 1), per dimension:
        //   log q(z) - log p(z) = -1/2 eps^2 - log sigma + 1/2 z^2,   z = mu + sigma eps
        // (the 1/2 log 2 pi terms cancel). Summed over the dimensions, averaged over the rows and K
        // draws. Milder mu and logvar than above keep the spread of the samples, and so the standard
        // error, small.
        Generator gen = grader.generator(3);
        const std::size_t n = 2 + gen.below(3), l = 2 + gen.below(4), K = 100000;
        // |mu| in [0.5, 1.5], either sign: every dimension adds at least 0.125 to the KL, so that it
        // is never so small that 2% of it drowns in the sampling error.
        xt::xarray<double> mu_mc = autograd::uniform<double>({n, l}, 0.5, 1.5, gen).value();
        for (double& x : mu_mc) x = gen.uniform() < 0.5 ? -x : x;
        const Tensor64 m(mu_mc);
        const Tensor64 v = autograd::uniform<double>({n, l}, -1.5, 1.0, gen);
        double total = 0.0, total_sq = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t k = 0; k < K; ++k) {
                double sample = 0.0;  // log q(z) - log p(z) of one draw of a whole row
                for (std::size_t j = 0; j < l; ++j) {
                    const double e = gen.normal(), sigma = std::exp(0.5 * v.value()(i, j));
                    const double z = m.value()(i, j) + sigma * e;
                    sample += -0.5 * e * e - std::log(sigma) + 0.5 * z * z;
                }
                total += sample, total_sq += sample * sample;
            }
        const double draws = static_cast<double>(n * K);
        const double mc = total / draws;
        const double se = std::sqrt((total_sq / draws - mc * mc) / draws);
        const Tensor64 kl = ex07::gaussian_kl(m, v);
        c.expect(kl.defined() && kl.size() == 1, "gaussian_kl(mu, logvar)", "one number", "something else", kKlHint);
        const double got = kl.item();
        c.expect(std::abs(got - mc) <= 0.02 * std::abs(mc),
                 fmt::format("gaussian_kl(mu, logvar) for shape ({}, {}) against {} draws per row", n, l, K),
                 fmt::format("the Monte Carlo estimate {:.5f} (standard error {:.5f}), within 2%", mc, se),
                 fmt::format("{:.5f} ({:+.2f}%)", got, 100.0 * (got - mc) / mc),
                 diagnose_kl(got, kl_by_hand(m.value(), v.value())));
        c.note(fmt::format("closed form {:.5f}, Monte Carlo {:.5f} +- {:.5f} ({} draws per row): {:+.3f}%", got, mc, se,
                           K, 100.0 * (got - mc) / mc));
    });

    return grader.finish();
}
