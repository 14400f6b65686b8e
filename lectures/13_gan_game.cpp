// Lecture 13: the GAN game, in one dimension.
//
// Follows: Scott, Lecture 5, slides 35-37 (the game: D minimises J(D), G minimises J(G), and a
//          Nash equilibrium is a pair where each is at a local minimum of its own J (36); training:
//          a minibatch of x and one of z each step, both players updated, e.g. by Adam; J(D) the
//          cross-entropy with label 1 for real and 0 for fake; J(G) = -J(D), "others exist that
//          are generally better in practice" (37)); Lamúrias, "5 - Autoencoders", headings
//          "Generating Data" and "Generative adversarial networks"; Goodfellow et al. (2014),
//          Proposition 1 and Theorem 1 (the optimal D and the Jensen-Shannon divergence).
// Shows:   on the real line, where every density can be written down, the three facts behind a
//          GAN: (1) for a fixed G the best D is D*(x) = p_data / (p_data + p_g), and then the value
//          of the game is -log 4 + 2 JSD(p_data || p_g); (2) training both players moves p_g onto
//          p_data (the training D's output of 1/2 proves nothing, and a fresh D's estimate is only
//          a lower bound of the JSD, so the JSD is integrated from a histogram of G's samples);
//          (3) the minimax J(G) = -J(D) gives G almost no gradient when D rejects its samples, the
//          non-saturating loss gives it plenty.
// Run:     ./lab run gan_game               (build/lectures/gan_game [--quick] [--seed N])
// Prints:  the gap between the trained D and D*, the value of the game against the JSD, a line
//          per stage of training, the fresh-D estimates of the JSD before and after and the JSD
//          from a histogram of G's samples (with a data sample's and a one-mode G's), W1 against
//          two data samples' W1, the gradient norms of the two generator losses, the race between
//          them, one CLAUSE line per verdict clause and a last line "VERDICT: ... : HOLDS (...)";
//          writes out/gan_game/optimal_d.png, densities.png, gradients.png and race.png.
//
// Dimension letters: N samples in a batch, Z = 4 noise dimensions, K points of the grid.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "io/io.hpp"
#include "lecture.hpp"
#include "models/gan.hpp"
#include "nn/nn.hpp"

using namespace autograd;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr std::size_t kNoise = 4;  // Z

double gaussian(double x, double mean, double sd) {
    const double u = (x - mean) / sd;
    return std::exp(-0.5 * u * u) / (sd * std::sqrt(2.0 * kPi));
}

// The data: an even mixture of N(-2, 0.5^2) and N(2, 0.5^2).
double p_data(double x) { return 0.5 * gaussian(x, -2.0, 0.5) + 0.5 * gaussian(x, 2.0, 0.5); }

Tensor sample_data(std::size_t n, Generator& gen) {  // (N, 1)
    Tensor x = zeros({n, 1});
    for (float& v : x.mutable_value()) v = static_cast<float>((gen.uniform() < 0.5 ? -2.0 : 2.0) + 0.5 * gen.normal());
    return x;
}

// The players: small MLPs on the real line. D: x (N, 1) -> logit (N, 1); G: z (N, Z) -> x (N, 1).
nn::Sequential make_discriminator(Generator& gen) {
    return nn::Sequential(nn::Linear(1, 32, gen), nn::Tanh(), nn::Linear(32, 32, gen), nn::Tanh(),
                          nn::Linear(32, 1, gen));
}

// G starts far from the data: its output layer's weights are scaled down by 10, so that every
// first sample lies near 0, between the two modes, where p_data is almost nothing.
nn::Sequential make_generator(Generator& gen) {
    auto out = std::make_shared<nn::Linear>(32, 1, gen);
    out->weight.mutable_value() *= 0.1f;
    return nn::Sequential(nn::Linear(kNoise, 32, gen, nn::Init::He), nn::LeakyReLU(0.2),
                          nn::Linear(32, 32, gen, nn::Init::He), nn::LeakyReLU(0.2), out);
}

// D's mean probability "real" on n data samples and on n of G's.
std::pair<double, double> mean_d(nn::Sequential& D, nn::Sequential& G, std::size_t n, Generator& gen) {
    NoGradGuard no_grad;
    return {mean(sigmoid(D(sample_data(n, gen)))).item(), mean(sigmoid(D(G(randn({n, kNoise}, gen))))).item()};
}

std::vector<float> generate(nn::Sequential& G, std::size_t n, Generator& gen) {
    NoGradGuard no_grad;
    const xt::xarray<float> x = G(randn({n, kNoise}, gen)).value();
    return std::vector<float>(x.begin(), x.end());
}

// The grid the densities are integrated on: [-7, 7] in steps of 0.005.
struct Grid {
    std::vector<double> x;
    double dx = 0.005;
    Grid() {
        for (double v = -7.0; v <= 7.0 + 1e-9; v += dx) x.push_back(v);
    }
};

// D(x) on every grid point.
std::vector<double> d_on(nn::Sequential& D, const std::vector<double>& xs) {
    NoGradGuard no_grad;
    Tensor t = zeros({xs.size(), 1});
    for (std::size_t i = 0; i < xs.size(); ++i) t.mutable_value()(i, 0) = static_cast<float>(xs[i]);
    const xt::xarray<float> d = sigmoid(D(t)).value();
    return std::vector<double>(d.begin(), d.end());
}

