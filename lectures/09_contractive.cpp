// Lecture 09: the contractive autoencoder, which penalises the encoder's Jacobian.
//
// Follows: Scott, Lecture 5, slide 24 (add Omega(h) = sum_j sum_i (dh_i/dx_j)^2 to the loss:
//          penalise large partial derivatives of the encoder's outputs with respect to its
//          inputs, so that a neighbourhood of x maps to a smaller neighbourhood of f(x) and the
//          code resists perturbations of x; with sigmoid units the codes are pushed towards the
//          corners of a hypercube) and slide 23 (the regularised loss J~(x) = J(x, g(f(x))) +
//          alpha Omega(h), which slide 24 reuses); Lamúrias, "5 - Autoencoders", heading
//          "Manifold Learning" (the network is forced two opposite ways: reconstruct the input,
//          but be constrained in how it encodes it).
// Shows:   the penalty ||J||_F^2 of a sigmoid layer computed three ways that agree: the closed
//          form (autograd::contractive_penalty), the explicit Jacobian built row by row with the
//          engine, and the penalty's gradient by double backward through that Jacobian; then a
//          contractive and a plain 784-256-784 autoencoder trained alike on MNIST, compared on
//          how far their codes move when the input is perturbed, measured against how far
//          apart the codes of different images lie, and on reconstruction error (where the
//          contractive one pays for its flatness); against a control whose encoder weights are
//          held as small as the contractive one's (the penalty does more than shrink them); then
//          whether the contractive codes are pushed to the corners of the hypercube, with a
//          squared-error and with a cross-entropy reconstruction (they are not: the measurement
//          says why).
// Run:     ./lab run contractive              (build/lectures/contractive [--quick] [--seed N])
// Prints:  the three computations and their relative differences, one line per epoch for each
//          model, a table of both models' test MSE, mean ||J||_F, weight norms and code spread,
//          a table of code displacement against noise sigma (raw and relative to the spread), a
//          table of the norm-capped control against both, two tables of codes near the
//          hypercube's corners (squared error, cross-entropy), and a last line
//          "VERDICT: ... : HOLDS (...)"; writes out/contractive/displacement.png,
//          activations.png and reconstructions.png.
//
// Dimension letters: N images, D = 784 pixels, H = 256 hidden units.

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <xtensor/xview.hpp>

#include "io/io.hpp"
#include "lecture.hpp"
#include "models/mlp_autoencoder.hpp"
#include "nn/nn.hpp"

using namespace autograd;
using models::MLPAutoencoder;

