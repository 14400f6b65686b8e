// check.cpp (exercise 14): grades ex14's optimal discriminator D*, the value of the game V(D, G),
// the JSD the game measures and a trained discriminator. Densities, grids and the distributions
// come from the grader's seed; what they are compared with is computed here from the definitions,
// in plain float64 loops.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Generator;
using autograd::Tensor;
using Array = xt::xarray<double>;

namespace {

constexpr double kPi = 3.14159265358979323846;

// ---- densities on a grid -----------------------------------------------------------------------
double gaussian(double x, double mean, double sd) {
    const double u = (x - mean) / sd;
    return std::exp(-0.5 * u * u) / (sd * std::sqrt(2.0 * kPi));
}

// A mixture of Gaussians on the real line: its density, and samples of it.
struct Mixture {
    std::vector<double> weight, mean, sd;

    double density(double x) const {
        double p = 0.0;
        for (std::size_t j = 0; j < weight.size(); ++j) p += weight[j] * gaussian(x, mean[j], sd[j]);
        return p;
    }
    Tensor sample(std::size_t n, Generator& gen) const {  // (n, 1)
        Tensor x = autograd::zeros({n, 1});
        for (float& v : x.mutable_value()) {
            double u = gen.uniform();
            std::size_t j = 0;
            while (j + 1 < weight.size() && u >= weight[j]) u -= weight[j++];
            v = static_cast<float>(mean[j] + sd[j] * gen.normal());
        }
        return x;
    }
    std::string text() const {
        std::string s;
        for (std::size_t j = 0; j < weight.size(); ++j)
            s += fmt::format("{}{:.2f} N({:.2f}, {:.2f}^2)", j == 0 ? "" : " + ", weight[j], mean[j], sd[j]);
        return s;
    }
};

// 1 to 3 components, their weights from a uniform draw and summing to 0.9, means in [-3, 3], standard
// deviations in [0.4, 1.5]; and a wide one, 0.1 N(0, 3^2), that every mixture shares. It keeps the ratio
// p_data / p_g within a few hundred on the grid: without it the ratio of two Gaussians' tails passes
// 1e16, where D* rounds to 1 in float64 and log(1 - D*) is -inf (README, "On a grid").
Mixture random_mixture(Generator& gen) {
    Mixture m;
    const std::size_t components = 1 + gen.below(3);
    double total = 0.0;
    for (std::size_t j = 0; j < components; ++j) {
        m.weight.push_back(gen.uniform(0.2, 1.0));
        m.mean.push_back(gen.uniform(-3.0, 3.0));
        m.sd.push_back(gen.uniform(0.4, 1.5));
        total += m.weight.back();
    }
    for (double& w : m.weight) w *= 0.9 / total;
    m.weight.push_back(0.1), m.mean.push_back(0.0), m.sd.push_back(3.0);
    return m;
}

// The points lo, lo + dx, ..., up to hi: (K,).
Array grid(double lo, double hi, double dx) {
    const auto K = static_cast<std::size_t>(std::floor((hi - lo) / dx + 1e-9)) + 1;
    Array x = Array::from_shape({K});
    for (std::size_t k = 0; k < K; ++k) x(k) = lo + static_cast<double>(k) * dx;
    return x;
}

// The density of m at each grid point, scaled to sum to 1 by the rectangle rule (sum_k p_k dx = 1).
Array on_grid(const Mixture& m, const Array& x, double dx) {
    Array p = Array::from_shape(x.shape());
    for (std::size_t k = 0; k < x.size(); ++k) p(k) = m.density(x(k));
    return p / (xt::sum(p)() * dx);
}

// The uniform density on [lo, hi] at each grid point, summing to 1 by the rectangle rule.
Array uniform_on_grid(double lo, double hi, const Array& x, double dx) {
    Array p = xt::zeros<double>(x.shape());
    for (std::size_t k = 0; k < x.size(); ++k) p(k) = x(k) >= lo && x(k) <= hi ? 1.0 : 0.0;
    return p / (xt::sum(p)() * dx);
}

// ---- the references ----------------------------------------------------------------------------
// D* = p_data / (p_data + p_g), 1/2 where both are 0.
Array d_star_ref(const Array& p_data, const Array& p_g) {
    Array d = Array::from_shape(p_data.shape());
    for (std::size_t i = 0; i < d.size(); ++i) {
        const double a = p_data.data()[i], b = p_g.data()[i];
        d.data()[i] = a + b > 0.0 ? a / (a + b) : 0.5;
    }
    return d;
}

// sum_k dx [a_k log D_k + b_k log(1 - D_k)], a term of weight 0 counting 0.
double weighted_logs(const Array& a, const Array& b, const Array& D, double dx) {
    double v = 0.0;
    for (std::size_t k = 0; k < D.size(); ++k) {
        if (a(k) > 0.0) v += a(k) * std::log(D(k)) * dx;
        if (b(k) > 0.0) v += b(k) * std::log(1.0 - D(k)) * dx;
    }
    return v;
}
// V(D, G) = integral of p_data log D + p_g log(1 - D), by the rectangle rule.
double value_ref(const Array& p_data, const Array& p_g, const Array& D, double dx) {
    return weighted_logs(p_data, p_g, D, dx);
}

// JSD(p || q) = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2, by the rectangle rule: the definition.
double jsd_ref(const Array& p, const Array& q, double dx) {
    double j = 0.0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        const double m = 0.5 * (p(k) + q(k));
        if (p(k) > 0.0) j += 0.5 * p(k) * std::log(p(k) / m) * dx;
        if (q(k) > 0.0) j += 0.5 * q(k) * std::log(q(k) / m) * dx;
    }
    return j;
}