// V(D, G) = integral of p_data log D + p_g log(1 - D) (the rectangle rule on the grid).
double value_by_integral(const Grid& g, const std::vector<double>& pd, const std::vector<double>& pg,
                         const std::vector<double>& d) {
    double v = 0.0;
    for (std::size_t i = 0; i < g.x.size(); ++i) {
        const double di = std::clamp(d[i], 1e-12, 1.0 - 1e-12);
        v += (pd[i] * std::log(di) + pg[i] * std::log(1.0 - di)) * g.dx;
    }
    return v;
}

// JSD(p || q) = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2, by the rectangle rule.
double jsd_by_integral(const Grid& g, const std::vector<double>& p, const std::vector<double>& q) {
    double j = 0.0;
    for (std::size_t i = 0; i < g.x.size(); ++i) {
        const double m = 0.5 * (p[i] + q[i]);
        if (p[i] > 0) j += 0.5 * p[i] * std::log(p[i] / m) * g.dx;
        if (q[i] > 0) j += 0.5 * q[i] * std::log(q[i] / m) * g.dx;
    }
    return j;
}

// One step of D on J(D): real samples against fake ones.
double d_step(nn::Sequential& D, nn::Optimizer& opt, const Tensor& real, const Tensor& fake) {
    opt.zero_grad();
    Tensor loss = models::discriminator_loss(D(real), D(fake));
    loss.backward();
    opt.step();
    return loss.item();
}

// A fresh D trained against a frozen G for `steps` Adam steps; returns the Monte-Carlo value
// V = mean log D(x) + mean log(1 - D(G(z))) on 20,000 new samples of each, and with it the JSD
// estimate (V + log 4) / 2. The estimate is a lower bound: a D short of D* makes V smaller.
struct FreshD {
    double value, jsd;
};

FreshD fresh_discriminator(nn::Sequential& G, std::size_t steps, Generator& gen) {
    nn::Sequential D = make_discriminator(gen);
    nn::Adam opt(D.parameters(), 1e-3);
    for (std::size_t s = 0; s < steps; ++s) {
        Tensor fake;
        {
            NoGradGuard no_grad;
            fake = G(randn({256, kNoise}, gen));
        }
        d_step(D, opt, sample_data(256, gen), fake);
    }
    NoGradGuard no_grad;
    const Tensor real = sample_data(20000, gen), fake = G(randn({20000, kNoise}, gen));
    const double v = -(mean(softplus(-D(real))).item() + mean(softplus(D(fake))).item());
    return {v, 0.5 * (v + std::log(4.0))};
}

// A histogram of samples as a density on bins of width 0.1 over [-6, 6], for a line plot.
io::Series histogram(const std::string& name, const std::vector<float>& samples) {
    const double lo = -6.0, width = 0.1;
    const std::size_t bins = 120;
    std::vector<double> count(bins, 0.0);
    for (float s : samples) {
        const double b = std::floor((s - lo) / width);
        if (b >= 0 && b < bins) count[static_cast<std::size_t>(b)] += 1.0;
    }
    io::Series series{name, {}, {}};
    for (std::size_t b = 0; b < bins; ++b) {
        series.x.push_back(lo + (b + 0.5) * width);
        series.y.push_back(count[b] / (static_cast<double>(samples.size()) * width));
    }
    return series;
}

// The first Wasserstein distance between G's samples and data samples, n of each: in one
// dimension, the mean gap between the two sorted lists. How far p_g is from p_data, in units of x.
double w1_to_data(nn::Sequential& G, std::size_t n, Generator& gen) {
    std::vector<float> g = generate(G, n, gen);
    const Tensor d = sample_data(n, gen);
    std::vector<float> x(d.value().begin(), d.value().end());
    std::sort(g.begin(), g.end());
    std::sort(x.begin(), x.end());
    double w = 0.0;
    for (std::size_t i = 0; i < n; ++i) w += std::abs(double(g[i]) - x[i]);
    return w / static_cast<double>(n);
}

// The JSD between p_data and the density of `samples`, from a histogram: bins of width 0.05 over
// [-7, 7], each bin's p_data mass by the normal CDF, each bin's sample mass the share of samples in
// it (samples outside the range count in no bin, so a G that puts mass out there is charged for
// it through p_data's side). JSD = sum_b 1/2 P_b log(P_b / M_b) + 1/2 Q_b log(Q_b / M_b), M = (P + Q) / 2.
// A finite sample's histogram is never exactly p_data: the same measure of a data sample of the
// same size is the floor.
double jsd_to_data(const std::vector<float>& samples) {
    const double lo = -7.0, width = 0.05;
    const std::size_t bins = 280;
    const auto cdf = [](double x) {
        const auto phi = [](double u) { return 0.5 * std::erfc(-u / std::sqrt(2.0)); };
        return 0.5 * phi((x + 2.0) / 0.5) + 0.5 * phi((x - 2.0) / 0.5);
    };
    std::vector<double> q(bins, 0.0);
    for (float s : samples) {
        const double b = std::floor((s - lo) / width);
        if (b >= 0 && b < bins) q[static_cast<std::size_t>(b)] += 1.0 / static_cast<double>(samples.size());
    }
    double j = 0.0;
    for (std::size_t b = 0; b < bins; ++b) {
        const double p = cdf(lo + (b + 1) * width) - cdf(lo + b * width), m = 0.5 * (p + q[b]);
        if (p > 0) j += 0.5 * p * std::log(p / m);
        if (q[b] > 0) j += 0.5 * q[b] * std::log(q[b] / m);
    }
    return j;
}