namespace {

// The encoder's Linear layer, holding W (D, H) and b (H,): h = sigmoid(x W + b).

// ||a - b|| / ||b||, summed in double.
double relative_error(const xt::xarray<float>& a, const xt::xarray<float>& b) {
    const xt::xarray<double> da = xt::cast<double>(a), db = xt::cast<double>(b);
    return std::sqrt(xt::sum(xt::square(da - db))()) / std::sqrt(xt::sum(xt::square(db))());
}

// What the two models are compared on, over the test images.
struct Measures {
    double mse = 0.0;          // reconstruction error per pixel
    double jacobian = 0.0;     // mean over images of ||J(x)||_F
    double column_norm = 0.0;  // mean over units i of sum_j W_ji^2
    double spread = 0.0;       // mean ||h(x_n) - h(x_n+1)||: how far apart two images' codes lie
    // Slide 24's corners: the fraction of the activations h_ni within 0.05 of 0 or of 1; the units
    // stuck at one corner (the same one for 99% of the images or more: they say nothing about x);
    // the fraction near a corner in the other units; all activations in 20 bins over [0, 1].
    double near_corner = 0.0;
    std::size_t stuck = 0;
    double near_corner_others = 0.0;
    std::vector<double> histogram;
};

Measures measure(MLPAutoencoder& model, const io::Dataset& data) {
    NoGradGuard no_grad;
    const Tensor& W = model.encoder_layer(0).weight;  // (D, H)
    const Tensor column_norms = sum(square(W), {0});  // (H,): sum_j W_ji^2
    const std::size_t N = data.size(), H = W.shape()[1];
    xt::xarray<float> codes = xt::zeros<float>({N, H});  // (N, H): every test image's code
    Measures m;
    for (const nn::Batch& batch : nn::DataLoader(data, 1000, /*shuffle=*/false, 0)) {
        const Tensor h = model.encode(batch.x);  // (B, H)
        const Tensor r = model.decode(h);        // (B, D)
        m.mse += mse_loss(r, batch.x, Reduction::Sum).item();
        // ||J(x_n)||_F^2 for each image: the rows that contractive_penalty averages.
        const Tensor jf2 = sum(square(h * (1.0 - h)) * column_norms, {1});  // (B,)
        m.jacobian += xt::sum(xt::sqrt(jf2.value()))();
        for (std::size_t k = 0; k < batch.index.size(); ++k)
            xt::view(codes, batch.index[k], xt::all()) = xt::view(h.value(), k, xt::all());
    }
    const double n = static_cast<double>(N);
    m.mse /= n * static_cast<double>(data.images.shape()[1]);
    m.jacobian /= n;
    m.column_norm = xt::mean(column_norms.value())();

    // The test set's order is random, so images n and n + 1 are a random pair.
    const xt::xarray<float> gap =
        xt::view(codes, xt::range(1, N), xt::all()) - xt::view(codes, xt::range(0, N - 1), xt::all());  // (N-1, H)
    m.spread = xt::mean(xt::sqrt(xt::sum(xt::square(gap), {1})))();

    m.histogram.assign(20, 0.0);
    double others = 0.0;
    for (std::size_t i = 0; i < H; ++i) {
        double low = 0.0, high = 0.0;
        for (std::size_t k = 0; k < N; ++k) {
            const float v = codes(k, i);
            low += v < 0.05f ? 1.0 : 0.0;
            high += v > 0.95f ? 1.0 : 0.0;
            m.histogram[std::min<std::size_t>(19, static_cast<std::size_t>(v * 20.0f))] += 1.0;
        }
        m.near_corner += low + high;
        if (low >= 0.99 * n || high >= 0.99 * n) {
            ++m.stuck;
        } else {
            m.near_corner_others += low + high;
            others += n;
        }
    }
    m.near_corner /= n * static_cast<double>(H);
    m.near_corner_others = others > 0.0 ? m.near_corner_others / others : 0.0;
    for (double& f : m.histogram) f /= n * static_cast<double>(H);
    return m;
}

// Mean over the rows of x (N, D) of ||h(x + eps) - h(x)||, eps ~ N(0, sigma^2 I) drawn from a
// generator seeded with `seed`: the same eps for every model measured with the same seed.
double code_displacement(MLPAutoencoder& model, const xt::xarray<float>& x, double sigma, std::uint64_t seed) {
    NoGradGuard no_grad;
    Generator gen(seed);
    const Tensor clean(x);                                                                           // (N, D)
    const Tensor h = model.encode(clean);                                                            // (N, H)
    const Tensor h_moved = model.encode(nn::gaussian_noise(clean, sigma, gen));                      // (N, H)
    const xt::xarray<float> dist = xt::sqrt(xt::sum(xt::square(h_moved.value() - h.value()), {1}));  // (N,)
    return xt::mean(dist)();
}

// How a model is trained: the reconstruction term (slide 23's J) and, for the control of the
// weights' size, a cap on each encoder column's squared norm.
struct Recipe {
    double lambda = 0.0;              // the penalty's weight; 0 is the plain autoencoder
    bool cross_entropy = false;       // J = sum_j -[x_j log r_j + (1 - x_j) log(1 - r_j)] instead of ||x - r||^2
    double max_column_sq_norm = 0.0;  // > 0: after each step, every column i of W with sum_j W_ji^2 above
                                      // it is scaled back onto it (a max-norm constraint)
};

// Trains on L = (1/N) sum_n J(x_n, r_n) + lambda (1/N) sum_n ||J(x_n)||_F^2, both terms per image,
// J the squared error or the cross-entropy. Returns the measures after each epoch.
std::vector<Measures> train(MLPAutoencoder& model, const io::Dataset& data, const io::Dataset& test,
                            const Recipe& recipe, std::size_t epochs, std::uint64_t seed) {
    nn::Adam adam(model.parameters(), 1e-3);
    nn::DataLoader loader(data, 128, /*shuffle=*/true, seed);
    nn::TrainLog log(epochs, loader.num_batches());
    Tensor& W = model.encoder_layer(0).weight;  // (D, H)
    std::vector<Measures> history;
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        log.start_epoch();
        for (const nn::Batch& batch : loader) {
            adam.zero_grad();
            const Tensor h = model.encode(batch.x);                                           // (N, H)
            const Tensor r = model.decode(h);                                                 // (N, D)
            Tensor loss = recipe.cross_entropy ? bce_loss(r, batch.x, Reduction::BatchMean)   // (): per image
                                               : mse_loss(r, batch.x, Reduction::BatchMean);  // (): per image
            if (recipe.lambda > 0.0)
                loss = loss + recipe.lambda * contractive_penalty(h, W, Reduction::BatchMean);  // () per image
            loss.backward();
            adam.step();
            if (recipe.max_column_sq_norm > 0.0) {
                xt::xarray<float>& w = W.mutable_value();
                const xt::xarray<float> norms = xt::sum(xt::square(w), {0});  // (H,)
                for (std::size_t i = 0; i < norms.size(); ++i)
                    if (norms(i) > recipe.max_column_sq_norm)
                        xt::view(w, xt::all(), i) *=
                            static_cast<float>(std::sqrt(recipe.max_column_sq_norm / norms(i)));
            }
            log.batch(loss.item(), batch.labels.size());
        }
        const Measures m = measure(model, test);
        history.push_back(m);
        log.end_epoch(fmt::format("test MSE {:.5f}  mean ||J||_F {:.3f}  code spread {:.3f}  ||J||_F / spread {:.3f}",
                                  m.mse, m.jacobian, m.spread, m.jacobian / m.spread));
    }
    return history;
}

// The sections of main(), in its order: one function each, returning what the verdict needs.

// The two autoencoders compared throughout, 784-256-784 with sigmoid units.
struct Models {
    MLPAutoencoder contractive, plain;  // made in this order from the generator
};

// What slide 24's three computations give: the two models (untrained), and how far (b) and (c) land from (a).
struct ThreeWays {
    Models models;
    double value_gap;     // |(b) - (a)| / (a)
    double gap_W, gap_b;  // (c)'s gradients against the closed form's, relative, for W and b
    double worst;         // the largest of the three
};

