// Lecture 20: is it the slide or the seed? How the verdicts of these lectures are made.
//
// Follows: the habit every other lecture's VERDICT rests on, shown on two examples from the
//          decks: Scott, Lecture 5, slide 4 (Mitchell's 8-3-8 network, lecture 01) and slides
//          35-37 with Goodfellow et al. (2014), Theorem 1 (a GAN's discriminator and the
//          Jensen-Shannon divergence, lecture 13).
// Shows:   five things a result needs before it is a claim: (1) one run is one draw: the 8-3-8
//          network over 100 seeds; (2) a threshold set where one run landed fails on other
//          seeds, one set from principle does not; (3) two settings compared over the same seeds,
//          paired, with a one-sided 95% lower bound on the difference; (4) a matrix product's
//          rounding depends on its shape and on OpenBLAS's kernels and threads, so "the same
//          numbers" needs the same computation, and "close" a tolerance derived from float
//          precision; (5) what a lower bound can and cannot show: a discriminator's estimate of
//          the JSD near zero does not mean the distributions are close.
// Run:     ./lab run slide_or_seed          (build/lectures/slide_or_seed [--quick] [--seed N])
//          and `./lab verify slide_or_seed` for its clauses over seeds, kernels and threads.
// Prints:  a section per point with its numbers, one CLAUSE line per clause and a last line
//          "VERDICT: ... : HOLDS (...)"; writes out/slide_or_seed/losses.png (the final losses
//          of 100 seeds, and the two thresholds). --quick uses 30 seeds instead of 100 and
//          smaller samples; the same clauses.
//
// Dimension letters: N examples, D inputs, H hidden units; M, K, J for a matrix product's sizes.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "autograd/blas_kernels.hpp"
#include "io/io.hpp"
#include "lecture.hpp"
#include "nn/nn.hpp"

// OpenBLAS's own function, to run the same product on 1 and then 2 threads in one program.
extern "C" void openblas_set_num_threads(int);

using namespace autograd;

namespace {

// What one training run of the 8-3-8 network (lecture 01) ends with.
struct Outcome {
    double loss = 0;     // the last epoch's mean squared error
    bool right = false;  // every output's argmax is its input
};

// Lecture 01's network and training: 8 one-hot inputs, 3 sigmoid hidden units, 8 sigmoid
// outputs, the mean squared error, full-batch gradient descent with step lr.
Outcome train_838(std::uint64_t seed, double lr, std::size_t epochs) {
    const std::size_t D = 8, H = 3;
    Generator gen(seed);
    const Tensor x(xt::xarray<float>(xt::eye<float>(D)));  // (N, D)
    nn::Linear encoder(D, H, gen), decoder(H, D, gen);
    nn::SGD gd({encoder.weight, encoder.bias, decoder.weight, decoder.bias}, lr);
    Outcome out;
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        gd.zero_grad();
        Tensor loss = mse_loss(sigmoid(decoder(sigmoid(encoder(x)))), x, Reduction::Mean);  // ()
        loss.backward();
        gd.step();
        out.loss = loss.item();
    }
    NoGradGuard no_grad;
    const xt::xarray<float> r = sigmoid(decoder(sigmoid(encoder(x)))).value();  // (N, D)
    out.right = true;
    for (std::size_t i = 0; i < D; ++i)
        for (std::size_t j = 0; j < D; ++j)
            if (j != i && r(i, j) >= r(i, i)) out.right = false;
    return out;
}

double mean_of(const std::vector<double>& v) {
    double m = 0;
    for (double a : v) m += a / static_cast<double>(v.size());
    return m;
}