// W1 between two data samples of n each: what w1_to_data gives for a G that is exactly p_data.
double w1_data_to_data(std::size_t n, Generator& gen) {
    const Tensor a = sample_data(n, gen), b = sample_data(n, gen);
    std::vector<float> x(a.value().begin(), a.value().end()), y(b.value().begin(), b.value().end());
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    double w = 0.0;
    for (std::size_t i = 0; i < n; ++i) w += std::abs(double(x[i]) - y[i]);
    return w / static_cast<double>(n);
}

// The L2 norm of every gradient of G's parameters together.
double grad_norm(nn::Sequential& G) {
    double s = 0.0;
    for (const Tensor& p : G.parameters())
        if (p.grad().defined()) s += xt::sum(xt::square(xt::xarray<double>(p.grad().value())))();
    return std::sqrt(s);
}

void copy_parameters(nn::Module& from, nn::Module& to) {
    const std::vector<Tensor> a = from.parameters(), b = to.parameters();
    for (std::size_t i = 0; i < a.size(); ++i) {
        Tensor t = b[i];
        t.mutable_value() = a[i].value();
    }
}

// What slide 36's lone D gets: how close to D*, and the value of the game three ways.
struct OptimalD {
    double gap;           // mean |D(x) - D*(x)|, weighted by (p_data + p_g) / 2
    double v_star;        // V(D*, G), by integration
    double v_trained;     // V(trained D, G), by integration
    double v_formula;     // -log 4 + 2 JSD(p_data || p_g)
    double se_minibatch;  // the standard error of V(D*, G) on one minibatch of 256 + 256
};

// Slide 36 (Goodfellow Prop. 1): a lone D against p_g = N(1, 1); returns its gap to D* and V three ways.
OptimalD optimal_discriminator(const lecture::Options& opt, const std::string& out_dir, const Grid& grid,
                               const std::vector<double>& pd, Generator& gen) {
    lecture::section("Scott slide 36, Goodfellow Prop. 1: the optimal D for a fixed G");
    // Fix G(z) = 1 + z, z ~ N(0, 1): p_g = N(1, 1), known exactly. For each x, D chooses D(x) to
    // maximise p_data(x) log D(x) + p_g(x) log(1 - D(x)); the derivative p_data / D - p_g / (1 - D)
    // is 0 at
    //   D*(x) = p_data(x) / (p_data(x) + p_g(x)),
    // and putting D* back into V gives (Goodfellow's Theorem 1)
    //   V(D*, G) = E_data log(p_data / (p_data + p_g)) + E_g log(p_g / (p_data + p_g))
    //            = -log 4 + KL(p_data || m) + KL(p_g || m) = -log 4 + 2 JSD(p_data || p_g),  m = (p_data + p_g) / 2.
    // So D, trained to optimum, measures the JSD; G minimising V then minimises the JSD, whose
    // minimum -log 4 is reached only at p_g = p_data.
    std::vector<double> pg(grid.x.size()), dstar(grid.x.size());
    for (std::size_t i = 0; i < grid.x.size(); ++i) {
        pg[i] = gaussian(grid.x[i], 1.0, 1.0);
        dstar[i] = pd[i] + pg[i] > 0 ? pd[i] / (pd[i] + pg[i]) : 0.5;
    }
    const std::size_t d_steps = opt.quick ? 1500 : 4000;
    nn::Sequential D = make_discriminator(gen);
    {
        nn::Adam adam(D.parameters(), 1e-3);
        for (std::size_t s = 0; s < d_steps; ++s) {
            Tensor fake = randn({256, 1}, gen) + 1.0;  // G(z) = 1 + z: (N, 1)
            d_step(D, adam, sample_data(256, gen), fake);
        }
    }
    const std::vector<double> d_trained = d_on(D, grid.x);
    // The gap, weighted by where the samples are: (p_data + p_g) / 2. Far from both densities no
    // sample ever reaches D, and D is free to say anything there.
    double gap = 0.0;
    for (std::size_t i = 0; i < grid.x.size(); ++i)
        gap += 0.5 * (pd[i] + pg[i]) * std::abs(d_trained[i] - dstar[i]) * grid.dx;
    const double jsd_fixed = jsd_by_integral(grid, pd, pg);
    const double v_star = value_by_integral(grid, pd, pg, dstar);
    const double v_trained = value_by_integral(grid, pd, pg, d_trained);
    const double v_formula = -std::log(4.0) + 2.0 * jsd_fixed;
    fmt::print("D trained alone for {} Adam steps against p_g = N(1, 1)\n", d_steps);
    fmt::print("mean |D(x) - D*(x)|, weighted by (p_data + p_g) / 2: {:.4f}\n", gap);
    fmt::print("JSD(p_data || p_g) by integration: {:.4f} nats (log 2 = {:.4f} is the most it can be)\n", jsd_fixed,
               std::log(2.0));
    fmt::print("V(D*, G) = {:.4f}, -log 4 + 2 JSD = {:.4f}, V(trained D, G) = {:.4f} (a D short of D* gets less)\n",
               v_star, v_formula, v_trained);
    // How close can D get? It only ever sees minibatches of 256 of each, and one minibatch's
    // estimate of V(D*, G) = mean log D*(x) + mean log(1 - D*(G(z))) has the standard error
    //   se = sqrt(Var_data[log D*] / 256 + Var_g[log(1 - D*)] / 256),
    // the variances by integration on the grid. A shortfall V(D*) - V(D) below se is one that a
    // training minibatch cannot even see.
    double se_minibatch = 0.0;
    {
        double m1 = 0, s1 = 0, m2 = 0, s2 = 0;
        for (std::size_t i = 0; i < grid.x.size(); ++i) {
            const double a = std::log(std::clamp(dstar[i], 1e-12, 1.0)),
                         b = std::log(std::clamp(1.0 - dstar[i], 1e-12, 1.0));
            m1 += pd[i] * a * grid.dx, s1 += pd[i] * a * a * grid.dx;
            m2 += pg[i] * b * grid.dx, s2 += pg[i] * b * b * grid.dx;
        }
        se_minibatch = std::sqrt((s1 - m1 * m1) / 256.0 + (s2 - m2 * m2) / 256.0);
    }
    fmt::print("V(D*, G) - V(trained D, G) = {:.4f}; the standard error of V on one minibatch of 256 + 256: {:.4f}\n",
               v_star - v_trained, se_minibatch);
    {
        io::Series s_d{"trained D(x)", {}, {}}, s_star{"D*(x) = p_data / (p_data + p_g)", {}, {}},
            s_pd{"p_data(x)", {}, {}}, s_pg{"p_g(x) = N(1, 1)", {}, {}};
        for (std::size_t i = 0; i < grid.x.size(); i += 10) {
            if (grid.x[i] < -5.0 || grid.x[i] > 5.0) continue;
            s_d.x.push_back(grid.x[i]), s_d.y.push_back(d_trained[i]);
            s_star.x.push_back(grid.x[i]), s_star.y.push_back(dstar[i]);
            s_pd.x.push_back(grid.x[i]), s_pd.y.push_back(pd[i]);
            s_pg.x.push_back(grid.x[i]), s_pg.y.push_back(pg[i]);
        }
        io::PlotOptions plot;
        plot.title = "A fixed G: the trained discriminator against D*";
        plot.xlabel = "x";
        plot.ylabel = "D(x) (probability real), or density";
        io::save_line_plot(out_dir + "/optimal_d.png", {s_d, s_star, s_pd, s_pg}, plot);
    }
    return {gap, v_star, v_trained, v_formula, se_minibatch};
}