// Scott slide 24: makes both models, Omega(h) three ways on the contractive encoder; returns the models and the gaps.
ThreeWays penalty_three_ways(const io::Dataset& test_set, Generator& gen) {
    lecture::section("Scott slide 24: Omega(h) = sum_j sum_i (dh_i/dx_j)^2, three ways");
    // One encoder layer h = sigmoid(z), z = x W + b, with W (D, H) as nn::Linear keeps it:
    // z_i = sum_j x_j W_ji + b_i. The chain rule through the sigmoid, sigma'(z) = h (1 - h):
    //     dh_i/dx_j = h_i (1 - h_i) W_ji
    // so row i of the Jacobian J (H, D) is column i of W scaled by h_i (1 - h_i), and
    //     ||J||_F^2 = sum_i sum_j (dh_i/dx_j)^2 = sum_i (h_i (1 - h_i))^2 sum_j W_ji^2.
    // (a) is that closed form; (b) builds J from the engine, one row per backward sweep;
    // (c) differentiates both with respect to W and b. The layer is the contractive model's
    // encoder before training: the identity holds for any W and b.
    MLPAutoencoder contractive({784, 256}, gen, nn::Activation::Sigmoid, nn::Activation::Sigmoid);
    MLPAutoencoder plain({784, 256}, gen, nn::Activation::Sigmoid, nn::Activation::Sigmoid);
    fmt::print("{}", contractive.summary({1, 784}));
    const nn::Linear& layer = contractive.encoder_layer(0);
    const Tensor& W = layer.weight;  // (D, H)
    const Tensor& b = layer.bias;    // (H,)
    const std::size_t H = W.shape()[1];
    std::vector<std::size_t> first(8);
    for (std::size_t i = 0; i < first.size(); ++i) first[i] = i;
    const Tensor x(test_set.batch(first).value(), /*requires_grad=*/true);  // (N, D), N = 8
    const double N = static_cast<double>(first.size());
    const Tensor h = contractive.encode(x);  // (N, H)

    // (a) The closed form, averaged over the N images.
    const Tensor closed = contractive_penalty(h, W, Reduction::BatchMean);  // (): per image
    fmt::print("(a) closed form:        (1/N) sum_n ||J(x_n)||_F^2 = {:.6f}\n", closed.item());

    // (b) The explicit Jacobian. grad(h, x) with the seed e_i (a one in column i of an (N, H)
    // seed, zeros elsewhere) returns d(sum_n h_ni)/dx, an (N, D) array whose row n is
    // dh_ni/dx_n: image n's code depends on image n only, so the N rows do not mix. H sweeps
    // give all H rows of every image's Jacobian. create_graph records each sweep, so the
    // rows are themselves tensors of W and b that (c) can differentiate.
    Tensor explicit_sum = zeros<float>({});                      // ()
    xt::xarray<float> J0 = xt::zeros<float>({H, x.shape()[1]});  // (H, D): image 0's Jacobian
    for (std::size_t i = 0; i < H; ++i) {
        xt::xarray<float> e_i = xt::zeros<float>(h.shape());  // (N, H)
        xt::view(e_i, xt::all(), i) = 1.0f;
        const Tensor row = grad(h, {x}, Tensor(e_i), create_graph)[0];  // (N, D)
        explicit_sum = explicit_sum + sum(square(row));
        xt::view(J0, i, xt::all()) = xt::view(row.value(), 0, xt::all());
    }
    const Tensor explicit_penalty = explicit_sum / N;  // ()
    fmt::print("(b) explicit Jacobian:  (1/N) sum_n sum_ij (dh_ni/dx_nj)^2 = {:.6f}   ({} backward sweeps)\n",
               explicit_penalty.item(), H);
    // One entry against the formula, to see the index order: dh_i/dx_j = h_i (1 - h_i) W_ji.
    const std::size_t ei = 3, ej = 300;
    const float hi = h.value()(0, ei);
    fmt::print("    image 0: dh_{}/dx_{} = {:.6e} from the engine, h_i (1 - h_i) W_ji = {:.6e}\n", ei, ej, J0(ei, ej),
               hi * (1.0f - hi) * W.value()(ej, ei));
    const double value_gap = std::abs(explicit_penalty.item() - closed.item()) / closed.item();
    fmt::print("    relative difference (a) vs (b): {:.2e}\n", value_gap);

    // (c) Double backward. The gradient of (b) with respect to W and b goes back through every
    // recorded sweep: through the matmul's backward (row i of J holds column i of W) and the
    // sigmoid's backward (h (1 - h) depends on W and b through z). The gradient of (a) is an
    // ordinary backward through the closed form. retain_graph keeps h's graph, which both share.
    const std::vector<Tensor> g_explicit = grad(explicit_penalty, {W, b}, retain_graph);  // (D, H), (H,)
    const std::vector<Tensor> g_closed = grad(closed, {W, b});                            // (D, H), (H,)
    const double gap_W = relative_error(g_explicit[0].value(), g_closed[0].value());
    const double gap_b = relative_error(g_explicit[1].value(), g_closed[1].value());
    fmt::print(
        "(c) gradient by double backward against the closed form's: relative difference {:.2e} for W "
        "(D, H), {:.2e} for b (H,)\n",
        gap_W, gap_b);
    // float32 carries about 7 digits (eps 6e-8); sums of n = 784 * 256 terms in two orders differ
    // by about sqrt(n) eps = 2.7e-5 at most in the usual random-walk estimate (measured: about 1e-6).
    const double three_ways_gap = std::max({value_gap, gap_W, gap_b});
    return {Models{std::move(contractive), std::move(plain)}, value_gap, gap_W, gap_b, three_ways_gap};
}

// How every model here is trained alike, and the plain AE's measures along the way.
struct Training {
    double lambda;                        // the penalty's weight
    std::size_t epochs;                   // Adam 1e-3, batches of 128
    std::uint64_t shuffle_seed;           // one shuffled order of batches, the same for every model
    std::vector<Measures> history_plain;  // the plain AE's test measures after each epoch
};