bool close(double a, double b) { return std::abs(a - b) <= 1e-9 * std::abs(b) + 1e-12; }
bool close(const Array& a, const Array& b) { return a.shape() == b.shape() && xt::allclose(a, b, 1e-9, 1e-12); }
bool any_nan(const Array& a) {
    return std::any_of(a.begin(), a.end(), [](double v) { return std::isnan(v); });
}

// ---- hints -------------------------------------------------------------------------------------
const char* const kDStarHint =
    "for each x, D(x) = y maximises a log y + b log(1 - y) with a = p_data(x), b = p_g(x): the derivative "
    "a / y - b / (1 - y) is 0 at y = a / (a + b). So D*(x) = p_data(x) / (p_data(x) + p_g(x)), elementwise, with "
    "the shape of the inputs";
const char* const kSwappedDensitiesHint =
    "that is p_g / (p_data + p_g) = 1 - D*: the probability that x is fake. D(x) is the probability that x is "
    "real, and real is p_data: D*(x) = p_data(x) / (p_data(x) + p_g(x))";
const char* const kNotNormalisedHint =
    "that is p_data(x) alone, a density, not a probability (it can exceed 1). D* is p_data's share of both "
    "densities at x: p_data(x) / (p_data(x) + p_g(x)), in [0, 1]";
const char* const kRatioHint =
    "that is the density ratio r = p_data / p_g. D* is r / (1 + r) = p_data / (p_data + p_g): a probability in "
    "[0, 1]";
const char* const kBothZeroNanHint =
    "where both densities are 0, p_data / (p_data + p_g) is 0 / 0 = nan. There both terms of V weigh 0, every "
    "D(x) does as well, and the convention is 1/2: test p_data + p_g > 0 first (xt::where)";
const char* const kEpsHint =
    "an eps added to the denominator changes D* wherever the densities are small: with p_data = p_g = 1e-290, "
    "p_data / (p_data + p_g + 1e-12) is about 1e-278, not 1/2. Keep the exact formula where p_data + p_g > 0, "
    "and 1/2 only where both are exactly 0";
