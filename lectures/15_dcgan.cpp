// Lecture 15: DCGAN, and arithmetic in its latent space.
//
// Follows: Scott, Lecture 5, slide 38 (DCGAN, Radford et al. 2015: the generator upsamples with
//          transposed convolutions, without pooling), slides 39-40 (samples from z space) and
//          slide 41 (latent space arithmetic: vectors in z space add up like concepts; the centre
//          image noise-free, the others with noise added in z space); Lamúrias, "5 - Autoencoders",
//          heading "Generative adversarial networks".
// Shows:   the game of lecture gan_mnist with slide 38's players: G from z through a linear layer
//          to 2w x 7 x 7, then two transposed convolutions (k4, s2, p1) to 28 x 28, batch norm and
//          ReLU between, tanh out; D with strided convolutions (k4, s2, p1), LeakyReLU 0.2 and batch
//          norm; weights from N(0, 0.02^2) (Radford et al.), w = 32 (the paper's 64 costs four times
//          as much per step). The same judge as gan_mnist scores it (FID, class entropy, copies).
//          Then slide 41 on digits: z(thick 7) - z(thin 7) + z(thin 1), and a measurement of whether
//          the "thickness" direction moves thickness more than any direction would.
// Run:     ./lab run dcgan                   (build/lectures/dcgan [--quick] [--seed N])
// Prints:  the judge's floor, a line per evaluation (losses, D's outputs, FID, class entropy), the
//          memorisation check, the arithmetic's measurements, and a last line "VERDICT: ... :
//          HOLDS (...)"; writes out/dcgan/progress.png, interpolation.png, losses.png and
//          arithmetic.png.
//
// Dimension letters: N images, Z = 100 noise dimensions, C channels, H x W = 28 x 28 pixels.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <xtensor/xsort.hpp>
#include <xtensor/xview.hpp>

#include "io/io.hpp"
#include "lecture.hpp"
#include "models/gan.hpp"
#include "nn/nn.hpp"

using namespace autograd;