// What the game of slide 37 ends with: the JSD and W1 of G before and after, and their references.
struct Game {
    FreshD before, after;  // a fresh D trained against the untrained G, and against the trained G
    std::size_t n_hist;    // G's samples in each histogram
    double jsd_before;     // JSD(p_data || p_g) of the untrained G, from a histogram
    double jsd_after;      // the same for the trained G
    double jsd_one_mode;   // the JSD of a G that draws one mode perfectly, by integration
    double jsd_floor;      // the histogram's JSD for a data sample of the same size
    double w1_trained;     // W1(p_g, p_data) of the trained G, 20,000 samples each
    double w1_floor;       // W1 between two data samples of 20,000
};

// Slide 37: both players trained by alternating Adam steps; returns G's JSD and W1 before and after.
Game play_game(const lecture::Options& opt, const std::string& out_dir, const Grid& grid, const std::vector<double>& pd,
               Generator& gen) {
    lecture::section("Scott slide 37: training both players, alternating Adam steps");
    // Each step: a minibatch of x from the data and one of z from N(0, I); one Adam step of D on
    // J(D), then one of G on the non-saturating loss -log D(G(z)) (the last section shows why not
    // J(G) = -J(D)). Adam with DCGAN's settings, lr 2e-4 and beta1 = 0.5: a short memory of past
    // gradients suits a target (the other player) that keeps moving. (With lr 1e-3 the two
    // players overshoot each other: p_g reaches the data, then swings off it again.)
    Generator g_init(opt.seed + 1);  // G's first weights, shared with the race below
    nn::Sequential G = make_generator(g_init);
    const FreshD before = fresh_discriminator(G, opt.quick ? 600 : 1500, gen);
    fmt::print("before training: a fresh D trained against G gives V = {:.4f}, JSD >= {:.4f} nats\n", before.value,
               before.jsd);
    // The JSD itself, from a histogram of G's samples against p_data's mass in the same bins
    // (jsd_to_data): in one dimension the density is there to integrate, no D needed.
    // (Their samples come from a generator of their own, so that every other number of the
    // lecture is drawn as before.)
    const std::size_t n_hist = 200000;
    Generator hist_gen(opt.seed + 3);
    const double jsd_before = jsd_to_data(generate(G, n_hist, hist_gen));
    fmt::print("before training: JSD(p_data || p_g) from a histogram of {} samples: {:.4f} nats\n", n_hist, jsd_before);
    const std::size_t game_steps = opt.quick ? 2500 : 5000;
    // Histograms at four points (not step 0: all of G's first samples lie within 0.3 of x = 0, a
    // spike that would flatten the other curves).
    const std::vector<std::size_t> snapshots{0, game_steps / 20, game_steps / 5, game_steps / 2, game_steps};
    std::vector<io::Series> densities;
    {
        io::Series data_curve{"p_data", {}, {}};
        for (std::size_t i = 0; i < grid.x.size(); i += 10)
            if (std::abs(grid.x[i]) <= 6.0) data_curve.x.push_back(grid.x[i]), data_curve.y.push_back(pd[i]);
        densities.push_back(data_curve);
    }
    nn::Sequential D_game = make_discriminator(gen);
    nn::AdamOptions dcgan;  // DCGAN's Adam (Radford et al. 2016): beta1 0.5, a shorter memory than 0.9
    dcgan.beta1 = 0.5;
    nn::Adam opt_d(D_game.parameters(), 2e-4, dcgan), opt_g(G.parameters(), 2e-4, dcgan);
    for (std::size_t step = 0; step <= game_steps; ++step) {
        if (std::find(snapshots.begin(), snapshots.end(), step) != snapshots.end()) {
            if (step > 0) densities.push_back(histogram(fmt::format("p_g, step {}", step), generate(G, 20000, gen)));
            const auto [on_data, on_fakes] = mean_d(D_game, G, 4000, gen);
            fmt::print(
                "step {:5}: W1(p_g, p_data) = {:.3f}; the training D's mean output on data {:.3f}, on G's "
                "samples {:.3f}\n",
                step, w1_to_data(G, 4000, gen), on_data, on_fakes);
        }
        if (step == game_steps) break;
        Tensor fake;
        {
            NoGradGuard no_grad;
            fake = G(randn({256, kNoise}, gen));
        }
        const Tensor real = sample_data(256, gen);
        d_step(D_game, opt_d, real, fake);
        opt_g.zero_grad();
        const Tensor fake_logits = D_game(G(randn({256, kNoise}, gen)));
        Tensor loss_g = models::generator_loss_nonsaturating(fake_logits);
        loss_g.backward();
        opt_g.step();
    }
    {
        io::PlotOptions plot;
        plot.title = "The generator's density moving onto the data's";
        plot.xlabel = "x";
        plot.ylabel = "density (histogram of 20,000 samples, bins 0.1)";
        io::save_line_plot(out_dir + "/densities.png", densities, plot);
    }
    // The training D says about 1/2 everywhere at the end; that is what an equilibrium looks like,
    // but also what a D that has fallen behind looks like. A fresh D, trained against the frozen
    // G, does better: its V estimates -log 4 + 2 JSD, but from below (a D short of D* gets less),
    // so a small estimate does not show that p_g is close. Measured: the fresh D says 0.006 nats
    // where the histogram below says 0.041, seven times more.
    const FreshD after = fresh_discriminator(G, opt.quick ? 600 : 1500, gen);
    fmt::print("after training:  a fresh D trained against G gives V = {:.4f}, JSD >= {:.4f} nats\n", after.value,
               after.jsd);
    const double w1_trained = w1_to_data(G, 20000, gen);
    // The fresh D's V is a lower bound of the JSD (a D short of D* gets less), so it cannot show
    // closeness; the histogram can. Two references: the same histogram measure of a data sample
    // of the same size (the floor: what a G equal to p_data would score), and a G that draws one
    // mode perfectly and drops the other, p_g = N(2, 0.5^2), by integration (the mode collapse
    // GANs are known for: JSD = 1/2 (1/2 log(2/3) + 1/2 log 2) + 1/2 log(4/3) = 0.216 nats, as the
    // modes hardly overlap).
    const double jsd_after = jsd_to_data(generate(G, n_hist, hist_gen));
    std::vector<double> one_mode(grid.x.size());
    for (std::size_t i = 0; i < grid.x.size(); ++i) one_mode[i] = gaussian(grid.x[i], 2.0, 0.5);
    const double jsd_one_mode = jsd_by_integral(grid, pd, one_mode);
    const Tensor data_sample = sample_data(n_hist, hist_gen);
    const double jsd_floor = jsd_to_data(std::vector<float>(data_sample.value().begin(), data_sample.value().end()));
    const double w1_floor = w1_data_to_data(20000, hist_gen);
    fmt::print(
        "after training:  JSD(p_data || p_g) from a histogram of {} samples: {:.4f} nats (a data sample of the "
        "same size: {:.4f}; a G that draws one mode perfectly: {:.4f})\n",
        n_hist, jsd_after, jsd_floor, jsd_one_mode);
    fmt::print("after training:  W1(p_g, p_data) = {:.3f} on 20,000 samples each (two data samples: {:.3f})\n",
               w1_trained, w1_floor);
    return {before, after, n_hist, jsd_before, jsd_after, jsd_one_mode, jsd_floor, w1_trained, w1_floor};
}