double sd_of(const std::vector<double>& v) {
    const double m = mean_of(v);
    double ss = 0;
    for (double a : v) ss += (a - m) * (a - m);
    return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// The density of N(0, s^2) at x.
double normal_pdf(double x, double s) { return std::exp(-0.5 * x * x / (s * s)) / (s * std::sqrt(2.0 * M_PI)); }

// JSD(N(0, 1) || N(0, s^2)) by the rectangle rule on [-40, 40], in nats.
double jsd_normals(double s) {
    double j = 0;
    const double dx = 1e-3;
    for (double x = -40; x < 40; x += dx) {
        const double p = normal_pdf(x, 1.0), q = normal_pdf(x, s), m = 0.5 * (p + q);
        if (p > 0) j += 0.5 * p * std::log(p / m) * dx;
        if (q > 0) j += 0.5 * q * std::log(q / m) * dx;
    }
    return j;
}

// A fresh discriminator D(x) = sigmoid(f(x) w + b) trained to tell samples of p (label 1) from
// samples of q (label 0), then the JSD estimate on new samples,
//   JSD_hat = log 2 + 1/2 mean log D(x ~ p) + 1/2 mean log(1 - D(x ~ q)),
// which is below the JSD for every D (Goodfellow et al., Theorem 1: equality at D*), up to
// sampling error; its standard error comes with it. f(x) is x alone (a linear D) or (x, x^2).
struct Estimate {
    double jsd = 0, se = 0;
};

Tensor features(const xt::xarray<float>& x, bool quadratic) {  // (N,) -> (N, 1) or (N, 2)
    const std::size_t n = x.size();
    xt::xarray<float> f = xt::zeros<float>({n, quadratic ? std::size_t{2} : std::size_t{1}});
    for (std::size_t i = 0; i < n; ++i) {
        f(i, 0) = x(i);
        if (quadratic) f(i, 1) = x(i) * x(i);
    }
    return Tensor(f);
}

xt::xarray<float> normal_sample(std::size_t n, double s, Generator& gen) {
    xt::xarray<float> x = xt::zeros<float>({n});
    for (std::size_t i = 0; i < n; ++i) x(i) = static_cast<float>(s * gen.normal());
    return x;
}

Estimate fresh_d_estimate(double s, bool quadratic, std::size_t n, Generator& gen) {
    nn::Linear d(quadratic ? 2 : 1, 1, gen);
    nn::Adam adam(d.parameters(), 0.05);
    const Tensor real = features(normal_sample(n, 1.0, gen), quadratic);
    const Tensor fake = features(normal_sample(n, s, gen), quadratic);
    const Tensor ones(xt::xarray<float>(xt::ones<float>({n, std::size_t{1}})));
    const Tensor zeros_(xt::xarray<float>(xt::zeros<float>({n, std::size_t{1}})));
    for (int step = 0; step < 500; ++step) {  // full batch; the loss stops moving well before 500
        adam.zero_grad();
        Tensor loss = bce_with_logits(d(real), ones) + bce_with_logits(d(fake), zeros_);  // ()
        loss.backward();
        adam.step();
    }
    // On new samples: the terms log D(x) and log(1 - D(x)) as numbers, for their mean and spread.
    NoGradGuard no_grad;
    const xt::xarray<float> zr = d(features(normal_sample(n, 1.0, gen), quadratic)).value();
    const xt::xarray<float> zf = d(features(normal_sample(n, s, gen), quadratic)).value();
    std::vector<double> a, b;
    for (float z : zr) a.push_back(-std::log1p(std::exp(-static_cast<double>(z))));  // log sigmoid(z)
    for (float z : zf) b.push_back(-std::log1p(std::exp(static_cast<double>(z))));   // log(1 - sigmoid(z))
    Estimate e;
    e.jsd = std::log(2.0) + 0.5 * mean_of(a) + 0.5 * mean_of(b);
    e.se = 0.5 * std::sqrt(sd_of(a) * sd_of(a) / static_cast<double>(a.size()) +
                           sd_of(b) * sd_of(b) / static_cast<double>(b.size()));
    return e;
}

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt = lecture::parse_args(
        argc, argv, "slide_or_seed", 1, "how a verdict is made: seeds, thresholds, pairs, rounding, bounds");
    const std::string out_dir = lecture::make_out_dir(opt);
    lecture::Verdict verdict(
        "a claim holds over seeds, thresholds come from principle, comparisons are paired, "
        "identities are the same computation, and a lower bound near 0 proves no closeness");

    // ---- 1. One run is one draw: the 8-3-8 network from 100 seeds ----
    // Lecture 01 trains the network from seed 1 and its outputs are all right, through 8 distinct
    // codes. Another seed is another draw of the starting weights: the same code, run again.
    const std::size_t seeds = opt.quick ? 30 : 100, epochs = 5000;
    lecture::section(fmt::format("1. One run is one draw: the 8-3-8 network (Scott slide 4) from {} seeds", seeds));
    std::vector<double> losses;
    std::size_t right = 0;
    for (std::size_t k = 0; k < seeds; ++k) {
        const Outcome o = train_838(opt.seed + k, 10.0, epochs);
        losses.push_back(o.loss);
        right += o.right ? 1 : 0;
        if (k < 10)
            fmt::print("seed {:>3}: final loss {:.5f}, every output right: {}\n", opt.seed + k, o.loss, o.right);
    }
    const auto [lo, hi] = std::minmax_element(losses.begin(), losses.end());
    fmt::print(
        "...\nover {} seeds: every output right in {}; final loss from {:.5f} to {:.5f} (mean {:.5f}, sd {:.5f})\n",
        seeds, right, *lo, *hi, mean_of(losses), sd_of(losses));
    // Seed 1's final loss, 0.00103, is one draw: over seeds 1-100 the final loss runs from 0.00099
    // to 0.00229 (mean 0.00121, sd 0.00023), on every OpenBLAS kernel and thread count tried.
    // A claim about the network is a claim about the share of seeds: lecture 01 found 77 of 100
    // using 8 distinct codes, so "it invents a binary code" holds in most runs, not in every one.
    // lecture::share_lower_bound turns k of n into a one-sided 95% lower bound on that share.
    fmt::print("share of seeds with every output right: {} of {}, 95% lower bound {:.3f}\n", right, seeds,
               lecture::share_lower_bound(right, seeds));
    verdict.above("most_seeds_copy", lecture::share_lower_bound(right, seeds), 0.5,
                  fmt::format("95% lower bound of the share of {} seeds whose every output is right", seeds),
                  "one half: the claim is about most seeds");

    // ---- 2. Where a threshold comes from ----
    // Suppose the lecture had been written after one run, seed 1's, and its verdict asked for the
    // final loss to be at most where it landed plus 5%. Principle gives another threshold: before
    // its hidden units tell the inputs apart, the network can do no better than answer 1/8 on every
    // output, a loss of 7/64 = 0.109 (lecture 01's plateau); having learnt the code means a loss
    // well under that, say a tenth of it.
    lecture::section("2. A threshold from where one run landed, and one from principle");
    const double landed = losses[0] * 1.05, plateau = 7.0 / 64.0, principled = plateau / 10.0;
    std::size_t fail_landed = 0, fail_principled = 0;
    for (double l : losses) {
        fail_landed += l > landed ? 1 : 0;
        fail_principled += l > principled ? 1 : 0;
    }
    fmt::print("loss <= {:.5f} (seed {}'s loss + 5%): {} of {} seeds fail it\n", landed, opt.seed, fail_landed, seeds);
    fmt::print("loss <= {:.5f} (a tenth of the plateau 7/64): {} of {} seeds fail it\n", principled, fail_principled,
               seeds);
    verdict.at_most("principled_threshold", static_cast<double>(fail_principled), 0.0,
                    fmt::format("seeds of {} whose final loss is above a tenth of the plateau 7/64", seeds),
                    "0: a threshold from principle holds on every seed");
    {
        io::PlotOptions plot;
        plot.title = fmt::format("8-3-8 network: final loss of {} seeds", seeds);
        plot.xlabel = "seed";
        plot.ylabel = "final mean squared error (log scale)";
        plot.log_y = true;
        std::vector<double> xs;
        for (std::size_t k = 0; k < seeds; ++k) xs.push_back(static_cast<double>(opt.seed + k));
        io::save_line_plot(out_dir + "/losses.png",
                           {{"final loss", xs, losses},
                            {fmt::format("seed {}'s loss + 5%", opt.seed), xs, std::vector<double>(seeds, landed)},
                            {"a tenth of the plateau", xs, std::vector<double>(seeds, principled)}},
                           plot);
        fmt::print("wrote {}/losses.png\n", out_dir);
    }

    // ---- 3. Comparing two settings: the same seeds, paired ----
    // Does a step of 10 end lower than a step of 3? Each seed trains both from the same starting
    // weights, so the difference seed by seed cancels what the seed does to both; a one-sided 95%
    // lower bound on the mean difference (Student's t, lecture::paired_bound) must clear 0.
    const std::size_t pairs = 9;
    lecture::section(fmt::format("3. Two settings over the same {} seeds: lr 3 against lr 10", pairs));
    std::vector<double> gap, lr3, lr10;
    for (std::size_t k = 0; k < pairs; ++k) {
        lr3.push_back(std::log10(train_838(opt.seed + k, 3.0, epochs).loss));
        lr10.push_back(std::log10(losses[k]));  // the same seed's run at lr 10, from section 1
        gap.push_back(lr3.back() - lr10.back());
        fmt::print("seed {:>3}: log10 loss at lr 3 {:+.3f}, at lr 10 {:+.3f}, difference {:+.3f}\n", opt.seed + k,
                   lr3.back(), lr10.back(), gap.back());
    }
    const lecture::PairedBound paired = lecture::paired_bound(gap);
    fmt::print("unpaired: lr 3 {:+.3f} (sd {:.3f}), lr 10 {:+.3f} (sd {:.3f})\n", mean_of(lr3), sd_of(lr3),
               mean_of(lr10), sd_of(lr10));
    fmt::print("paired difference in log10 loss: {}\n", paired.describe(3));
    // Unpaired, the two means' difference has the spread of both settings' seeds added together
    // (Welch's standard error, with the paired t for comparison).
    const double unpaired_se = std::sqrt((sd_of(lr3) * sd_of(lr3) + sd_of(lr10) * sd_of(lr10)) / pairs);
    fmt::print("unpaired: the same difference, 95% lower bound {:+.3f}\n",
               mean_of(lr3) - mean_of(lr10) - paired.t * unpaired_se);
    // What to see: the gap is large here, and either bound clears 0; the paired one is the
    // tighter, because what a seed does to both runs cancels in their difference. With a thin
    // margin (lecture 05's frozen denoising encoder: +0.5 points with a spread of 1), that is
    // the difference between a claim and a guess.
    verdict.above("paired_lr", paired.lower, 0.0,
                  fmt::format("95% lower bound of how much lower lr 10 ends than lr 3, log10 loss, {} seeds", pairs),
                  "0: the same seeds' runs at lr 3");

    // ---- 4. The same numbers need the same computation ----
    // x W for a (M, K) x and (K, J) W: all M rows in one product, or 128 rows at a time, as a
    // training loop does. Each entry is a sum of K products; OpenBLAS adds them in an order that
    // depends on its kernels, on the product's shape and on how it splits the work between
    // threads, and float addition is not associative. So two ways can differ in the last bits:
    // never by more than the standard bound |error| <= gamma_K sum_k |x_k w_k|, gamma_K =
    // K u / (1 - K u) with u = 2^-24 the unit roundoff of float32 (Higham, Accuracy and
    // Stability of Numerical Algorithms, section 3.1), for each of the two: twice that between them.
    const std::size_t M = opt.quick ? 2048 : 8192, K = 784, J = 300;
    lecture::section(fmt::format("4. One ({}, {}) x ({}, {}) product, whole or in batches of 128 rows", M, K, K, J));
    Generator gen(opt.seed);
    const Tensor x = uniform({M, K}, 0.0, 1.0, gen), w = uniform({K, J}, -0.1, 0.1, gen);
    const double u = std::ldexp(1.0, -24), gamma = static_cast<double>(K) * u / (1 - static_cast<double>(K) * u);
    double worst_ratio = 0;
    for (int threads : {1, 2}) {
        openblas_set_num_threads(threads);
        NoGradGuard no_grad;
        const xt::xarray<float> whole = matmul(x, w).value();  // (M, J)
        std::size_t differ = 0;
        double max_ratio = 0;
        for (std::size_t r0 = 0; r0 < M; r0 += 128) {
            const std::size_t r1 = std::min(M, r0 + 128);
            const xt::xarray<float> part =
                matmul(Tensor(xt::xarray<float>(xt::view(x.value(), xt::range(r0, r1)))), w).value();
            const xt::xarray<float> abs_sum =
                xt::linalg::dot(xt::abs(xt::view(x.value(), xt::range(r0, r1))), xt::abs(w.value()));
            for (std::size_t i = 0; i < r1 - r0; ++i)
                for (std::size_t j = 0; j < J; ++j) {
                    const double diff = std::abs(static_cast<double>(part(i, j)) - whole(r0 + i, j));
                    differ += diff > 0 ? 1 : 0;
                    max_ratio = std::max(max_ratio, diff / (2 * gamma * abs_sum(i, j)));
                }
        }
        worst_ratio = std::max(worst_ratio, max_ratio);
        fmt::print(
            "OpenBLAS {}, {} thread(s): {} of {} entries differ; the largest difference is {:.3f} of the bound\n",
            autograd::openblas_core(), threads, differ, M * J, max_ratio);
    }
    openblas_set_num_threads(autograd::openblas_threads());
    // Measured: with SkylakeX's kernels no entry differs here; with Haswell's, some do (run with
    // OPENBLAS_CORETYPE=Haswell). Either way far inside the bound: the bound is a worst case.
    // Lecture 05 needed its two ways of training to end with the same weights: it makes them the
    // same computation (the same batches through the same products), and asks for a difference
    // of exactly 0, on any kernels.
    verdict.at_most("rounding_bound", worst_ratio, 1.0,
                    "largest difference between the whole and the batched product, of 2 gamma_K sum |x w|",
                    "float32 rounding: 1, the bound derived above");

    // ---- 5. What a lower bound can show ----
    // Lecture 13 trains a fresh discriminator to estimate the JSD between the data and the
    // generator's samples. The estimate is a lower bound: any D gives a value at most the JSD's.
    // A small estimate therefore says "this D could not tell them apart", not "they are close".
    // Here p = N(0, 1) and q = N(0, 2^2): the same mean, twice the spread; the JSD by integral.
    // A linear D, sigmoid(w x + b), cannot separate two distributions symmetric about 0; a D on
    // (x, x^2) can represent the optimal D* exactly (the log ratio of two normals is quadratic).
    const std::size_t n = opt.quick ? 4000 : 20000;
    lecture::section(fmt::format("5. A lower bound near zero: N(0, 1) against N(0, 4), {} samples each", n));
    const double truth = jsd_normals(2.0);
    const Estimate linear = fresh_d_estimate(2.0, false, n, gen), quadratic = fresh_d_estimate(2.0, true, n, gen);
    fmt::print("JSD by integral                 {:.4f} nats\n", truth);
    fmt::print("fresh linear D's estimate       {:.4f} (standard error {:.4f})\n", linear.jsd, linear.se);
    fmt::print("fresh D on (x, x^2)'s estimate  {:.4f} (standard error {:.4f})\n", quadratic.jsd, quadratic.se);
    verdict.at_most("below_truth", std::max(linear.jsd, quadratic.jsd) - truth, 3 * std::max(linear.se, quadratic.se),
                    "the larger fresh-D estimate minus the JSD by integral, nats",
                    "3 standard errors of the estimate: a lower bound, up to sampling error");
    verdict.at_most("linear_blind", linear.jsd, 3 * linear.se, "the linear D's estimate of a JSD that is not 0, nats",
                    "3 of its standard errors above 0: it sees nothing");
    verdict.above("quadratic_sees", quadratic.jsd - linear.jsd, 3 * std::hypot(linear.se, quadratic.se),
                  "how much more of the JSD the D on (x, x^2) finds than the linear D, nats",
                  "3 standard errors of the difference");

    lecture::quick_scope(
        opt, fmt::format("{} seeds instead of 100, a {}-row product and {} samples; the same clauses", seeds, M, n));
    return verdict.finish(
        fmt::format("{} of {} seeds copy their input; lr 10 ends {} lower in log10 loss; JSD {:.4f}, "
                    "linear D sees {:.4f}",
                    right, seeds, paired.describe(3), truth, linear.jsd));
} catch (const std::exception& e) {
    return lecture::fail("slide_or_seed", e);
}

// Try this:
//  1. --seed 4: section 2's threshold is set where seed 4 landed (0.00136 with the 5%), and 15 of
//     its 100 seeds fail it instead of seed 1's 68: how often a threshold "from the numbers"
//     fails depends on which run it was copied from. The threshold from principle: 0 of 100.
//  2. In section 3, train at lr 20 instead of 3 (the 3.0 in lr3.push_back): lr 20 ends lower
//     than lr 10 on every one of the 9 seeds (paired difference -0.395 in log10 loss, 95% lower
//     bound -0.460), so paired_lr FAILS: the claim "lr 10 ends lower" held against lr 3 only.
//  3. OPENBLAS_CORETYPE=Haswell build/lectures/slide_or_seed: in section 4, 178,874 of the
//     2,457,600 entries differ between the whole and the batched product with 1 thread, 343,128
//     with 2 (SkylakeX's kernels: none), each by at most 0.001 of the bound. Every other number
//     the lecture prints stays the same.
