// check.cpp (exercise 06): grades ex06::kl_sparsity. Shapes, activations and p come from the
// grader's seed; the training run reads MNIST's first 2,000 training images.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"
#include "io/io.hpp"
#include "models/mlp_autoencoder.hpp"
#include "nn/nn.hpp"

using autograd::Generator;
using autograd::Tensor;
using autograd::Tensor64;

namespace {

// KL(a || b) of two coins that land heads with probabilities a and b.
double bernoulli_kl(double a, double b) { return a * std::log(a / b) + (1.0 - a) * std::log((1.0 - a) / (1.0 - b)); }

// The penalty, and the usual wrong versions of it, by hand in float64 from h (N, H).
struct Candidates {
    double right = 0.0;       // sum_j KL(p || q_j), q_j the batch mean
    double swapped = 0.0;     // sum_j KL(q_j || p)
    double per_sample = 0.0;  // (1/N) sum_n sum_j KL(p || h_nj): the KL taken before the mean
    double first_term = 0.0;  // sum_j p log(p / q_j): the (1 - p) term left out
    std::size_t N = 0, H = 0;
};

Candidates by_hand(const xt::xarray<double>& h, double p) {
    Candidates k;
    k.N = h.shape()[0], k.H = h.shape()[1];
    for (std::size_t j = 0; j < k.H; ++j) {
        double q = 0.0;
        for (std::size_t n = 0; n < k.N; ++n) q += h(n, j);
        q /= static_cast<double>(k.N);
        k.right += bernoulli_kl(p, q);
        k.swapped += bernoulli_kl(q, p);
        k.first_term += p * std::log(p / q);
        for (std::size_t n = 0; n < k.N; ++n) k.per_sample += bernoulli_kl(p, h(n, j)) / static_cast<double>(k.N);
    }
    return k;
}

bool near(double a, double b) { return std::abs(a - b) <= 1e-9 * (1.0 + std::abs(b)); }

const char* const kFormulaHint =
    "sum over the hidden units j of p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)), where q_j is the mean of "
    "column j of h over the batch";

// The hint for a wrong value: the mistake that gives exactly `got`, when it is one of the usual ones.
std::string diagnose(double got, const Candidates& k) {
    if (near(got, k.swapped))
        return "p and q are swapped: the penalty is KL(p || q_j) = p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)), "
               "with the target p first; KL(q_j || p) is another number (KL is not symmetric)";
    if (near(got, k.per_sample) || near(got, k.per_sample * static_cast<double>(k.N)) ||
        near(got, k.per_sample / static_cast<double>(k.H)))
        return "average h over the batch first: q_j = (1/N) sum_n h[n, j] is one number per unit, and the KL is "
               "taken once per unit, of q_j. The KL of each sample's h[n, j], averaged, is a larger number (KL is "
               "convex) and asks every sample to sit at p";
    if (near(got, k.first_term))
        return "the second term is missing: KL(p || q_j) = p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)). Without "
               "it the penalty falls as q_j rises and pushes the units on, not towards p";
    if (near(got, k.right / static_cast<double>(k.H)))
        return "sum over the hidden units, do not average: the slide's penalty is sum_j KL(p || q_j) (Silva: "
               "tf.reduce_sum)";
    if (near(got, -k.right)) return std::string("the sign: a KL divergence is never negative. ") + kFormulaHint;
    return kFormulaHint;
}

// h (N, H) with every column's mean exactly p (up to rounding): rows in pairs p + d and p - d.
xt::xarray<double> h_with_means_p(std::size_t pairs, std::size_t H, double p, Generator& gen) {
    xt::xarray<double> h = xt::zeros<double>({2 * pairs, H});
    for (std::size_t k = 0; k < pairs; ++k)
        for (std::size_t j = 0; j < H; ++j) {
            const double d = gen.uniform(0.0, 0.9) * std::min(p, 1.0 - p);
            h(2 * k, j) = p + d, h(2 * k + 1, j) = p - d;
        }
    return h;
}

// The mean activation over `data` of a 784-100-784 sigmoid autoencoder's hidden units after 5
// epochs of Adam on Silva's loss (heading "Sparsity Loss"): the squared error averaged over the
// pixels, plus 0.2 times the student's penalty when `penalised`. (Per image, that is the summed
// squared error plus 0.2 x 784 = 157 times the penalty: with 100 hidden units, each unit carries
// a large share of the reconstruction, and a weaker weight leaves the mean well above p.)
double train_and_measure(const io::Dataset& data, bool penalised, double p, std::uint64_t seed) {
    Generator init(seed);
    models::MLPAutoencoder model({784, 100}, init, nn::Activation::Sigmoid, nn::Activation::Sigmoid);
    nn::Adam adam(model.parameters(), /*lr=*/3e-3);
    nn::DataLoader loader(data, /*batch_size=*/100, /*shuffle=*/true, seed + 1);
    const double sparsity_weight = 0.2;
    for (std::size_t epoch = 0; epoch < 5; ++epoch)
        for (const nn::Batch& batch : loader) {
            adam.zero_grad();
            const Tensor h = model.encode(batch.x);                                                 // (B, H)
            Tensor loss = autograd::mse_loss(model.decode(h), batch.x, autograd::Reduction::Mean);  // ()
            if (penalised) loss = loss + sparsity_weight * ex06::kl_sparsity(h, p);
            loss.backward();
            adam.step();
        }
    autograd::NoGradGuard no_grad;
    return xt::mean(model.encode(Tensor(data.images)).value())();
}

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("06", "the KL sparsity penalty on the batch-mean activation", argc, argv,
                       /*default_seed=*/4106);
    Generator setup = grader.generator(1);
    // A hidden shape: N = 8-32 rows (a batch), H = 3-12 hidden units; activations in (0.02, 0.98).
    const std::size_t N = 8 + setup.below(25), H = 3 + setup.below(10);
    const double p = setup.uniform(0.03, 0.3);
    const Tensor64 h = autograd::uniform<double>({N, H}, 0.02, 0.98, setup);
    const std::string what = fmt::format("kl_sparsity(h, p = {:.4f}) for h of shape ({}, {})", p, N, H);