const char* const kBothZeroHint =
    "where both densities are 0, every D(x) does as well (both terms of V weigh 0), and the convention asked for "
    "is 1/2; where only p_g is 0, D* = 1, and where only p_data is 0, D* = 0";
const char* const kValueHint =
    "V(D, G) = integral of p_data(x) log D(x) + p_g(x) log(1 - D(x)) dx; by the rectangle rule, "
    "sum_k dx [p_data_k log D_k + p_g_k log(1 - D_k)]";
const char* const kNoDxHint =
    "that is the sum without dx: the rectangle rule turns the integral into sum_k f(x_k) dx, each term times the "
    "spacing of the grid";
const char* const kMeanHint =
    "that is a mean over the K grid points: the integral is a sum times dx (sum_k f(x_k) dx), not a mean (the "
    "grid's length is not 1)";
const char* const kLogsSwappedHint =
    "you weigh log D by p_g and log(1 - D) by p_data: D is the probability of real, so the real samples "
    "(p_data) pay log D(x) and the generated ones (p_g) log(1 - D(x))";
const char* const kValueSignHint =
    "V is the value D maximises, E_data log D + E_g log(1 - D), without a minus: it is <= 0 (J(D) = -V is the "
    "loss)";
const char* const kZeroLogZeroHint =
    "where a density is 0, D* is 0 or 1 and its log is -inf; 0 x (-inf) is nan in floating point. The term is 0 "
    "(p log D -> 0 as p -> 0 with D fixed): add a term only where its density is > 0";
const char* const kJsdHint =
    "Theorem 1: V(D*, G) = -log 4 + 2 JSD(p_data || p_g), so JSD = (V(D*, G) + log 4) / 2, with V from your "
    "game_value at your optimal_discriminator (a FAIL above in either of them shows here too)";
const char* const kNoLog4Hint =
    "that is V(D*, G) / 2, without the log 4: V(D*, G) = -log 4 + 2 JSD, so JSD = (V(D*, G) + log 4) / 2. Two "
    "equal distributions give V = -log 4 and JSD 0, never a negative JSD";
const char* const kNoHalfHint =
    "that is V(D*, G) + log 4 = 2 JSD, twice the JSD: divide by 2. Two distributions with disjoint supports have "
    "JSD log 2 (its largest value), V(D*, G) = 0";
const char* const kLog4SignHint =
    "that is (V(D*, G) - log 4) / 2: V(D*, G) = -log 4 + 2 JSD, so the log 4 is added back: (V + log 4) / 2";
const char* const kJustValueHint =
    "that is V(D*, G) itself, the value of the game: V(D*, G) = -log 4 + 2 JSD; solve it for the JSD";
const char* const kTrainHint =
    "train a small MLP x (N, 1) -> logit (N, 1) with an optimizer (e.g. Adam, lr 1e-2) on "
    "models::discriminator_loss(D(real), D(fake)), a few hundred steps of batches of ~100 samples of each";
const char* const kSigmoidEndHint =
    "every output of your model lies in [0, 1], so sigmoid(output) never goes below 1/2: does the model end with "
    "a sigmoid? It returns the logit l(x) (no sigmoid at the end: the check applies it, and "
    "models::discriminator_loss takes logits)";
const char* const kSwappedLabelsHint =
    "sigmoid(D(x)) is close to 1 - D*(x): your discriminator learnt that p_g is real. The labels are 1 for the "
    "samples of sample_data and 0 for those of sample_g: models::discriminator_loss(D(real), D(fake))";
const char* const kNotThereHint =
    "train longer: a few hundred Adam steps or more, every one taken (zero_grad, backward, step) on fresh samples "
    "of both, with a learning rate that moves (e.g. 1e-2), and a model with a hidden layer or two of tanh units "
    "(D* has several bumps)";