// Scott slides 23-24: trains the contractive AE, then the plain one on its batches; returns the recipe, plain history.
Training train_contractive_and_plain(Models& models, const io::Dataset& train_set, const io::Dataset& test_set,
                                     bool quick, Generator& gen) {
    // The loss per image, as in slide 23 with Omega from slide 24:
    //     L = (1/N) sum_n [ ||x_n - g(f(x_n))||^2 + lambda ||J(x_n)||_F^2 ]
    // (b) costs H backward sweeps per step; (a) costs about as much as one more forward pass
    // over h, which is why training uses the closed form.
    // lambda sets the trade between the two terms. At the start the squared error is about 50
    // per image and the penalty about 20 (the value of (a) above). Measured in the default run
    // (seed 8), contractive against plain (the plain AE: ||J||_F 10.78, code spread 7.31):
    //     lambda                          0.03        0.1         0.3         1
    //     ||J||_F                         0.62x       0.43x       0.29x       0.17x
    //     code spread                     6.48        5.52        4.39        3.12
    //     relative displacement ratio     0.70-0.74   0.57-0.61   0.48-0.52   0.40-0.44
    //     (sigma 0.05 to 0.3, as below)
    //     test MSE                        +17%        +51%        +117%       +232%
    //     units stuck at one corner       1           1           27          126 of 256
    // A stronger penalty also shrinks the spread of the codes, so the raw Jacobian ratio flatters
    // it; relative to the spread, 0.1 still moves the codes about 40% less for a visible but
    // moderate loss in reconstruction.
    const double lambda = 0.1;
    const std::size_t epochs = quick ? 10 : 5;
    const std::uint64_t shuffle_seed = gen.next_u64();  // both see the batches in the same order
    fmt::print("\nloss: squared error per image + lambda * ||J||_F^2 per image; test MSE: per pixel\n");
    lecture::section(
        fmt::format("Scott slides 23-24: the contractive AE, lambda {} ({} epochs, Adam 1e-3)", lambda, epochs));
    train(models.contractive, train_set, test_set, Recipe{lambda}, epochs, shuffle_seed);
    lecture::section(fmt::format("the plain AE, the same 784-256-784 ({} epochs, Adam 1e-3)", epochs));
    const std::vector<Measures> history_p = train(models.plain, train_set, test_set, Recipe{}, epochs, shuffle_seed);
    return {lambda, epochs, shuffle_seed, history_p};
}

// How far the codes move under noise, relative to their spread, and the measures that set the scale.
struct NoiseResistance {
    Measures mc, mp;  // the trained contractive and plain AEs, on the test images
    // The plain AE's first epoch (from 0) that reconstructs at least as well as the contractive AE, else its last.
    std::size_t matched;
    Measures mm;                                             // the plain AE at that epoch
    std::vector<double> sigmas;                              // the noise levels
    std::vector<double> rel_plain, rel_contractive, ratios;  // per sigma: displacement / spread; contractive / plain
    double worst_ratio;                                      // the largest of the ratios
};

// Scott slide 24, "resists perturbations": both models measured, codes moved by noise; returns measures and ratios.
NoiseResistance resists_perturbations(Models& models, const io::Dataset& test_set,
                                      const std::vector<Measures>& history_p, std::uint64_t seed) {
    lecture::section("Scott slide 24: a neighbourhood of x maps to a smaller neighbourhood of f(x)");
    const Measures mc = measure(models.contractive, test_set), mp = measure(models.plain, test_set);
    fmt::print("{:<12} {:>10} {:>14} {:>21} {:>12} {:>16}\n", "", "test MSE", "mean ||J||_F", "mean_i sum_j W_ji^2",
               "code spread", "||J||_F / spread");
    for (const auto& [name, m] : {std::pair<const char*, const Measures&>{"plain", mp}, {"contractive", mc}})
        fmt::print("{:<12} {:>10.5f} {:>14.3f} {:>21.4f} {:>12.3f} {:>16.3f}\n", name, m.mse, m.jacobian, m.column_norm,
                   m.spread, m.jacobian / m.spread);
    fmt::print("the price of the penalty: the contractive AE's test MSE is {:+.0f}% against the plain AE's\n",
               100.0 * (mc.mse / mp.mse - 1.0));
    // The plain AE's ||J||_F grows as it learns (the epoch lines above), so a fair question is
    // whether the contractive one is flatter only because it reconstructs worse. Take the plain
    // AE at the first epoch where it reconstructs at least as well as the contractive AE at the end.
    std::size_t matched = 0;
    while (matched + 1 < history_p.size() && history_p[matched].mse > mc.mse) ++matched;
    const Measures& mm = history_p[matched];
    fmt::print(
        "against the plain AE at epoch {}, the first where it reconstructs at least as well (test MSE {:.5f}): "
        "||J||_F / spread {:.3f} against its {:.3f}, ratio {:.3f}\n",
        matched + 1, mm.mse, mc.jacobian / mc.spread, mm.jacobian / mm.spread,
        (mc.jacobian / mc.spread) / (mm.jacobian / mm.spread));
    // How far the code moves means little on its own: an encoder that squeezed every code
    // towards one point would move little under noise and tell the images apart no better. So
    // each displacement is divided by the spread of that model's codes, the mean distance
    // ||h(x) - h(x')|| between the codes of two different test images: "a smaller
    // neighbourhood" is one smaller relative to how far apart the images' codes lie.
    // To first order h(x + e) - h(x) = J e, and for e ~ N(0, sigma^2 I)
    //     E ||J e||^2 = sigma^2 ||J||_F^2:
    // the penalty is the squared distance the code moves per unit of input noise variance, so
    // sigma ||J||_F / spread (the table above, times sigma) predicts the relative displacement
    // while sigma is small. The Jacobian and the displacement are one measurement at small
    // sigma; the noise levels below reach past where the first order holds.
    const std::vector<double> sigmas{0.05, 0.1, 0.2, 0.3};
    std::vector<double> rel_plain, rel_contractive, ratios;
    fmt::print(
        "\nmean ||h(x + e) - h(x)|| over the test images, e ~ N(0, sigma^2 I), the same e for both models; "
        "'/ spread' divides it by the model's code spread; (1st order) is sigma ||J||_F / spread:\n");
    fmt::print("{:>6} | {:>8} {:>9} {:>12} | {:>8} {:>9} {:>12} | {:>24}\n", "sigma", "plain", "/ spread",
               "(1st order)", "contr.", "/ spread", "(1st order)", "contractive / plain ratio");
    for (double sigma : sigmas) {
        const std::uint64_t noise_seed = seed + 1000;
        const double moved_p = code_displacement(models.plain, test_set.images, sigma, noise_seed);
        const double moved_c = code_displacement(models.contractive, test_set.images, sigma, noise_seed);
        rel_plain.push_back(moved_p / mp.spread);
        rel_contractive.push_back(moved_c / mc.spread);
        ratios.push_back(rel_contractive.back() / rel_plain.back());
        fmt::print("{:>6.2f} | {:>8.4f} {:>9.4f} {:>12.4f} | {:>8.4f} {:>9.4f} {:>12.4f} | {:>24.3f}\n", sigma, moved_p,
                   rel_plain.back(), sigma * mp.jacobian / mp.spread, moved_c, rel_contractive.back(),
                   sigma * mc.jacobian / mc.spread, ratios.back());
    }
    const double worst_ratio = *std::max_element(ratios.begin(), ratios.end());
    return {mc, mp, matched, mm, sigmas, rel_plain, rel_contractive, ratios, worst_ratio};
}

