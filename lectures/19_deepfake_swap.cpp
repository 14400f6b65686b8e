// Lecture 19: the deep-fake swap: one encoder, two decoders.
//
// Follows: Lamúrias, "5 - Autoencoders", heading "Applications: deep fakes" (one encoder shared by
//          two identities, a decoder for each; encode a face of A, decode it with B's decoder);
//          the faceswap recipe of distorting the encoder's input (random warps) while the target
//          stays the clean image.
// Shows:   two "identities" with the same content in two styles and no paired examples: identity
//          A is the first half of MNIST's training digits as they are, identity B the second half
//          thickened by a 3x3 grey dilation (Morpho-MNIST). One encoder, two decoders, each decoder
//          trained only on its own identity. Then the swap A -> B (and B -> A), judged by a style
//          classifier (thin or thick) and a digit classifier trained here, and compared with the
//          true thickened digit, which the models never saw. Trained twice: plainly, and with the
//          encoder's input randomly eroded, dilated or left alone (standing in for faceswap's
//          warps), so that the code cannot carry the style and the decoders must supply it. A
//          caveat: dilation is B's own style operator, so this distortion is an oracle (the encoder
//          is taught to ignore exactly the style swapped); faceswap's warps are style-neutral.
// Run:     ./lab run deepfake_swap          (build/lectures/deepfake_swap [--quick] [--seed N])
// Prints:  the judges' accuracies, one line per epoch of each model, the swap's scores for both
//          models and both directions, one CLAUSE line per verdict clause and a last line
//          "VERDICT: ... : HOLDS (...)"; writes out/deepfake_swap/swap_plain.png and
//          swap_distorted.png.
//
// Dimension letters: N images, D = 784 pixels, C = 64 code units.

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include <xtensor/xview.hpp>

#include "io/io.hpp"
#include "lecture.hpp"
#include "models/gan.hpp"
#include "nn/nn.hpp"

using namespace autograd;

namespace {

constexpr std::size_t kCode = 64;

// The two-identity autoencoder: encoder 784-512-64 (ReLU) shared, decoders 64-512-784 (ReLU,
// sigmoid) one per identity.
struct SwapModel {
    nn::Sequential encoder, decoder_a, decoder_b;
    explicit SwapModel(Generator& gen)
        : encoder(nn::Linear(784, 512, gen, nn::Init::He), nn::ReLU(), nn::Linear(512, kCode, gen, nn::Init::He),
                  nn::ReLU()),
          decoder_a(nn::Linear(kCode, 512, gen, nn::Init::He), nn::ReLU(), nn::Linear(512, 784, gen), nn::Sigmoid()),
          decoder_b(nn::Linear(kCode, 512, gen, nn::Init::He), nn::ReLU(), nn::Linear(512, 784, gen), nn::Sigmoid()) {}
    std::vector<Tensor> parameters() const {
        std::vector<Tensor> p = encoder.parameters();
        for (const nn::Sequential* d : {&decoder_a, &decoder_b})
            for (const Tensor& t : d->parameters()) p.push_back(t);
        return p;
    }
    // x (N, D) through the shared encoder and one identity's decoder.
    xt::xarray<float> through(const xt::xarray<float>& x, bool to_b) {
        NoGradGuard no_grad;
        return (to_b ? decoder_b : decoder_a)(encoder(Tensor(x))).value();
    }
};

// The encoder's input, distorted: each image independently eroded, dilated or left as it is
// (probability 1/3 each). The target stays the clean image.
xt::xarray<float> distort(const xt::xarray<float>& x, Generator& gen) {
    const xt::xarray<float> thin = nn::erode3x3(x, 28, 28), thick = nn::dilate3x3(x, 28, 28);
    xt::xarray<float> out = x;
    for (std::size_t i = 0; i < x.shape(0); ++i) {
        const std::uint64_t pick = gen.below(3);
        if (pick == 1) xt::view(out, i, xt::all()) = xt::view(thin, i, xt::all());
        if (pick == 2) xt::view(out, i, xt::all()) = xt::view(thick, i, xt::all());
    }
    return out;
}

// Each step: a minibatch of A and one of B, each reconstructed by its own decoder; the loss is
// the sum of the two mean square errors. With `distorted`, the encoder sees distort(x).
void train(SwapModel& model, const nn::Dataset& a, const nn::Dataset& b, std::size_t epochs, bool distorted,
           Generator& gen) {
    nn::Adam adam(model.parameters(), 1e-3);
    nn::DataLoader loader_a(a, 128, /*shuffle=*/true, gen.next_u64()),
        loader_b(b, 128, /*shuffle=*/true, gen.next_u64());
    nn::TrainLog log(epochs, loader_a.num_batches());
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        log.start_epoch();
        auto it_b = loader_b.begin();
        for (const nn::Batch& batch_a : loader_a) {
            if (it_b == loader_b.end()) it_b = loader_b.begin();
            const nn::Batch batch_b = *it_b;  // a copy: the iterator's batch changes when it moves
            ++it_b;
            adam.zero_grad();
            const Tensor in_a = distorted ? Tensor(distort(batch_a.x.value(), gen)) : batch_a.x;  // (N, D)
            const Tensor in_b = distorted ? Tensor(distort(batch_b.x.value(), gen)) : batch_b.x;  // (N, D)
            Tensor loss = mse_loss(model.decoder_a(model.encoder(in_a)), batch_a.x) +
                          mse_loss(model.decoder_b(model.encoder(in_b)), batch_b.x);
            loss.backward();
            adam.step();
            log.batch(loss.item(), batch_a.labels.size());
        }
        log.end_epoch();
    }
}