// The fresh G of the game (its first weights from seed + 1), its samples moved to near x = -5 by
// its output bias: a G far from the data, on one side of it.
nn::Sequential far_generator(std::uint64_t seed) {
    Generator g_copy(seed + 1);
    nn::Sequential g = make_generator(g_copy);
    dynamic_cast<nn::Linear&>(g[4]).bias.mutable_value().fill(-5.0f);
    return g;
}

// What the two generator losses give a G that D rejects, and the D that rejects it (the race's start).
struct GeneratorLosses {
    nn::Sequential D0;    // a D trained against the far G
    std::size_t n_probe;  // the samples of z the gradients are measured on
    double mean_d_fake;   // mean D(G(z)) over them
    double max_d_fake;    // the largest D(G(z)) among them
    double grad_ratio;    // |grad non-saturating| / |grad minimax| over G's parameters
};

// Slide 37: J(G) = -J(D) against -log D(G(z)) when D rejects G; returns the gradient ratio and that D.
GeneratorLosses compare_generator_losses(const lecture::Options& opt, const std::string& out_dir, Generator& gen) {
    lecture::section("Scott slide 37: minimax J(G) = -J(D) against the non-saturating loss");
    // G minimises either
    //   minimax:         J(G) = E_z log(1 - D(G(z)))   (= -J(D) up to a term G cannot change)
    //   non-saturating:  J(G) = -E_z log D(G(z))
    // With D(G(z)) = sigmoid(l), per sample in the logit l:
    //   d/dl log(1 - sigmoid(l)) = -sigmoid(l) = -D,      d/dl [-log sigmoid(l)] = -(1 - sigmoid(l)) = -(1 - D).
    // Both push l up (towards "real"), but when D rejects a sample (D near 0: early in training, when
    // G is bad) the minimax gradient is D, nearly nothing, and the non-saturating one is 1 - D,
    // nearly all of it. The ratio per sample is (1 - D) / D.
    // A G far from the data, on one side of it (the fresh G of the game, its samples moved to near
    // x = -5 by its output bias), and a D trained to reject it:
    nn::Sequential G0 = far_generator(opt.seed);
    nn::Sequential D0 = make_discriminator(gen);
    {
        nn::Adam adam(D0.parameters(), 1e-3);
        for (std::size_t s = 0; s < (opt.quick ? 500u : 1000u); ++s) {
            Tensor fake;
            {
                NoGradGuard no_grad;
                fake = G0(randn({256, kNoise}, gen));
            }
            d_step(D0, adam, sample_data(256, gen), fake);
        }
    }
    const Tensor z_probe = randn({1024, kNoise}, gen);
    double norm_minimax = 0.0, norm_ns = 0.0, mean_d_fake = 0.0, max_d_fake = 0.0;
    {
        G0.zero_grad();
        Tensor l = models::generator_loss_minimax(D0(G0(z_probe)));
        l.backward();
        norm_minimax = grad_norm(G0);
        G0.zero_grad();
        const Tensor logits = D0(G0(z_probe));
        Tensor n = models::generator_loss_nonsaturating(logits);
        n.backward();
        norm_ns = grad_norm(G0);
        G0.zero_grad();
        D0.zero_grad();
        mean_d_fake = mean(sigmoid(logits)).item();
        max_d_fake = xt::amax(sigmoid(logits).value())();
    }
    const double grad_ratio = norm_ns / norm_minimax;
    fmt::print("D trained against the fresh G: mean D(G(z)) = {:.5f}, so (1 - D) / D is about {:.0f} per sample\n",
               mean_d_fake, (1.0 - mean_d_fake) / mean_d_fake);
    fmt::print("gradient norm over G's parameters: minimax {:.3e}, non-saturating {:.3e}, ratio {:.0f}\n", norm_minimax,
               norm_ns, grad_ratio);
    // What the ratio of the norms should be: if every sample's gradient in G's parameters pointed
    // the same way (all of G's samples sit near x = -5), the ratio would be a weighted mean of the
    // per-sample ratios (1 - D_i) / D_i, so at least the smallest of them, (1 - D_max) / D_max.
    fmt::print("largest D(G(z)) among the {} samples: {:.5f}, so every per-sample ratio is at least {:.0f}\n",
               z_probe.shape()[0], max_d_fake, (1.0 - max_d_fake) / max_d_fake);
    // The per-sample gradient in the logit, by backward() on a batch of chosen logits (times the
    // batch size, since the losses are means), against the two formulas.
    {
        const std::size_t M = 30;
        Tensor logits = zeros({M, 1});
        for (std::size_t i = 0; i < M; ++i)
            logits.mutable_value()(i, 0) = static_cast<float>(-9.0 + 13.0 * i / (M - 1));
        Tensor lm(logits.value(), /*requires_grad=*/true), ln(logits.value(), /*requires_grad=*/true);
        Tensor jm = models::generator_loss_minimax(lm), jn = models::generator_loss_nonsaturating(ln);
        jm.backward();
        jn.backward();
        io::Series meas_m{"minimax, backward()", {}, {}}, meas_n{"non-saturating, backward()", {}, {}},
            form_m{"minimax formula: D", {}, {}}, form_n{"non-saturating formula: 1 - D", {}, {}};
        double worst = 0.0;
        for (std::size_t i = 0; i < M; ++i) {
            const double d = 1.0 / (1.0 + std::exp(-double(logits.value()(i, 0))));
            const double gm = -double(lm.grad().value()(i, 0)) * M, gn = -double(ln.grad().value()(i, 0)) * M;
            worst = std::max({worst, std::abs(gm - d) / d, std::abs(gn - (1 - d)) / (1 - d)});
            meas_m.x.push_back(d), meas_m.y.push_back(gm);
            meas_n.x.push_back(d), meas_n.y.push_back(gn);
        }
        for (int k = 0; k <= 400; ++k) {
            const double d = 1e-4 + (1.0 - 2e-4) * k / 400.0;
            form_m.x.push_back(d), form_m.y.push_back(d);
            form_n.x.push_back(d), form_n.y.push_back(1.0 - d);
        }
        fmt::print("per-sample gradient in the logit, backward() against the formulas: largest relative gap {:.1e}\n",
                   worst);
        io::PlotOptions plot;
        plot.title = "How hard each generator loss pushes a sample's logit";
        plot.xlabel = "D(G(z)), the discriminator's probability that the fake is real";
        plot.ylabel = "|dJ(G) / d logit| per sample (log scale)";
        plot.log_y = true;
        io::save_line_plot(out_dir + "/gradients.png", {form_m, form_n, meas_m, meas_n}, plot);
    }
    return {std::move(D0), z_probe.shape()[0], mean_d_fake, max_d_fake, grad_ratio};
}