namespace {

constexpr std::size_t kZ = 100, kWidth = 32;

// G's images as (N, 784) pixels in [0, 1] (from tanh's [-1, 1]), drawn in eval mode (batch norm
// with its running statistics, so that an image does not depend on the others in its batch).
xt::xarray<float> draw(nn::Sequential& G, const xt::xarray<float>& z) {
    NoGradGuard no_grad;
    G.eval();
    xt::xarray<float> x = (G(Tensor(z)).value() + 1.0f) * 0.5f;  // (N, 1, 28, 28)
    G.train();
    return x.reshape({z.shape(0), std::size_t{784}});
}

// Ink: the mean pixel value of each image, (N, 784) -> N numbers. Thick strokes have more.
std::vector<double> ink(const xt::xarray<float>& images) {
    const xt::xarray<float> m = xt::mean(images, {1});
    return std::vector<double>(m.begin(), m.end());
}

double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt = lecture::parse_args(
        argc, argv, "dcgan", 15, "trains a DCGAN on MNIST, judges its digits and does arithmetic in z space");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);

    // ---- The data, and the judge of lecture gan_mnist ----
    const nn::Dataset train_set = io::load_mnist(io::default_mnist_dir(), /*train=*/true, opt.quick ? 5000 : 0);
    const nn::Dataset test_set = io::load_mnist(io::default_mnist_dir(), /*train=*/false, opt.quick ? 2000 : 0);
    const std::size_t n_eval = opt.quick ? 2000 : 5000;
    fmt::print("{} training images, {} test images\n", train_set.size(), test_set.size());
    lecture::section("The judge: an MNIST classifier (as in lecture gan_mnist)");
    Generator judge_gen(1234);
    models::MnistJudge judge(judge_gen);
    const double judge_accuracy = judge.fit(train_set, test_set, opt.quick ? 1 : 3, judge_gen);
    const xt::xarray<float> real_eval = xt::view(test_set.images, xt::range(0, n_eval), xt::all());
    const xt::xarray<double> real_features = judge.features(real_eval);
    const models::MnistJudge::Judgement floor =
        judge.judge(xt::view(train_set.images, xt::range(0, n_eval), xt::all()), real_features);
    fmt::print("judge: test accuracy {:.2f}%; real against real: FID {:.2f} (the floor), class entropy {:.3f}\n",
               100.0 * judge_accuracy, floor.fid, floor.class_entropy);

    // ---- Slide 38: the players ----
    lecture::section("Scott slide 38: DCGAN, transposed convolutions up, strided convolutions down");
    // G: z (N, Z) -> Linear -> (N, 2w*49) -> (N, 2w, 7, 7) -> BN, ReLU
    //      -> ConvTranspose 2w->w k4 s2 p1 -> (N, w, 14, 14) -> BN, ReLU
    //      -> ConvTranspose w->1  k4 s2 p1 -> (N, 1, 28, 28) -> tanh
    // (a transposed convolution with stride 2 is the transpose of a stride-2 convolution's matrix,
    // lecture transposed_conv_matrix: it spreads each input pixel over a 4x4 patch of an output
    // twice as large; k = 4 is divisible by s = 2, so every output pixel is covered alike.)
    // D: (N, 1, 28, 28) -> Conv 1->w k4 s2 p1 -> LeakyReLU 0.2 -> (N, w, 14, 14)
    //      -> Conv w->2w k4 s2 p1 -> BN, LeakyReLU 0.2 -> (N, 2w, 7, 7) -> Linear -> (N, 1) logit
    // No pooling: the strides do the down- and upsampling, learned.
    nn::Sequential G = models::dcgan_generator(kZ, kWidth, gen);
    nn::Sequential D = models::dcgan_discriminator(kWidth, gen);
    models::init_dcgan(G, gen);
    models::init_dcgan(D, gen);
    fmt::print("{}{}", G.summary({1, kZ}), D.summary({1, 1, 28, 28}));
    nn::Adam opt_g(G.parameters(), 2e-4, 0.5), opt_d(D.parameters(), 2e-4, 0.5);
    const xt::xarray<float> z_fixed = randn({12, kZ}, gen).value();
    const xt::xarray<float> z_eval = randn({n_eval, kZ}, gen).value();

    const models::MnistJudge::Judgement untrained = judge.judge(draw(G, z_eval), real_features);
    fmt::print("untrained G: FID {:.2f}, class entropy {:.3f}\n", untrained.fid, untrained.class_entropy);
    std::vector<std::pair<std::string, xt::xarray<float>>> progress{{"untrained", draw(G, z_fixed)}};

    // --quick: 120 steps on 5,000 images; the default: 3 epochs of 60,000 (1,407 steps).
    const std::size_t total_steps = opt.quick ? 120 : 3 * 469;
    const std::size_t eval_every = opt.quick ? 60 : 200;
    nn::DataLoader loader(train_set, 128, /*shuffle=*/true, gen.next_u64());
    std::vector<double> step_axis, loss_d, loss_g, d_real, d_fake;
    double sum[4] = {0, 0, 0, 0};
    std::size_t in_sum = 0, step = 0;
    models::MnistJudge::Judgement last = untrained;
    while (step < total_steps) {
        for (const nn::Batch& batch : loader) {
            if (step == total_steps) break;
            const Tensor real = reshape(batch.x * 2.0 - 1.0, {batch.labels.size(), 1, 28, 28});  // in [-1, 1]
            const models::GanStep s = models::gan_step(G, D, opt_g, opt_d, real, kZ, gen);
            sum[0] += s.loss_d, sum[1] += s.loss_g, sum[2] += s.d_real, sum[3] += s.d_fake;
            ++in_sum;
            ++step;
            if (step % 20 == 0) {
                step_axis.push_back(static_cast<double>(step));
                loss_d.push_back(sum[0] / in_sum), loss_g.push_back(sum[1] / in_sum);
                d_real.push_back(sum[2] / in_sum), d_fake.push_back(sum[3] / in_sum);
                std::fill(sum, sum + 4, 0.0);
                in_sum = 0;
            }
            if (step % eval_every == 0 || step == total_steps) {
                last = judge.judge(draw(G, z_eval), real_features);
                fmt::print(
                    "step {:5}: loss D {:.3f}, G {:.3f}; D(x) {:.2f}, D(G(z)) {:.2f}; FID {:6.2f}, class entropy "
                    "{:.3f}\n",
                    step, loss_d.back(), loss_g.back(), d_real.back(), d_fake.back(), last.fid, last.class_entropy);
                if (step == eval_every || step == 2 * eval_every || step % (3 * eval_every) == 0 || step == total_steps)
                    progress.push_back({fmt::format("step {}", step), draw(G, z_fixed)});
            }
        }
    }

    lecture::section("Are the samples copies of training images?");
    const std::size_t n_near = opt.quick ? 500 : 2000;
    const xt::xarray<float> samples = draw(G, z_eval);  // (n, 784)
    const double near_samples =
        models::mean_nearest_distance(xt::view(samples, xt::range(0, n_near), xt::all()), train_set.images);
    const double near_test =
        models::mean_nearest_distance(xt::view(test_set.images, xt::range(0, n_near), xt::all()), train_set.images);
    fmt::print("mean distance to the nearest training image: samples {:.3f}, test images {:.3f}\n", near_samples,
               near_test);

    // ---- Slide 41: latent space arithmetic ----
    lecture::section("Scott slide 41: arithmetic in z space");
    // Radford et al. average the z of three exemplars per concept (one z is too noisy) and add and
    // subtract the averages. Here the concepts are picked by measurement, among the evaluation
    // samples the judge calls 7 or 1: the three 7s with the most ink (thick), the three with the
    // least (thin), and the three 1s with the least. Then
    //   z = mean z(thick 7) - mean z(thin 7) + mean z(thin 1)
    // should draw a thick 1: the difference of the first two is a "thickness" direction.
    const std::vector<std::size_t> labels = judge.classify(samples);
    const std::vector<double> sample_ink = ink(samples);
    auto pick = [&](std::size_t digit, bool most) {
        std::vector<std::size_t> idx;
        for (std::size_t i = 0; i < labels.size(); ++i)
            if (labels[i] == digit) idx.push_back(i);
        if (idx.size() < 3) throw std::runtime_error(fmt::format("fewer than three samples of digit {}", digit));
        std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
            return most ? sample_ink[a] > sample_ink[b] : sample_ink[a] < sample_ink[b];
        });
        idx.resize(3);
        return idx;
    };
    auto mean_z = [&](const std::vector<std::size_t>& idx) {
        xt::xarray<float> m = xt::zeros<float>({kZ});
        for (std::size_t i : idx) m += xt::view(z_eval, i, xt::all());
        return xt::xarray<float>(m / 3.0f);
    };
    auto rows_of = [&](const std::vector<std::size_t>& idx) {
        xt::xarray<float> z = xt::zeros<float>({std::size_t{4}, kZ});
        for (std::size_t k = 0; k < 3; ++k) xt::view(z, k, xt::all()) = xt::view(z_eval, idx[k], xt::all());
        xt::view(z, 3, xt::all()) = mean_z(idx);  // the last image: the mean z
        return draw(G, z);
    };
    const std::vector<std::size_t> thick7 = pick(7, true), thin7 = pick(7, false), thin1 = pick(1, false);
    const xt::xarray<float> direction = mean_z(thick7) - mean_z(thin7);  // (Z): "thickness"
    const xt::xarray<float> result_z = direction + mean_z(thin1);
    xt::xarray<float> result = xt::zeros<float>({std::size_t{9}, kZ});
    for (std::size_t k = 0; k < 9; ++k) {
        xt::view(result, k, xt::all()) = result_z;
        if (k != 0)  // the first noise-free, the others with noise N(0, 0.25^2) added in z space
            for (std::size_t j = 0; j < kZ; ++j) result(k, j) += static_cast<float>(0.25 * gen.normal());
    }
    {
        io::GridOptions grid;
        grid.scale = 3;
        io::save_image_rows(out_dir + "/arithmetic.png",
                            {{"thick 7 (3, mean z)", rows_of(thick7)},
                             {"- thin 7", rows_of(thin7)},
                             {"+ thin 1", rows_of(thin1)},
                             {"= (noise-free, noisy)", draw(G, result)}},
                            28, 28, grid);
    }
    // Is the direction about thickness, or would any step of that length change the ink as much?
    // For 500 samples: the change of ink when z moves by `direction`, against moving by random
    // directions of the same norm (5 of them), and how often the judge's digit stays the same.
    const std::size_t n_base = 500;
    const xt::xarray<float> base = xt::view(z_eval, xt::range(0, n_base), xt::all());
    const std::vector<double> base_ink(sample_ink.begin(), sample_ink.begin() + n_base);
    const std::vector<std::size_t> base_label(labels.begin(), labels.begin() + n_base);
    auto move = [&](const xt::xarray<float>& d, double& ink_change, double& kept) {
        const xt::xarray<float> moved = draw(G, xt::xarray<float>(base + d));
        const std::vector<double> moved_ink = ink(moved);
        const std::vector<std::size_t> moved_label = judge.classify(moved);
        ink_change = 0.0, kept = 0.0;
        for (std::size_t i = 0; i < n_base; ++i) {
            ink_change += (moved_ink[i] - base_ink[i]) / n_base;
            kept += (moved_label[i] == base_label[i]) / double(n_base);
        }
    };
    const double norm = std::sqrt(xt::sum(xt::square(direction))());
    double ink_dir = 0.0, kept_dir = 0.0, ink_random = 0.0, kept_random = 0.0;
    move(direction, ink_dir, kept_dir);
    for (int r = 0; r < 5; ++r) {
        xt::xarray<float> d = randn({kZ}, gen).value();
        d *= static_cast<float>(norm / std::sqrt(xt::sum(xt::square(d))()));
        double ink_r = 0.0, kept_r = 0.0;
        move(d, ink_r, kept_r);
        ink_random += std::abs(ink_r) / 5.0;
        kept_random += kept_r / 5.0;
    }
    fmt::print("mean ink: thick 7s {:.3f}, thin 7s {:.3f}, thin 1s {:.3f}; the result, noise-free: {:.3f}\n",
               mean_of(ink(rows_of(thick7))), mean_of(ink(rows_of(thin7))), mean_of(ink(rows_of(thin1))),
               ink(draw(G, xt::xarray<float>(xt::view(result, xt::range(0, 1), xt::all()))))[0]);
    fmt::print(
        "|direction| = {:.2f}; moving {} samples along it: ink {:+.4f} (mean ink {:.4f}), digit kept {:.0f}%;\n"
        "along random directions of the same norm: |ink change| {:.4f}, digit kept {:.0f}%\n",
        norm, n_base, ink_dir, mean_of(base_ink), 100.0 * kept_dir, ink_random, 100.0 * kept_random);

    // ---- Figures ----
    {
        io::GridOptions grid;
        io::save_image_rows(out_dir + "/progress.png", progress, 28, 28, grid);
        std::vector<std::pair<std::string, xt::xarray<float>>> rows;
        for (std::size_t pair = 0; pair < 4; ++pair) {
            const xt::xarray<float> za = xt::view(z_eval, 2 * pair, xt::all());
            const xt::xarray<float> zb = xt::view(z_eval, 2 * pair + 1, xt::all());
            xt::xarray<float> path = xt::zeros<float>({std::size_t{10}, kZ});
            for (std::size_t k = 0; k < 10; ++k) xt::view(path, k, xt::all()) = za + (zb - za) * (k / 9.0f);
            rows.push_back({fmt::format("z{} to z{}", 2 * pair, 2 * pair + 1), draw(G, path)});
        }
        io::save_image_rows(out_dir + "/interpolation.png", rows, 28, 28, grid);
        io::PlotOptions plot;
        plot.title = "DCGAN on MNIST: losses and D's outputs (means over 20 steps)";
        plot.xlabel = "step";
        plot.ylabel = "loss (nats) or probability";
        io::save_line_plot(out_dir + "/losses.png",
                           {{"J(D)", step_axis, loss_d},
                            {"J(G) = -log D(G(z))", step_axis, loss_g},
                            {"D(x), real", step_axis, d_real},
                            {"D(G(z)), fake", step_axis, d_fake}},
                           plot);
    }
    fmt::print("wrote {0}/progress.png, {0}/interpolation.png, {0}/losses.png and {0}/arithmetic.png\n", out_dir);

    // ---- Verdict ----
    const double fid_drop = untrained.fid / last.fid;
    const double entropy_share = last.class_entropy / std::log(10.0);
    const double min_drop = opt.quick ? 3.0 : 10.0;
    const bool holds = fid_drop >= min_drop && entropy_share >= 0.85 && near_samples >= near_test &&
                       ink_dir >= 2.0 * ink_random && kept_dir > 0.5;
    return lecture::verdict(
        fmt::format("the MNIST-FID falls at least {}x, all ten digits appear (entropy >= 0.85 log 10), samples are no "
                    "closer to the training set than test images; the thick-minus-thin direction adds at least twice "
                    "the ink of a random direction of its norm while keeping most digits",
                    min_drop),
        holds,
        fmt::format(
            "FID {:.2f} -> {:.2f} ({:.1f}x, floor {:.2f}); entropy {:.2f} log 10; nearest: samples {:.3f}, test "
            "{:.3f}; ink {:+.4f} vs random {:.4f}, digit kept {:.0f}%",
            untrained.fid, last.fid, fid_drop, floor.fid, entropy_share, near_samples, near_test, ink_dir, ink_random,
            100.0 * kept_dir));
} catch (const std::exception& e) {
    return lecture::fail("dcgan", e);
}

// Try this:
//  (to be written after the runs)