    grader.check("the value is sum_j KL(p || q_j), q_j the batch mean of h[:, j]", [&](lab::Check& c) {
        const Tensor64 y = ex06::kl_sparsity(h, p);
        c.expect(y.defined(), what, "a tensor", "an undefined tensor", kFormulaHint);
        c.expect_shape(what, y.shape(), {},
                       "the penalty is one number: sum the per-unit terms over the units (autograd::sum gives "
                       "shape ())");
        const Candidates k = by_hand(h.value(), p);
        const double got = y.item();
        c.expect(near(got, k.right), what, fmt::format("{:.12g}", k.right), fmt::format("{:.12g}", got),
                 diagnose(got, k));
    });

    grader.check("the penalty is 0 when every q_j = p, and positive otherwise", [&](lab::Check& c) {
        Generator gen = grader.generator(2);
        const std::size_t units = 3 + gen.below(6);
        const Tensor64 at_p(h_with_means_p(4 + gen.below(5), units, p, gen));
        const double zero = ex06::kl_sparsity(at_p, p).item();
        c.expect(std::abs(zero) <= 1e-12,
                 fmt::format("kl_sparsity(h, p = {:.4f}) with every column mean equal to p", p), "0 (within 1e-12)",
                 fmt::format("{:.6g}", zero),
                 "KL(p || q) = 0 exactly when q = p: the penalty compares the batch mean of each unit with p, "
                 "not each activation (check that q_j is the mean of column j over the rows)");
        // One column moved off p by 0.01: a small positive penalty, (0.01)^2 / (2 p (1 - p)) about.
        xt::xarray<double> off = at_p.value();
        xt::view(off, xt::all(), 0) += 0.01;
        const double small = ex06::kl_sparsity(Tensor64(off), p).item();
        c.expect(small > 0.0, "kl_sparsity(h, p) with one column's mean at p + 0.01, the others at p",
                 fmt::format("a small positive number (about {:.3g})", bernoulli_kl(p, p + 0.01)),
                 fmt::format("{:.6g}", small), std::string("a KL divergence is never negative. ") + kFormulaHint);
    });