// How the race ended: the step at which each G got halfway to the data.
struct Race {
    std::size_t steps;                  // SGD steps of each game
    std::size_t halfway_minimax;        // steps + 1 if never
    std::size_t halfway_nonsaturating;  // the same for the non-saturating G
};

// Slide 37: the two generator losses race by plain SGD from the same start; returns when each G is halfway.
Race run_race(const lecture::Options& opt, const std::string& out_dir, nn::Sequential& D0, Generator& gen) {
    // The race: the same G and the same rejecting D, two games, each D still trained by Adam,
    // G by plain SGD on one loss or the other. Plain SGD on purpose: Adam divides each step by a
    // running root-mean-square of the gradient, so it would blow the minimax loss's tiny gradient
    // back up to full-size steps and hide the very effect we want to see.
    // Watch the minimax G in race.png: it first moves away from the data. Its gradient weighs each
    // sample by D(G(z)), so the handful of samples D rejects least steer it, wherever they are; the
    // non-saturating loss weighs every rejected sample alike (1 - D, about 1).
    const std::size_t race_steps = opt.quick ? 600 : 1500;
    const double sgd_lr = 0.05;
    struct Racer {
        std::string name;
        bool minimax;
        std::vector<double> w1;
        std::size_t halfway = 0;
    };
    std::vector<Racer> racers{{"minimax", true, {}}, {"non-saturating", false, {}}};
    std::vector<double> race_axis;
    for (Racer& r : racers) {
        nn::Sequential Gr = far_generator(opt.seed);  // the same start for both
        nn::Sequential Dr = make_discriminator(gen);
        copy_parameters(D0, Dr);
        nn::AdamOptions beta1_half;
        beta1_half.beta1 = 0.5;
        nn::Adam adam_d(Dr.parameters(), 1e-3, beta1_half);
        nn::SGD sgd_g(Gr.parameters(), sgd_lr);
        Generator race_gen(opt.seed + 2);  // the same minibatches for both
        race_axis.clear();
        for (std::size_t step = 0; step <= race_steps; ++step) {
            if (step % 5 == 0) {
                r.w1.push_back(w1_to_data(Gr, 2000, race_gen));
                race_axis.push_back(static_cast<double>(step));
            }
            if (step == race_steps) break;
            Tensor fake;
            {
                NoGradGuard no_grad;
                fake = Gr(randn({256, kNoise}, race_gen));
            }
            d_step(Dr, adam_d, sample_data(256, race_gen), fake);
            sgd_g.zero_grad();
            const Tensor logits = Dr(Gr(randn({256, kNoise}, race_gen)));
            Tensor loss =
                r.minimax ? models::generator_loss_minimax(logits) : models::generator_loss_nonsaturating(logits);
            loss.backward();
            sgd_g.step();
        }
        // The first step at which G is halfway to the data (W1 below half its start).
        r.halfway = race_steps + 1;
        for (std::size_t k = 0; k < r.w1.size(); ++k)
            if (r.w1[k] < 0.5 * r.w1.front()) {
                r.halfway = static_cast<std::size_t>(race_axis[k]);
                break;
            }
        double peak = *std::max_element(r.w1.begin(), r.w1.end());
        fmt::print(
            "{:>15}: W1(p_g, p_data) from {:.3f} to {:.3f} after {} SGD steps (lr {}); halfway at step {}; "
            "farthest {:.2f}\n",
            r.name, r.w1.front(), r.w1.back(), race_steps, sgd_lr,
            r.halfway > race_steps ? std::string("never") : std::to_string(r.halfway), peak);
    }
    {
        io::PlotOptions plot;
        plot.title = "The race: G by plain SGD, D by Adam, from the same start";
        plot.xlabel = "step";
        plot.ylabel = "W1(p_g, p_data): distance to the data";
        io::save_line_plot(out_dir + "/race.png",
                           {{"minimax J(G) = -J(D)", race_axis, racers[0].w1},
                            {"non-saturating -log D(G(z))", race_axis, racers[1].w1}},
                           plot);
    }
    return {race_steps, racers[0].halfway, racers[1].halfway};
}

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt = lecture::parse_args(
        argc, argv, "gan_game", 13, "plays the GAN game on the real line, where D* and the JSD are known");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);
    const Grid grid;
    std::vector<double> pd(grid.x.size());
    for (std::size_t i = 0; i < grid.x.size(); ++i) pd[i] = p_data(grid.x[i]);

    // ---- Slide 36: the best discriminator for a fixed generator ----
    const OptimalD lone = optimal_discriminator(opt, out_dir, grid, pd, gen);

    // ---- Slide 37: training the game ----
    const Game game = play_game(opt, out_dir, grid, pd, gen);

    // ---- Slide 37: J(G) = -J(D) against the non-saturating loss ----
    GeneratorLosses losses = compare_generator_losses(opt, out_dir, gen);
    const Race race = run_race(opt, out_dir, losses.D0, gen);
    fmt::print("wrote {0}/optimal_d.png, {0}/densities.png, {0}/gradients.png and {0}/race.png\n", out_dir);

    // ---- Verdict ----
    const std::size_t half_mm = race.halfway_minimax, half_ns = race.halfway_nonsaturating;
    lecture::quick_scope(opt,
                         "half the game (2,500 steps, not 5,000), shorter training of the lone and fresh Ds and a "
                         "shorter race: the same clauses");
    lecture::Verdict verdict(
        "a D trained against a fixed G gets the value of the game V(D*, G) = -log 4 + 2 JSD to within what a "
        "minibatch can tell; training moves p_g onto p_data, closer than a G that draws one mode perfectly; when D "
        "rejects G's samples the non-saturating loss gives G the gradient the minimax loss withholds, and by plain "
        "SGD gets G halfway to the data sooner");
    verdict.at_most("optimal_value", lone.v_star - lone.v_trained, lone.se_minibatch,
                    "V(D*, G) - V(trained D, G) by integration on the grid, nats (D* maximises V, so it is >= 0)",
                    "the standard error of V(D*, G) estimated on one training minibatch of 256 + 256, by integration");
    verdict.above(
        "start_far", game.jsd_before, game.jsd_one_mode,
        fmt::format("JSD(p_data || p_g) of the untrained G from a histogram of {} samples, nats", game.n_hist),
        "the JSD of a G that draws one mode perfectly and drops the other, by integration");
    verdict.below("onto_data", game.jsd_after, game.jsd_one_mode,
                  fmt::format("JSD(p_data || p_g) of the trained G from a histogram of {} samples, nats (a data "
                              "sample scores {:.4f}; the fresh D's lower bound {:.4f}; one run; over seeds: ./lab "
                              "verify)",
                              game.n_hist, game.jsd_floor, game.after.jsd),
                  "as above: mode collapse onto one mode is what a GAN's p_g must beat");
    verdict.at_least("gradient_ratio", losses.grad_ratio, (1.0 - losses.max_d_fake) / losses.max_d_fake,
                     fmt::format("|grad non-saturating| / |grad minimax| over G's parameters, {} samples D rejects "
                                 "(mean D(G(z)) {:.5f})",
                                 losses.n_probe, losses.mean_d_fake),
                     "(1 - D_max) / D_max, the smallest per-sample ratio (1 - D) / D: the least the ratio of the "
                     "norms is when the samples' gradients point the same way");
    verdict.below("race", static_cast<double>(half_ns), static_cast<double>(half_mm),
                  fmt::format("SGD step at which the non-saturating G is halfway to the data, W1 below half its "
                              "start (one race; over seeds: ./lab verify)"),
                  fmt::format("the minimax G's step in the same race: same start, same D, same minibatches ({} "
                              "steps; never = {})",
                              race.steps, race.steps + 1));
    return verdict.finish(fmt::format(
        "gap to D* {:.4f}, V {:.4f} vs {:.4f}; JSD {:.3f} -> {:.4f} nats (fresh D: {:.3f} -> {:.4f}), W1 {:.3f} "
        "(data against data {:.3f}); gradient ratio {:.0f}; halfway at step {} (non-saturating) vs {} (minimax)",
        lone.gap, lone.v_trained, lone.v_formula, game.jsd_before, game.jsd_after, game.before.jsd, game.after.jsd,
        game.w1_trained, game.w1_floor, losses.grad_ratio, half_ns,
        half_mm > race.steps ? std::string("never") : std::to_string(half_mm)));
} catch (const std::exception& e) {
    return lecture::fail("gan_game", e);
}