// Which usual mistake a wrong D* is; the derivation when none fits.
const char* d_star_hint(const Array& got, const Array& p_data, const Array& p_g) {
    if (close(got, d_star_ref(p_g, p_data))) return kSwappedDensitiesHint;
    if (close(got, p_data)) return kNotNormalisedHint;
    if (close(got, Array(p_data / p_g))) return kRatioHint;
    return kDStarHint;
}
// Which usual mistake a wrong V(D, G) is.
const char* value_hint(double got, const Array& p_data, const Array& p_g, const Array& D, double dx) {
    const double v = value_ref(p_data, p_g, D, dx), swapped = weighted_logs(p_g, p_data, D, dx);
    if (std::isnan(got)) return kZeroLogZeroHint;
    if (got == swapped || close(got, swapped)) return kLogsSwappedHint;  // == for -inf (log 0 where D* is 1)
    if (close(got, v / dx)) return kNoDxHint;
    if (close(got, v / (dx * static_cast<double>(D.size())))) return kMeanHint;
    if (close(got, -v)) return kValueSignHint;
    return kValueHint;
}
// Which usual mistake a wrong JSD is, from the value of the game at D*.
const char* jsd_hint(double got, const Array& p_data, const Array& p_g, double dx) {
    const double v = value_ref(p_data, p_g, d_star_ref(p_data, p_g), dx), log4 = std::log(4.0);
    if (std::isnan(got)) return kZeroLogZeroHint;
    if (close(got, v / 2.0)) return kNoLog4Hint;
    if (close(got, v + log4)) return kNoHalfHint;
    if (close(got, (v - log4) / 2.0)) return kLog4SignHint;
    if (close(got, v)) return kJustValueHint;
    return kJsdHint;
}

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("14", "the optimal discriminator D* = p_data / (p_data + p_g), and the JSD it measures", argc,
                       argv, /*default_seed=*/4114);

    grader.check("D*(x) = p_data / (p_data + p_g), elementwise", [&](lab::Check& c) {
        Generator gen = grader.generator(1);
        // Hidden: a shape (R, C), R in 2-4 and C in 3-7, and positive values in [0.05, 2].
        const std::size_t R = 2 + gen.below(3), C = 3 + gen.below(5);
        const Array p_data = autograd::uniform<double>({R, C}, 0.05, 2.0, gen).value();
        const Array p_g = autograd::uniform<double>({R, C}, 0.05, 2.0, gen).value();
        const Array got = ex14::optimal_discriminator(p_data, p_g);
        c.expect_close(fmt::format("optimal_discriminator(p_data, p_g), both ({}, {})", R, C), got,
                       d_star_ref(p_data, p_g), 1e-9, 1e-12, d_star_hint(got, p_data, p_g));
    });

    grader.check("D* where a density is 0: 0, 1, and 1/2 where both are", [&](lab::Check& c) {
        Generator gen = grader.generator(2);
        const double a = gen.uniform(0.1, 3.0), b = gen.uniform(0.1, 3.0), tiny = gen.uniform(1.0, 9.0) * 1e-290;
        // Only p_g, only p_data, neither, both tiny, only p_data, neither, both subnormal.
        const Array p_data = {0.0, a, 0.0, tiny, b, 0.0, 4e-320};
        const Array p_g = {b, 0.0, 0.0, tiny, 0.0, 0.0, 4e-320};
        const Array want = {0.0, 1.0, 0.5, 0.5, 1.0, 0.5, 0.5};
        const Array got = ex14::optimal_discriminator(p_data, p_g);
        c.expect_shape("optimal_discriminator", autograd::Shape(got.shape().begin(), got.shape().end()), {7},
                       kDStarHint);
        // The usual mistake, from the points where a density is > 0 (0, 1, 3, 4, 6) and those where both are 0.
        const Array seen = xt::view(got, xt::keep(0, 1, 3, 4, 6));
        const Array seen_data = xt::view(p_data, xt::keep(0, 1, 3, 4, 6)),
                    seen_g = xt::view(p_g, xt::keep(0, 1, 3, 4, 6));
        const bool eps_like = got(2) == 0.0 && got(5) == 0.0 && std::abs(got(1) - 1.0) < 1e-9 && got(3) < 0.25;
        const char* hint = any_nan(got)                                 ? kBothZeroNanHint
                           : eps_like                                   ? kEpsHint
                           : close(seen, d_star_ref(seen_data, seen_g)) ? kBothZeroHint
                                                                        : d_star_hint(seen, seen_data, seen_g);
        c.expect_close("optimal_discriminator(p_data = " + lab::values_text(p_data, 7) +
                           ", p_g = " + lab::values_text(p_g, 7) + ")",
                       got, want, 1e-9, 1e-12, hint);
    });

    grader.check("V(D, G) = sum_k dx [p_data log D + p_g log(1 - D)]", [&](lab::Check& c) {
        Generator gen = grader.generator(3);
        // Hidden: a grid over [-5, 5] with dx in [0.02, 0.1], two mixtures on it, D in [0.02, 0.98].
        const double dx = gen.uniform(0.02, 0.1);
        const Array x = grid(-5.0, 5.0, dx);
        const Array p_data = on_grid(random_mixture(gen), x, dx), p_g = on_grid(random_mixture(gen), x, dx);
        const Array D = autograd::uniform<double>({x.size()}, 0.02, 0.98, gen).value();
        const double got = ex14::game_value(p_data, p_g, D, dx);
        c.expect_close(fmt::format("game_value on {} grid points, dx = {:.4f}, D random in [0.02, 0.98]", x.size(), dx),
                       Array(got), Array(value_ref(p_data, p_g, D, dx)), 1e-9, 1e-12,
                       value_hint(got, p_data, p_g, D, dx));
    });

    grader.check("V(D, G) where a density is 0: 0 log 0 counts as 0", [&](lab::Check& c) {
        Generator gen = grader.generator(4);
        // Hidden: two uniform densities whose supports overlap in part, and D = D*: exactly 1 where only
        // p_data is > 0, exactly 0 where only p_g is, 1/2 where neither.
        const double dx = gen.uniform(0.01, 0.05);
        const Array x = grid(-6.0, 6.0, dx);
        const double a = gen.uniform(-4.0, -3.0), b = gen.uniform(0.5, 1.5);   // p_data on [a, b]
        const double c0 = gen.uniform(-1.5, -0.5), d = gen.uniform(2.5, 3.5);  // p_g on [c0, d]
        const Array p_data = uniform_on_grid(a, b, x, dx), p_g = uniform_on_grid(c0, d, x, dx);
        const Array D = d_star_ref(p_data, p_g);
        const double got = ex14::game_value(p_data, p_g, D, dx);
        c.expect_close(
            fmt::format("game_value(p_data uniform on [{:.2f}, {:.2f}], p_g uniform on [{:.2f}, {:.2f}], D*), "
                        "dx = {:.4f}",
                        a, b, c0, d, dx),
            Array(got), Array(value_ref(p_data, p_g, D, dx)), 1e-9, 1e-12, value_hint(got, p_data, p_g, D, dx));
    });

    grader.check(
        "Theorem 1: (V(D*, G) + log 4) / 2 is JSD(p_data || p_g): 0 for equal ones, log 2 for disjoint ones",
        [&](lab::Check& c) {
            Generator gen = grader.generator(5);
            struct Pair {
                std::string name;
                Array p_data, p_g;
                double dx;
            };
            std::vector<Pair> pairs;
            // Hidden: three pairs of mixtures on a grid over [-10, 10], dx in [0.01, 0.03]; then
            // one mixture against itself, and two uniforms with disjoint supports.
            for (int i = 0; i < 3; ++i) {
                const double dx = gen.uniform(0.01, 0.03);
                const Array x = grid(-10.0, 10.0, dx);
                const Mixture m_data = random_mixture(gen), m_g = random_mixture(gen);
                pairs.push_back({"p_data = " + m_data.text() + ", p_g = " + m_g.text(), on_grid(m_data, x, dx),
                                 on_grid(m_g, x, dx), dx});
            }
            {
                const double dx = gen.uniform(0.01, 0.03);
                const Array x = grid(-10.0, 10.0, dx);
                const Mixture m = random_mixture(gen);
                const Array p = on_grid(m, x, dx);
                pairs.push_back({"p_data = p_g = " + m.text(), p, p, dx});
            }
            {
                const double dx = gen.uniform(0.01, 0.03);
                const Array x = grid(-10.0, 10.0, dx);
                const double a = gen.uniform(-6.0, -4.0), b = gen.uniform(-2.0, -1.0), c0 = gen.uniform(1.0, 2.0),
                             d = gen.uniform(4.0, 6.0);
                pairs.push_back(
                    {fmt::format("p_data uniform on [{:.2f}, {:.2f}], p_g uniform on [{:.2f}, {:.2f}]", a, b, c0, d),
                     uniform_on_grid(a, b, x, dx), uniform_on_grid(c0, d, x, dx), dx});
            }
            for (const Pair& p : pairs) {
                const double got = ex14::jsd_by_game(p.p_data, p.p_g, p.dx);
                c.expect_close(fmt::format("jsd_by_game: {}, dx = {:.4f}", p.name, p.dx), Array(got),
                               Array(jsd_ref(p.p_data, p.p_g, p.dx)), 1e-9, 1e-12,
                               jsd_hint(got, p.p_data, p.p_g, p.dx));
            }
            // Proposition 1 on the first pair: D* beats D moved a tenth of the way to 1/2, and 1/2.
            const Pair& p = pairs[0];
            const Array d_star = d_star_ref(p.p_data, p.p_g);
            const double j = jsd_ref(p.p_data, p.p_g, p.dx);
            c.note(
                fmt::format("first pair: JSD {:.4f}; V(D*, G) = {:.4f} = -log 4 + 2 JSD; V for D a tenth "
                            "of the way to 1/2: {:.4f}; V(1/2, G) = -log 4 = {:.4f}",
                            j, value_ref(p.p_data, p.p_g, d_star, p.dx),
                            value_ref(p.p_data, p.p_g, Array(0.9 * d_star + 0.05), p.dx),
                            value_ref(p.p_data, p.p_g, xt::full_like(d_star, 0.5), p.dx)));
        });

    grader.check("a trained discriminator: sigmoid(D(x)) approaches D*(x) where the samples are", [&](lab::Check& c) {
        Generator gen = grader.generator(6);
        // Hidden: p_data = 1/2 N(-m, s^2) + 1/2 N(m, s^2), m in [2, 2.5], s in [0.35, 0.6]; p_g = N(mu, sd^2),
        // mu in [-0.5, 0.5], sd in [1, 1.5]. D* is high at the two modes and low between them and in the tails.
        const double m = gen.uniform(2.0, 2.5), s = gen.uniform(0.35, 0.6);
        const Mixture data{{0.5, 0.5}, {-m, m}, {s, s}};
        const Mixture fake{{1.0}, {gen.uniform(-0.5, 0.5)}, {gen.uniform(1.0, 1.5)}};
        const ex14::Sampler sample_data = [&data](std::size_t n, Generator& g) { return data.sample(n, g); };
        const ex14::Sampler sample_g = [&fake](std::size_t n, Generator& g) { return fake.sample(n, g); };
        const std::shared_ptr<nn::Module> D = ex14::train_discriminator(sample_data, sample_g, gen);
        c.expect(D != nullptr, "train_discriminator", "a model", "nullptr", kTrainHint);

        // D on a grid over [-6, 6]; every point weighed by (p_data + p_g) / 2 dx, where the samples are.
        const double dx = 0.01;
        const Array x = grid(-6.0, 6.0, dx);
        Array p_data = Array::from_shape(x.shape()), p_g = Array::from_shape(x.shape());
        Tensor xs = autograd::zeros({x.size(), 1});  // (K, 1)
        for (std::size_t k = 0; k < x.size(); ++k) {
            p_data(k) = data.density(x(k)), p_g(k) = fake.density(x(k));
            xs.mutable_value()(k, 0) = static_cast<float>(x(k));
        }
        Array logits;
        {
            autograd::NoGradGuard no_grad;
            D->eval();
            logits = (*D)(xs).value();  // (K, 1)
        }
        const std::string what =
            fmt::format("sigmoid(D(x)) on {} points of [-6, 6], data {}, p_g {}", x.size(), data.text(), fake.text());
        c.expect_shape("D(x) for x (K, 1)", autograd::Shape(logits.shape().begin(), logits.shape().end()),
                       {x.size(), 1}, "the model maps x (N, 1) to one logit per sample, (N, 1)");
        c.expect_finite("D(x)", logits, kTrainHint);
        const Array d_star = d_star_ref(p_data, p_g);
        Array d = Array::from_shape(x.shape());  // D(x) = sigmoid(l(x)): (K,)
        for (std::size_t k = 0; k < x.size(); ++k) d(k) = 1.0 / (1.0 + std::exp(-logits(k, 0)));
        double gap = 0.0, gap_swapped = 0.0, gap_half = 0.0;  // mean |D - D*|, |D - (1 - D*)|, |1/2 - D*|
        for (std::size_t k = 0; k < x.size(); ++k) {
            const double w = 0.5 * (p_data(k) + p_g(k)) * dx;
            gap += w * std::abs(d(k) - d_star(k));
            gap_swapped += w * std::abs(d(k) - (1.0 - d_star(k)));
            gap_half += w * std::abs(0.5 - d_star(k));
        }
        const double limit = 0.3 * gap_half;
        const bool in_unit = xt::amin(logits)() >= 0.0 && xt::amax(logits)() <= 1.0;
        // How far D came from the constant 1/2 towards D*: 0 for a D that learnt nothing, 1 at D*.
        const double progress = 1.0 - gap / gap_half;
        const std::string not_there =
            progress <= 0.0
                ? std::string("your D is no closer to D* than the constant 1/2, a D that learnt nothing; ") +
                      kNotThereHint
                : fmt::format(
                      "your D went {:.0f}% of the way from the constant 1/2 (a D that learnt nothing) to D*, "
                      "and must go 70%; {}",
                      100.0 * progress, kNotThereHint);
        const std::string hint = in_unit ? kSigmoidEndHint : gap_swapped < 0.5 * gap ? kSwappedLabelsHint : not_there;
        c.expect(gap <= limit, what + ": the mean |sigmoid(D(x)) - D*(x)|, weighed by (p_data + p_g) / 2",
                 fmt::format("at most {:.4f} (0.3 x {:.4f}, the constant 1/2's)", limit, gap_half),
                 fmt::format("{:.4f}; against 1 - D*: {:.4f}", gap, gap_swapped), hint);
        // The value your D gets, and with it the JSD it sees (a lower bound).
        const double v = value_ref(p_data, p_g, d, dx), v_star = value_ref(p_data, p_g, d_star, dx);
        c.note(
            fmt::format("mean |D - D*| = {:.4f} (the constant 1/2: {:.4f}); V(your D, G) = {:.4f} <= V(D*, G) = "
                        "{:.4f}: your D sees a JSD of {:.4f} of {:.4f}",
                        gap, gap_half, v, v_star, (v + std::log(4.0)) / 2.0, jsd_ref(p_data, p_g, dx)));
    });

    return grader.finish();
}