// What the norm-capped control gives, against the contractive AE.
struct Control {
    Measures mn;                     // the norm-capped plain AE, on the test images
    std::vector<double> rel_capped;  // per sigma: its displacement / spread
    double worst_ratio;              // the largest contractive / norm-capped ratio of those
};

// A control: a plain AE, its columns capped at the contractive AE's mean norm; returns its measures and ratios.
Control norm_capped_control(const NoiseResistance& resist, const io::Dataset& train_set, const io::Dataset& test_set,
                            const Training& training, std::uint64_t seed) {
    const Measures &mc = resist.mc, &mp = resist.mp;
    const std::vector<double>& sigmas = resist.sigmas;
    lecture::section("A control: the plain AE with its encoder's weights held as small as the contractive AE's");
    // The penalty shrank the encoder's columns (the table above: mean_i sum_j W_ji^2). Smaller
    // weights alone make a flatter encoder: ||J||_F^2 = sum_i (h_i (1 - h_i))^2 sum_j W_ji^2. So
    // the fair rival is a plain AE whose columns may not grow past the contractive AE's mean
    // column norm: after each step, a column whose sum_j W_ji^2 exceeds it is scaled back onto it
    // (a max-norm constraint; weight decay would reach a similar size with a coefficient to
    // tune). The same batches and noise as the other two.
    // Measured, default run, seeds 8, 1 and 2: the capped AE's columns end at the contractive
    // AE's norm (2.57-2.60), its test MSE is lower (0.0070 against 0.0076-0.0077), and the
    // contractive code still moves 0.80-0.81 times as far relative to its spread. The penalty trades flatness
    // against reconstruction image by image and direction by direction (Rifai et al. 2011: it
    // keeps the directions the data varies along and flattens the others); a cap on the weights
    // only limits their size.
    // It starts from the plain AE's own weights: a generator seeded as `gen` was, drawing the
    // contractive AE's weights first (discarded) and then the plain AE's.
    Generator control_init(seed);
    [[maybe_unused]] const MLPAutoencoder discarded({784, 256}, control_init, nn::Activation::Sigmoid,
                                                    nn::Activation::Sigmoid);
    MLPAutoencoder capped({784, 256}, control_init, nn::Activation::Sigmoid, nn::Activation::Sigmoid);
    const std::vector<Measures> history_capped =
        train(capped, train_set, test_set, Recipe{0.0, false, mc.column_norm}, training.epochs, training.shuffle_seed);
    const Measures mn = measure(capped, test_set);
    fmt::print("{:<12} {:>10} {:>14} {:>21} {:>12} {:>16}\n", "", "test MSE", "mean ||J||_F", "mean_i sum_j W_ji^2",
               "code spread", "||J||_F / spread");
    for (const auto& [name, m] :
         {std::pair<const char*, const Measures&>{"plain", mp}, {"norm-capped", mn}, {"contractive", mc}})
        fmt::print("{:<12} {:>10.5f} {:>14.3f} {:>21.4f} {:>12.3f} {:>16.3f}\n", name, m.mse, m.jacobian, m.column_norm,
                   m.spread, m.jacobian / m.spread);
    std::vector<double> rel_capped, ratios_capped;
    for (std::size_t k = 0; k < sigmas.size(); ++k) {
        rel_capped.push_back(code_displacement(capped, test_set.images, sigmas[k], seed + 1000) / mn.spread);
        ratios_capped.push_back(resist.rel_contractive[k] / rel_capped.back());
    }
    fmt::print("relative displacement, contractive / norm-capped, sigma {} to {}:", sigmas.front(), sigmas.back());
    for (double r : ratios_capped) fmt::print(" {:.3f}", r);
    fmt::print("\n");
    const double worst_ratio_capped = *std::max_element(ratios_capped.begin(), ratios_capped.end());
    return {mn, rel_capped, worst_ratio_capped};
}

// After the control: the three models' relative displacement against sigma in displacement.png; returns nothing.
void displacement_plot(const NoiseResistance& resist, const Control& control, double lambda,
                       const std::string& out_dir) {
    const std::vector<double>& sigmas = resist.sigmas;
    io::PlotOptions plot;
    plot.title = "Code displacement under noise, over the code spread";
    plot.xlabel = "noise sigma (pixels in [0, 1])";
    plot.ylabel = "mean ||h(x+e) - h(x)|| / mean ||h(x) - h(x')||";
    io::save_line_plot(out_dir + "/displacement.png",
                       {{"plain AE", sigmas, resist.rel_plain},
                        {"plain AE, norm-capped", sigmas, control.rel_capped},
                        {fmt::format("contractive AE, lambda {}", lambda), sigmas, resist.rel_contractive}},
                       plot);
}