// Try this:
//  1. Train the lone D for 300 steps instead of 4,000 (d_steps): the gap to D* grows to 0.069
//     and V(trained D, G) falls to -0.825, 0.058 below V(D*, G), more than the 0.044 that one
//     minibatch can tell: the verdict FAILS on its first clause (optimal_value). A D short of
//     optimal underestimates the JSD; that is why the fresh-D estimates are lower bounds.
//  2. In the race, give G Adam instead of SGD (nn::Adam sgd_g(Gr.parameters(), 1e-3, beta1_half)): the
//     minimax G is halfway at step 40 (225 by SGD, after first running off to W1 16.0) and never
//     moves away (farthest 4.90, its start); the non-saturating one is halfway at step 50 (5 by
//     SGD). Adam rescales the tiny minimax gradient to full-size steps, and the advantage is gone:
//     the verdict FAILS on its last clause, race (50 < 40 does not hold), the other four still
//     pass. (The race's printed lines still say "SGD steps (lr 0.05)": that text is fixed.)
//  3. Play the game with Adam at lr 1e-3 instead of 2e-4 (both players, in opt_d and opt_g): p_g
//     is near the data by step 1,000 (W1 0.22), then drifts off again (W1 0.42 at step 5,000,
//     against 0.24 at lr 2e-4); the histogram's JSD ends at 0.115 nats instead of 0.041 (the
//     fresh D finds 0.089 instead of 0.006). The verdict still HOLDS: p_g has drifted, not
//     collapsed onto one mode (0.216).