// A thin-or-thick classifier: the judge's network (784-256-64, then 2 of its 10 outputs used),
// trained on the two identities' own images, thin labelled 0 and thick 1.
struct StyleJudge {
    models::MnistJudge net;
    explicit StyleJudge(Generator& gen) : net(gen) {}
    void fit(const xt::xarray<float>& thin, const xt::xarray<float>& thick, Generator& gen) {
        nn::Dataset styles;
        styles.images = xt::concatenate(xt::xtuple(thin, thick), 0);  // (2N, D)
        styles.labels.assign(thin.shape(0), 0);
        styles.labels.insert(styles.labels.end(), thick.shape(0), 1);
        net.fit(styles, styles, 2, gen);
    }
    // The fraction of `images` judged thick.
    double thick_share(const xt::xarray<float>& images) {
        const std::vector<std::size_t> says = net.classify(images);
        return static_cast<double>(std::count(says.begin(), says.end(), std::size_t{1})) / says.size();
    }
};

// How a swap did: judged in the target style, digit kept, and the MSE to the true restyled digit
// against that of doing nothing (the input itself).
struct SwapScore {
    double style = 0.0, digit = 0.0, mse = 0.0, mse_nothing = 0.0;
};

SwapScore score(const xt::xarray<float>& swapped, const xt::xarray<float>& input, const xt::xarray<float>& truth,
                const std::vector<std::size_t>& labels, bool to_thick, StyleJudge& style, models::MnistJudge& digits) {
    SwapScore s;
    const double thick = style.thick_share(swapped);
    s.style = to_thick ? thick : 1.0 - thick;
    const std::vector<std::size_t> predicted = digits.classify(swapped);
    for (std::size_t i = 0; i < labels.size(); ++i) s.digit += (predicted[i] == labels[i]) / double(labels.size());
    s.mse = xt::mean(xt::square(xt::xarray<double>(swapped - truth)))();
    s.mse_nothing = xt::mean(xt::square(xt::xarray<double>(input - truth)))();
    return s;
}

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt = lecture::parse_args(argc, argv, "deepfake_swap", 19,
                                                     "swaps the style of digits with one encoder and two decoders");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);

    // ---- Two identities, no pairs ----
    lecture::section("Lamúrias, Applications: deep fakes: two identities, no pairs");
    // A: the first half of the training images as they are. B: the second half, each stroke
    // thickened by a 3x3 grey dilation (y = max over the 3x3 square). No digit appears in both:
    // the models never see the same digit in the two styles.
    // --quick: 4,000 images per identity, 1,000 test images, 4 epochs; the default 30,000, 6 epochs.
    const nn::Dataset all = io::load_mnist(io::default_mnist_dir(), /*train=*/true, opt.quick ? 8000 : 0);
    const nn::Dataset test = io::load_mnist(io::default_mnist_dir(), /*train=*/false, opt.quick ? 1000 : 2000);
    const std::size_t half = all.size() / 2;
    nn::Dataset ident_a, ident_b;
    ident_a.images = xt::view(all.images, xt::range(0, half), xt::all());                                // (N/2, D)
    ident_b.images = nn::dilate3x3(xt::view(all.images, xt::range(half, 2 * half), xt::all()), 28, 28);  // (N/2, D)
    ident_a.labels.assign(all.labels.begin(), all.labels.begin() + half);
    ident_b.labels.assign(all.labels.begin() + half, all.labels.begin() + 2 * half);
    const xt::xarray<float> test_thin = test.images, test_thick = nn::dilate3x3(test.images, 28, 28);  // (T, D)
    fmt::print(
        "identity A: {} digits as they are; identity B: {} other digits, dilated; {} test digits in both "
        "styles (for judging only)\n",
        half, half, test.size());

    // ---- The judges ----
    lecture::section("The judges: thin or thick, and which digit");
    // Style: a small classifier trained on the two identities' own images (thin 0, thick 1).
    // Digit: the MNIST classifier of lecture gan_mnist, trained on both identities (thin and thick
    // digits) with their labels.
    StyleJudge style(gen);
    style.fit(ident_a.images, ident_b.images, gen);
    nn::Dataset both;
    both.images = xt::concatenate(xt::xtuple(ident_a.images, ident_b.images), 0);
    both.labels = ident_a.labels;
    both.labels.insert(both.labels.end(), ident_b.labels.begin(), ident_b.labels.end());
    models::MnistJudge digits(gen);
    digits.fit(both, test, opt.quick ? 2 : 3, gen);
    nn::Dataset test_both;
    test_both.images = xt::concatenate(xt::xtuple(test_thin, test_thick), 0);
    test_both.labels = test.labels;
    test_both.labels.insert(test_both.labels.end(), test.labels.begin(), test.labels.end());
    fmt::print(
        "style judge on test digits: thin judged thin {:.1f}%, thick judged thick {:.1f}%; digit judge on "
        "both styles: {:.1f}%\n",
        100.0 * (1.0 - style.thick_share(test_thin)), 100.0 * style.thick_share(test_thick),
        100.0 * digits.accuracy(test_both));

    // ---- The swap, plainly and with distortion ----
    const std::size_t epochs = opt.quick ? 4 : 6;
    struct Run {
        std::string name;
        bool distorted;
        SwapScore to_b, to_a;
    };
    std::vector<Run> runs{{"plain", false, {}, {}}, {"distorted input", true, {}, {}}};
    const xt::xarray<float> shown_thin = xt::view(test_thin, xt::range(0, 10), xt::all());
    const xt::xarray<float> shown_thick = xt::view(test_thick, xt::range(10, 20), xt::all());
    for (Run& run : runs) {
        lecture::section(run.distorted ? "Faceswap's trick: the encoder sees eroded, dilated or untouched inputs"
                                       : "The plain architecture: each identity reconstructs itself");
        // The same starting weights for both runs.
        Generator init(opt.seed + 1);
        SwapModel model(init);
        train(model, ident_a, ident_b, epochs, run.distorted, gen);
        // A -> B: encode a thin test digit, decode with B's decoder; the truth is its dilation.
        const xt::xarray<float> a_to_b = model.through(test_thin, /*to_b=*/true);
        const xt::xarray<float> b_to_a = model.through(test_thick, /*to_b=*/false);
        run.to_b = score(a_to_b, test_thin, test_thick, test.labels, /*to_thick=*/true, style, digits);
        run.to_a = score(b_to_a, test_thick, test_thin, test.labels, /*to_thick=*/false, style, digits);
        for (const auto& [dir, s] : {std::pair<std::string, SwapScore>{"A -> B", run.to_b}, {"B -> A", run.to_a}})
            fmt::print(
                "{}: judged in the target style {:.1f}%, digit kept {:.1f}%, MSE to the true restyled digit "
                "{:.4f} (doing nothing: {:.4f}, ratio {:.2f})\n",
                dir, 100.0 * s.style, 100.0 * s.digit, s.mse, s.mse_nothing, s.mse / s.mse_nothing);
        io::GridOptions grid;
        grid.scale = 2;
        grid.title = run.distorted ? "The swap, trained with a distorted encoder input" : "The swap, trained plainly";
        io::save_image_rows(out_dir + (run.distorted ? "/swap_distorted.png" : "/swap_plain.png"),
                            {{"A: thin input", shown_thin},
                             {"A's decoder", model.through(shown_thin, false)},
                             {"swap to B", model.through(shown_thin, true)},
                             {"true thick", xt::view(test_thick, xt::range(0, 10), xt::all())},
                             {"B: thick input", shown_thick},
                             {"B's decoder", model.through(shown_thick, true)},
                             {"swap to A", model.through(shown_thick, false)},
                             {"true thin", xt::view(test_thin, xt::range(10, 20), xt::all())}},
                            28, 28, grid);
    }
    fmt::print("wrote {0}/swap_plain.png and {0}/swap_distorted.png\n", out_dir);

    // ---- Verdict ----
    // Measured (default run, about 55 s): seed 19, plain judged thick 4.0%, distorted 97.0%, digit
    // kept 94.8%, MSE 0.0102 against 0.0913; seed 20, plain 13.8%, distorted 99.4%, 94.4%, 0.0103.
    // Not done, and a caveat on every clause below: the distortion includes dilate3x3, the very
    // operator that makes identity B. The encoder is trained to see through exactly the style
    // being swapped (an oracle); faceswap's warps know nothing of the identities. A fair test
    // would distort with style-neutral warps (random affine or elastic) and keep this one as a
    // "Try this".
    const Run& plain = runs[0];
    const Run& dist = runs[1];
    const std::size_t T = test.size();
    const auto count = [&](double share) { return static_cast<std::size_t>(std::lround(share * static_cast<double>(T))); };
    const std::string oracle = "distortion includes dilate3x3, B's own style operator (an oracle)";
    lecture::quick_scope(opt, "4 epochs of 4,000 digits: the same clauses except that the swaps keep their digit, which the default run checks (the quick judges are weaker)");
    lecture::Verdict verdict(
        "with an encoder input distorted by erosion or dilation (B's own style operator), the swap turns most thin "
        "digits thick (more often than the plain model's swap) and most thick digits thin, closer to the true "
        "restyled digit than doing nothing and than the plain swap" +
        std::string(opt.quick ? "" : ", and keeps most digits"));
    for (const auto& [dir, to, base, target] :
         {std::tuple<std::string, SwapScore, SwapScore, std::string>{"b", dist.to_b, plain.to_b, "thick"},
          {"a", dist.to_a, plain.to_a, "thin"}}) {
        const std::string way = dir == "b" ? "A -> B" : "B -> A";
        verdict.above("style_" + dir, lecture::share_lower_bound(count(to.style), T), 0.5,
                      fmt::format("95% lower bound of the share of {} {} swaps judged {} ({:.1f}%; {})", T, way, target,
                                  100.0 * to.style, oracle),
                      "one half: most swaps");
        // B -> A has no such clause: the plain model's B -> A swaps are judged thin already (100% in
        // --quick at seed 19: a blurred thick digit passes for thin with this judge), so there the
        // distortion's gain shows in the MSE only.
        if (dir == "b")
            verdict.above("style_vs_plain_" + dir, to.style, base.style,
                          fmt::format("share of {} swaps judged {} (one run; over seeds: ./lab verify; {})", way,
                                      target, oracle),
                          "the plain model's share in this run, same judge and test digits");
        verdict.below("mse_" + dir, to.mse, std::min(to.mse_nothing, base.mse),
                      fmt::format("MSE of the {} swaps to the true restyled digit ({})", way, oracle),
                      fmt::format("the smaller of doing nothing's ({:.4f}) and the plain swap's ({:.4f})",
                                  to.mse_nothing, base.mse));
        if (!opt.quick)
            verdict.above("digit_" + dir, lecture::share_lower_bound(count(to.digit), T), 0.5,
                          fmt::format("95% lower bound of the share of {} swaps whose digit the digit judge reads as "
                                      "the input's ({:.1f}%)",
                                      way, 100.0 * to.digit),
                          "one half: most swaps");
    }
    return verdict.finish(fmt::format(
        "A -> B: distorted thick {:.1f}%, digit {:.1f}%, MSE {:.4f} vs nothing {:.4f}; plain thick {:.1f}%, MSE "
        "{:.4f}; B -> A: distorted thin {:.1f}%, digit {:.1f}%, MSE {:.4f} vs {:.4f}; plain thin {:.1f}%, MSE {:.4f}",
        100.0 * dist.to_b.style, 100.0 * dist.to_b.digit, dist.to_b.mse, dist.to_b.mse_nothing,
        100.0 * plain.to_b.style, plain.to_b.mse, 100.0 * dist.to_a.style, 100.0 * dist.to_a.digit, dist.to_a.mse,
        dist.to_a.mse_nothing, 100.0 * plain.to_a.style, plain.to_a.mse));
} catch (const std::exception& e) {
    return lecture::fail("deepfake_swap", e);
}