// Scott slide 24, "corners of a hypercube": codes near 0 or 1, squared error; returns nothing (it prints).
void corners_squared_error(const Measures& mc, const Measures& mp, const MLPAutoencoder& contractive) {
    lecture::section("Scott slide 24: are the sigmoid codes pushed to the corners of the hypercube?");
    // ||J||_F^2 = sum_i (h_i (1 - h_i))^2 sum_j W_ji^2 can shrink two ways: smaller weights
    // (the column norms sum_j W_ji^2), or saturated units (h_i near 0 or 1, where h_i (1 - h_i)
    // is near 0). Slide 24's last bullet is the second way: codes near binary, at the corners of
    // the hypercube [0, 1]^H. A unit stuck at one corner for every image is near a corner too,
    // but it carries nothing about x (its code is the same corner for all of them), so the table
    // counts the stuck units apart.
    // Measured, default run: in the units that vary with the image, 4.7% of the contractive
    // AE's activations lie within 0.05 of 0 or 1 against the plain AE's 19.5% (seed 8; seeds 1
    // and 2: 5.2% against 20.0%, 5.8% against 19.5%), while the column norms fall 7x (17.6 to
    // 2.6): at lambda 0.1 the penalty takes the first way. Nor does any other weight we tried
    // take the second: at lambda 0.3 and 1 the fraction over all units rises to 18% and 54%, but
    // only because 27 and 126 of the 256 units get stuck at one corner; in the others it is 8.4%
    // and 9.6%. Trained 15 epochs instead of 5 (lambda 0.1), both models move away from the
    // corners, 2.6% against 6.2%. Why, in one line of reasoning: a unit that varies with x
    // must switch between 0 and 1 somewhere, and the images near its switching point pay
    // (1/4)^2 sum_j W_ji^2; making the switch sharp (binary) means larger weights, which costs
    // more there than it saves on the saturated images. Only a unit that never switches gets
    // the saturation for free. The slide's bullet does not show here.
    fmt::print("{:<12} {:>28} {:>30} {:>28}\n", "", "activations within 0.05 of", "units stuck at one corner",
               "near a corner, in the");
    fmt::print("{:<12} {:>28} {:>30} {:>28}\n", "", "0 or 1 (all units)", "(for 99% of the images)", "other units");
    for (const auto& [name, m] : {std::pair<const char*, const Measures&>{"plain", mp}, {"contractive", mc}})
        fmt::print("{:<12} {:>27.1f}% {:>24} of {:>3} {:>27.1f}%\n", name, 100.0 * m.near_corner, m.stuck,
                   contractive.encoder_layer(0).weight.shape()[1], 100.0 * m.near_corner_others);
    // The slide's claim is about the units that vary with the image: are their activations
    // nearer 0 or 1 than the plain AE's?
    const bool no_corners = mc.near_corner_others < mp.near_corner_others;
    fmt::print(
        "in the units that vary with the image, {:.1f}% of the contractive AE's activations lie near a corner "
        "against {:.1f}% of the plain AE's: {}\n",
        100.0 * mc.near_corner_others, 100.0 * mp.near_corner_others,
        no_corners ? "no nearer the corners" : "nearer the corners");
    if (no_corners)
        fmt::print("the penalty shrank the weights instead: mean column norm sum_j W_ji^2 {:.2f} against {:.2f}\n",
                   mc.column_norm, mp.column_norm);
    if (mc.stuck > 0)
        fmt::print(
            "{} contractive unit{} at one corner for 99% of the images or more: near a corner, but "
            "carrying nothing about x\n",
            mc.stuck, mc.stuck == 1 ? " sits" : "s sit");
}

// The cross-entropy models' measures on the test images.
struct CrossEntropy {
    Measures mc, mp;  // the contractive and the plain AE
};

// Scott slide 24 again: two new models trained with a cross-entropy reconstruction; returns their measures.
CrossEntropy corners_cross_entropy(const io::Dataset& train_set, const io::Dataset& test_set, const Training& training,
                                   Generator& gen) {
    // Slide 24 says the corners come with a cross-entropy reconstruction ("encoding near binary
    // and a CE pushes embeddings to corners"), so train both models again with the cross-entropy
    // J = sum_j -[x_j log r_j + (1 - x_j) log(1 - r_j)] per image in place of the squared error,
    // the same lambda, batches and epochs. Measured, default run, seeds 8, 1 and 2: in the units
    // that vary, 16.4-17.2% of the contractive AE's activations lie near a corner against the
    // plain AE's 26.0-27.1%; the cross-entropy pushes both models' codes nearer the corners than
    // the squared error does (and sticks 7-18 units), the penalty pulls them back. With a
    // cross-entropy the penalty weighs less against the reconstruction (column norms 6.4 against
    // 22, where the squared error's were 2.6 against 17.6), yet the corners still do not show.
    lecture::section("Scott slide 24 again: the same two models with a cross-entropy reconstruction");
    Generator ce_init(gen.next_u64());
    MLPAutoencoder ce_contractive({784, 256}, ce_init, nn::Activation::Sigmoid, nn::Activation::Sigmoid);
    MLPAutoencoder ce_plain({784, 256}, ce_init, nn::Activation::Sigmoid, nn::Activation::Sigmoid);
    train(ce_contractive, train_set, test_set, Recipe{training.lambda, true}, training.epochs, training.shuffle_seed);
    train(ce_plain, train_set, test_set, Recipe{0.0, true}, training.epochs, training.shuffle_seed);
    const Measures mce_c = measure(ce_contractive, test_set), mce_p = measure(ce_plain, test_set);
    const std::size_t H = ce_contractive.encoder_layer(0).weight.shape()[1];
    fmt::print("{:<16} {:>28} {:>30} {:>28} {:>12}\n", "cross-entropy", "activations within 0.05 of",
               "units stuck at one corner", "near a corner, in the", "mean_i");
    fmt::print("{:<16} {:>28} {:>30} {:>28} {:>12}\n", "", "0 or 1 (all units)", "(for 99% of the images)",
               "other units", "sum_j W_ji^2");
    for (const auto& [name, m] : {std::pair<const char*, const Measures&>{"plain", mce_p}, {"contractive", mce_c}})
        fmt::print("{:<16} {:>27.1f}% {:>24} of {:>3} {:>27.1f}% {:>12.2f}\n", name, 100.0 * m.near_corner, m.stuck, H,
                   100.0 * m.near_corner_others, m.column_norm);
    return {mce_c, mce_p};
}