    grader.check("the penalty is on the tape: gradients reach h", [&](lab::Check& c) {
        const Tensor64 hg(h.value(), /*requires_grad=*/true);
        const Tensor64 y = ex06::kl_sparsity(hg, p);
        c.expect(y.defined() && y.requires_grad(), what + " for an h that requires grad",
                 "a result on the tape (requires_grad true)", "a constant: no gradient can reach h",
                 "build the penalty from autograd ops on h (autograd::mean, log, sum, +, *): a value computed from "
                 "h.value() with xtensor is a constant to the tape, and training would never see it");
    });

    grader.check("gradcheck: the gradient with respect to h, against central differences", [&](lab::Check& c) {
        Generator gen = grader.generator(3);
        const Tensor64 small = autograd::uniform<double>({3 + gen.below(4), 2 + gen.below(4)}, 0.05, 0.95, gen);
        const autograd::GradcheckResult r =
            autograd::gradcheck([p](const std::vector<Tensor64>& in) { return ex06::kl_sparsity(in[0], p); }, {small});
        c.expect(r.ok && r.checked > 0, "d penalty / d h", "backward's numbers equal the numeric ones", r.report,
                 "dKL/dq_j = -p / q_j + (1 - p) / (1 - q_j), and dq_j / dh[n, j] = 1/N: build the penalty from "
                 "autograd ops and the tape does the rest");
    });

    grader.check("training: the penalty brings the mean hidden activation to p", [&](lab::Check& c) {
        // The float32 version first, on a small batch: a hole there is "not done", before MNIST is read.
        const Tensor probe = ex06::kl_sparsity(autograd::uniform<float>({4, 3}, 0.2, 0.8, setup), 0.1);
        c.expect(probe.defined() && std::isfinite(probe.item()), "kl_sparsity for a float32 h (4, 3)",
                 "a finite number", "an undefined tensor or a non-finite value", kFormulaHint);
        io::Dataset data;
        try {
            data = io::load_mnist(io::default_mnist_dir(), /*train=*/true, 2000);
        } catch (const std::exception& e) {
            c.fail("MNIST's first 2,000 training images", "the files in data/mnist/", e.what(),
                   "run ./lab fetch mnist (or set MNIST_DIR to the folder that holds them)");
        }
        Generator gen = grader.generator(4);
        const double target = gen.uniform(0.05, 0.1);
        const std::uint64_t seed = gen.next_u64();  // the same start and batches for both runs
        const double tolerance = 0.02;
        const double sparse = train_and_measure(data, /*penalised=*/true, target, seed);
        const double plain = train_and_measure(data, /*penalised=*/false, target, seed);
        c.note(
            fmt::format("mean hidden activation after 5 epochs on 2,000 images: {:.4f} with your penalty, {:.4f} "
                        "without (p = {:.4f})",
                        sparse, plain, target));
        c.expect(std::abs(sparse - target) <= tolerance,
                 fmt::format("the mean hidden activation of a 784-100-784 sigmoid autoencoder trained with "
                             "loss = mean squared error + 0.2 kl_sparsity(h, p = {:.4f})",
                             target),
                 fmt::format("within {} of p = {:.4f} (without the penalty it is {:.4f})", tolerance, target, plain),
                 fmt::format("{:.4f}", sparse),
                 std::abs(sparse - plain) < 0.01
                     ? "your penalty changed nothing in training: no gradient reaches h. Build it from autograd ops "
                       "on h, not from h.value()"
                     : "the penalty's gradient should pull every unit's batch mean towards p: make the value and "
                       "gradient checks above pass first");
    });

    return grader.finish();
}