// Try this:
//  1. Distort by erosion only (in distort, make pick 2 erode as pick 1 does). In the default run
//     A -> B still works (judged thick 95.8% against 97.0%, MSE ratio 0.11 as before), but B -> A
//     gets worse: MSE ratio 0.39 against 0.13 (0.0358 against 0.0120), digit kept 87.0% against
//     94.0%, though still judged thin 100%. The encoder never saw a stroke thicker than B's, so
//     thick inputs are no longer the "distorted" kind it learned to see through. All 7 clauses
//     still pass (B -> A's MSE beats the plain swap's 0.0786), so the verdict HOLDS; its lines
//     still say "distortion includes dilate3x3", which is no longer so.
//  2. Shrink the code to 16 units (kCode): the plain model's swaps are now judged thick 48.2% of
//     the time instead of 4.0%, since a tighter code has less room to keep the style; with
//     distortion, 100% (thin 100% for B -> A), at MSE ratios of 0.18 A -> B and 0.22 B -> A
//     (against 0.11 and 0.13 with 64 units) and digits kept 91.8% and 91.6% (94.8%, 94.0%). All 7
//     clauses pass: the verdict HOLDS.
//  3. Look at swap_plain.png: the plain model's "swap to B" row is A's thin digit again, a little
//     blurred. The code carried the style, and B's decoder reproduced it.