// Scott slide 24's corners: both models' activations in 20 bins over [0, 1], activations.png; returns nothing.
void activations_plot(const Measures& mc, const Measures& mp, double lambda, const std::string& out_dir) {
    std::vector<double> centre(20);
    std::vector<double> pct_plain(20), pct_contractive(20);
    for (std::size_t k = 0; k < 20; ++k) {
        centre[k] = 0.025 + 0.05 * static_cast<double>(k);
        pct_plain[k] = 100.0 * mp.histogram[k];
        pct_contractive[k] = 100.0 * mc.histogram[k];
    }
    io::PlotOptions hist;
    hist.title = "Hidden activations of the test images";
    hist.xlabel = "activation h_i (bins of 0.05; the hypercube's corners: 0 and 1)";
    hist.ylabel = "% of all activations (images x units)";
    io::save_line_plot(
        out_dir + "/activations.png",
        {{"plain AE", centre, pct_plain}, {fmt::format("contractive AE, lambda {}", lambda), centre, pct_contractive}},
        hist);
}

// Slide 24's price: the first 16 test digits and both models' reconstructions, reconstructions.png; returns nothing.
void reconstructions(Models& models, const io::Dataset& test_set, double lambda, const std::string& out_dir) {
    std::vector<std::size_t> sixteen(16);
    for (std::size_t i = 0; i < sixteen.size(); ++i) sixteen[i] = i;
    const Tensor xs = test_set.batch(sixteen);  // (16, D)
    Tensor r_plain, r_contractive;
    {
        NoGradGuard no_grad;
        r_plain = models.plain(xs);              // (16, D)
        r_contractive = models.contractive(xs);  // (16, D)
    }
    io::GridOptions grid;
    grid.columns = 16;
    grid.scale = 3;
    grid.title = fmt::format("The first 16 test digits and their reconstructions (contractive: lambda {})", lambda);
    grid.scale_key = "pixel value";
    io::save_image_rows(
        out_dir + "/reconstructions.png",
        {{"original", xs.value()}, {"plain AE", r_plain.value()}, {"contractive AE", r_contractive.value()}}, 28, 28,
        grid);
}

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt =
        lecture::parse_args(argc, argv, "contractive", 8,
                            "the contractive penalty three ways, then a contractive and a plain "
                            "autoencoder on MNIST");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);

    // --quick: 6,000 training images and 1,000 test images.
    const io::Dataset train_set = lecture::load_mnist(opt, /*train=*/true, /*images=*/opt.quick ? 6000 : 0);
    const io::Dataset test_set = lecture::load_mnist(opt, /*train=*/false, /*images=*/opt.quick ? 1000 : 0);
    fmt::print("{} training images, {} test images\n", train_set.size(), test_set.size());

    // ---- Scott slide 24: the penalty, written out ----
    ThreeWays three = penalty_three_ways(test_set, gen);
    Models& models = three.models;

    // ---- Training: reconstruction + lambda * Omega(h), against reconstruction alone ----
    const Training training = train_contractive_and_plain(models, train_set, test_set, opt.quick, gen);

    // ---- Scott slide 24: "resists perturbations of input x" ----
    const NoiseResistance resist = resists_perturbations(models, test_set, training.history_plain, opt.seed);

    // ---- A control: is the penalty only smaller weights? ----
    const Control control = norm_capped_control(resist, train_set, test_set, training, opt.seed);
    displacement_plot(resist, control, training.lambda, out_dir);

    // ---- Scott slide 24: "encoding near binary ... corners of a hypercube" ----
    corners_squared_error(resist.mc, resist.mp, models.contractive);
    const CrossEntropy ce = corners_cross_entropy(train_set, test_set, training, gen);
    activations_plot(resist.mc, resist.mp, training.lambda, out_dir);
    reconstructions(models, test_set, training.lambda, out_dir);
    fmt::print("wrote {0}/displacement.png, {0}/activations.png and {0}/reconstructions.png\n", out_dir);

    // ---- Verdict ----
    // Measured, the contractive / plain ratio of the relative displacement over sigma 0.05 to
    // 0.3: default run 0.574 to 0.616 over seeds 8, 1, 2 (test MSE +51 to +53%); --quick 0.678
    // to 0.706 over seeds 8, 1, 2, 3. The verdict used to claim "less than 0.7", a line drawn
    // after the lambda sweep above (lambda 0.03 lands at 0.70-0.74): a threshold set where the
    // numbers fell. What the lecture can defend is the comparison with its own control: the
    // plain AE, trained on the same batches, and the plain AE at the epoch where it first
    // reconstructs as well (so that "flatter" is not "less trained"). Both ratios sit far below
    // 1 next to their spread over seeds (a few thousandths). The norm-capped control answers
    // "is it only smaller weights?": no, 0.80-0.81 over seeds 8, 1, 2 (--quick 0.798-0.802).
    // The corners are a coin toss in --quick (13.1% against 15.0%, 16.1% against 14.9%, ...):
    // those clauses are the default run's.
    if (opt.quick)
        fmt::print(
            "--quick checks the three computations and the displacement; only the default run checks that the "
            "codes are no nearer the corners\n");
    lecture::Verdict verdict(fmt::format(
        "the closed form, the explicit Jacobian and double backward agree to float32 rounding; relative to the "
        "spread of its codes, the contractive code moves less under noise of sigma {} to {} than the plain one's "
        "and than that of a plain AE with weights as small, and is flatter than the plain AE's at matched "
        "reconstruction error{}",
        resist.sigmas.front(), resist.sigmas.back(),
        opt.quick ? ""
                  : fmt::format("; slide 24's corners of a hypercube do not show at lambda {}, with a squared-error "
                                "or a cross-entropy reconstruction",
                                training.lambda)));
    verdict.below("three_ways", three.worst, 1e-4,
                  fmt::format("largest relative difference of (b) and (c) against the closed form (value {:.1e}, dW "
                              "{:.1e}, db {:.1e})",
                              three.value_gap, three.gap_W, three.gap_b),
                  "float32: sqrt(784 x 256) x eps 6e-8 = 2.7e-5 for sums in two orders; 1e-4 allows 4 of those");
    verdict.below("resists_noise", resist.worst_ratio, 1.0,
                  fmt::format("largest contractive / plain ratio of the relative displacement over sigma {} to {} "
                              "(smallest {:.3f}; one run; over seeds: ./lab verify)",
                              resist.sigmas.front(), resist.sigmas.back(),
                              *std::min_element(resist.ratios.begin(), resist.ratios.end())),
                  "1: the plain AE of this run, the same batches and noise");
    verdict.below("flatter_at_matched_mse",
                  (resist.mc.jacobian / resist.mc.spread) / (resist.mm.jacobian / resist.mm.spread), 1.0,
                  fmt::format("||J||_F / spread of the contractive AE over the plain AE's at epoch {}, the first "
                              "where it reconstructs as well",
                              resist.matched + 1),
                  "1: the plain AE of this run at matched test MSE");
    verdict.below(
        "resists_noise_vs_capped", control.worst_ratio, 1.0,
        fmt::format("largest contractive / norm-capped ratio of the relative displacement over sigma {} to "
                    "{} (column norms {:.2f} and {:.2f}; one run; over seeds: ./lab verify)",
                    resist.sigmas.front(), resist.sigmas.back(), resist.mc.column_norm, control.mn.column_norm),
        "1: the plain AE with its encoder's columns capped at the contractive AE's mean norm, same batches "
        "and noise");
    if (!opt.quick)
        verdict.below("no_corners_cross_entropy", ce.mc.near_corner_others, ce.mp.near_corner_others,
                      fmt::format("the same share for the two models trained with a cross-entropy reconstruction "
                                  "({} and {} stuck units apart); slide 24's corners do not show with it either",
                                  ce.mc.stuck, ce.mp.stuck),
                      "the plain AE's share, cross-entropy too");
    if (!opt.quick)
        verdict.below("no_corners", resist.mc.near_corner_others, resist.mp.near_corner_others,
                      fmt::format("share of the contractive AE's activations within 0.05 of 0 or 1, in the units "
                                  "that vary with the image ({} stuck units apart); the finding: slide 24's corners "
                                  "do not show",
                                  resist.mc.stuck),
                      "the plain AE's share, the same measure");
    return verdict.finish(
        fmt::format("mean column norm {:.2f} against {:.2f}; test MSE contractive {:.5f}, plain "
                    "{:.5f} ({:+.0f}%)",
                    resist.mc.column_norm, resist.mp.column_norm, resist.mc.mse, resist.mp.mse,
                    100.0 * (resist.mc.mse / resist.mp.mse - 1.0)));
} catch (const std::exception& e) {
    return lecture::fail("contractive", e);
}

// Try this:
//  1. lambda = 1.0. The default run cuts mean ||J||_F to 0.17x the plain AE's (1.86 against
//     10.78) and the relative displacement to 0.40-0.44x, but the test MSE is 3.3x (0.0166
//     against 0.0050, +232%) and reconstructions.png is visibly blurred. 54% of the activations
//     now lie within 0.05 of 0 or 1 (the plain AE: 19.5%), and activations.png spikes at 1: it
//     looks like slide 24's corners, but 126 of the 256 units sit at one corner for every image;
//     in the other units only 9.6% do (with a cross-entropy: 74 stuck, 10.1% against 26.9%).
//     The norm-capped control, its columns as small (sum_j W_ji^2 1.49), reconstructs twice as well (0.0086)
//     and its code moves 1.6 times as far (ratio 0.63). The verdict HOLDS, 6 of 6. At the other
//     end, lambda = 0.03 costs only 17% in MSE (0.0059), but its codes move 0.70-0.74 as far as
//     the plain ones relative to the spread, where lambda 0.1's move 0.57-0.62, and 0.84-0.85 as
//     far as the capped control's (0.80-0.81 at 0.1); with a cross-entropy 23.5% of its
//     activations lie near a corner against 26.9%. It HOLDS too, 6 of 6, by thinner margins.
//  2. Give the contractive model ReLU hidden units (nn::Activation::ReLU as its `hidden`, the
//     first of the two models made before (a)). The run stops at (a): "contractive_penalty: h =
//     1.103323 at [1, 29] is outside [0, 1]: the closed form is for a sigmoid layer's output h =
//     sigmoid(x W + b)". For a ReLU, dh_i/dx_j = [z_i > 0] W_ji, so h (1 - h) is the wrong
//     factor; the library checks its input's range rather than return a wrong penalty. (The
//     explicit Jacobian of (b) would still be right: it asks the engine, not the formula.)
//  3. Extend sigmas to {..., 0.5, 1.0, 2.0} with --quick. The lines bend: the ratio to the plain
//     AE rises from 0.68 (sigma 0.05) to 0.88 at sigma 2, and to the norm-capped control from
//     0.798 to 0.868, towards 1: large noise saturates both encoders' units. The verdict still
//     HOLDS, 4 of 4, but resists_noise, now over sigma 0.05 to 2, passes at 0.88 < 1 instead of
//     0.695. The penalty is a promise about small perturbations only.
