// check.cpp (exercise 11): grades the student's convolutional autoencoder: its output shape and
// its code (before any training, so a geometry mistake fails in a second), then a short run that
// must already learn something (a broken training loop fails in a second or two, not after the
// whole budget), then the full run: the test MSE against the target, and the CPU time against
// the budget. The test images are a hidden subset of MNIST's test set, drawn from the seed.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"
#include "io/io.hpp"

// OpenBLAS's own call (declared here: its cblas.h clashes with xtensor-blas, STYLE.md).
extern "C" void openblas_set_num_threads(int num_threads);

using autograd::Tensor;

namespace {

constexpr std::size_t kMaxCode = 32;         // numbers per image in the code, as PCA-32 (lecture 03)
constexpr std::size_t kTrainImages = 20000;  // the first 20,000 training images
constexpr std::size_t kShortImages = 5000;   // the short run: the first 5,000 of those
constexpr std::size_t kTestImages = 2000;    // a hidden subset of the 10,000 test images
// The budgets, in CPU seconds on the machine the target was measured on; the environment variable
// LAB_TIME_SCALE multiplies both (a teacher with slower machines gives more time: LAB_TIME_SCALE=2).
double time_scale() {
    const char* text = std::getenv("LAB_TIME_SCALE");
    if (!text || !*text) return 1.0;
    char* end = nullptr;
    const double scale = std::strtod(text, &end);
    if (*end != '\0' || !(scale > 0.0) || !std::isfinite(scale))
        throw std::invalid_argument(fmt::format("LAB_TIME_SCALE='{}': give a positive number, e.g. 2", text));
    return scale;
}
double budget_seconds = 15.0;       // CPU seconds for train() on 20,000 images (times the machine's factor)
double short_budget_seconds = 4.0;  // and on 5,000

// The budgets are measured against the machine the check runs on. On the machine they were set on,
// calibration_seconds() took kCalibrationSeconds of CPU time; a machine that takes longer gets
// budgets larger by the same factor (a slower laptop gives the same verdict), a faster one smaller.
// The factor is kept within [kMinFactor, kMaxFactor] (a measurement further off says the machine
// was busy in a way CPU time does not hide, not that it is that much faster or slower).
constexpr double kCalibrationSeconds = 0.20;
constexpr double kMinFactor = 0.5, kMaxFactor = 8.0;

// The operations the training of a small convolutional autoencoder spends its time in (two strided
// convolutions, a dense code of 32 numbers and back, two transposed convolutions, a sigmoid, the
// square loss, and the backward of all of it) on 24 batches of 64 random images, with fixed random
// weights: the fastest of five runs, in CPU seconds. It is a yardstick, not a model worth training.
double calibration_seconds() {
    using autograd::Shape;
    autograd::Generator gen(20251206);
    const auto weight = [&](const Shape& shape) {
        return Tensor(xt::xarray<float>(0.1f * autograd::randn<float>(shape, gen).value()), /*requires_grad=*/true);
    };
    const Tensor w1 = weight({16, 1, 3, 3}), w2 = weight({32, 16, 3, 3}), down = weight({32 * 7 * 7, 32});
    const Tensor up = weight({32, 32 * 7 * 7}), u1 = weight({32, 16, 4, 4}), u2 = weight({16, 1, 4, 4});
    const Tensor x = autograd::rand<float>({64, 1, 28, 28}, gen);
    const autograd::ConvGeometry halve{/*stride=*/2, /*padding=*/1}, twice{/*stride=*/2, /*padding=*/1};
    double best = 1e30;
    for (int run = 0; run < 5; ++run) {
        const std::clock_t start = std::clock();
        for (int batch = 0; batch < 24; ++batch) {
            Tensor h = autograd::relu(autograd::conv2d(x, w1, {}, halve));       // (64, 16, 14, 14)
            h = autograd::relu(autograd::conv2d(h, w2, {}, halve));              // (64, 32, 7, 7)
            h = autograd::matmul(autograd::reshape(h, {64, 32 * 7 * 7}), down);  // (64, 32)
            h = autograd::reshape(autograd::relu(autograd::matmul(h, up)), {64, 32, 7, 7});
            h = autograd::relu(autograd::conv_transpose2d(h, u1, {}, twice));     // (64, 16, 14, 14)
            h = autograd::sigmoid(autograd::conv_transpose2d(h, u2, {}, twice));  // (64, 1, 28, 28)
            autograd::mse_loss(h, x).backward();
        }
        best = std::min(best, static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC);
    }
    return best;
}
constexpr double kTargetMse = 0.015;  // below PCA-32's 0.0169 (README)

// The test MSE per pixel, mean over images and pixels of (model(x) - x)^2: in eval mode, with no
// graph, in batches of 500; the model's mode is put back afterwards.
double test_mse(nn::Module& model, const xt::xarray<float>& images) {  // (N, 1, 28, 28)
    autograd::NoGradGuard no_grad;
    const bool was_training = model.is_training();
    model.eval();
    double total = 0.0;
    const std::size_t n = images.shape()[0];
    for (std::size_t start = 0; start < n; start += 500) {
        const Tensor x(
            xt::xarray<float>(xt::view(images, xt::range(start, std::min(n, start + 500)))));  // (B, 1, 28, 28)
        const Tensor y = model(x);
        if (y.shape() != x.shape())
            throw std::runtime_error(fmt::format("the model returned {} for a batch of shape {}",
                                                 lab::shape_text(y.shape()), lab::shape_text(x.shape())));
        total += autograd::mse_loss(y, x, autograd::Reduction::Sum).item();
    }
    model.train(was_training);
    return total / static_cast<double>(images.size());
}

// How far the model is from an affine map: the largest |f((a + b) / 2) - (f(a) + f(b)) / 2| over 16
// pairs of test images, over the largest |f(a)|. An affine model gives float32 rounding (about
// 1e-7); one with a ReLU or a sigmoid anywhere, orders of magnitude more. In eval mode, no graph.
double affine_gap(nn::Module& model, const xt::xarray<float>& images) {  // (N, 1, 28, 28), N >= 32
    autograd::NoGradGuard no_grad;
    const bool was_training = model.is_training();
    model.eval();
    const xt::xarray<float> a = xt::view(images, xt::range(0, 16)), b = xt::view(images, xt::range(16, 32));
    const xt::xarray<float> fa = model(Tensor(a)).value(), fb = model(Tensor(b)).value();
    const xt::xarray<float> fm = model(Tensor(xt::xarray<float>(0.5f * (a + b)))).value();
    model.train(was_training);
    const double scale = std::max(1e-30, static_cast<double>(xt::amax(xt::abs(fa))()));
    return static_cast<double>(xt::amax(xt::abs(fm - 0.5f * (fa + fb)))()) / scale;
}

// The first `n` images of a data set, as a data set.
io::Dataset first_images(const io::Dataset& data, std::size_t n) {
    io::Dataset out;
    out.images = xt::view(data.images, xt::range(0, n), xt::all());
    out.labels.assign(data.labels.begin(), data.labels.begin() + static_cast<long>(n));
    return out;
}

const char* const kShapeHint =
    "the decoder must end at (N, 1, 28, 28). A transposed convolution makes H into "
    "(H - 1) s - 2p + k + output_padding: k3 s2 p1 doubles only with output_padding 1 (7 -> 14 -> 28; "
    "without it 7 -> 13 and 14 -> 27), k4 s2 p1 doubles as it is; a convolution k3 s2 p1 halves "
    "(28 -> 14 -> 7 -> 4), and from 4 x 4 doubling overshoots (8, 16, 32): go 4 -> 7 with k3 s2 p1 and no "
    "output_padding. model->summary({1, 1, 28, 28}) prints every layer's output shape";
const char* const kCodeHint =
    "an autoencoder must squeeze each image through a code much smaller than the image, or it can learn "
    "to copy its input; here at most 32 numbers, as PCA-32 in lecture 03. Convolutions alone keep C x 7 x 7 "
    "numbers (16 x 7 x 7 = 784, as many as the image): end the encoder with Flatten and Linear(C * 49, 32), "
    "start the decoder with Linear(32, C * 49), ReLU, Unflatten({C, 7, 7})";
const char* const kLearnHint =
    "a short run of a working loop already beats drawing the average digit for every input. The usual "
    "training-loop mistakes: no zero_grad() before backward (the gradients of all the steps pile up), no "
    "step() (nothing moves), an optimizer given other tensors than model.parameters(), a loss that is not "
    "mse_loss(model(x), x), a batch not reshaped to (N, 1, 28, 28); or a learning rate far too small "
    "(Adam 1e-3 to 3e-3 works), or a loop that stops at once (this run's budget is 4 s: keep a share of "
    "budget.seconds() in reserve, not a fixed number of seconds). An MSE near the all-black image's means a dead "
    "network that outputs 0";
const char* const kTargetHint =
    "your loop learns (the short run passed), but not enough yet: more steps (another epoch, or smaller "
    "batches) within the budget, Adam's learning rate 2e-3 to 3e-3, more channels before the bottleneck, "
    "a sigmoid on the output so that pixels stay in [0, 1]";
const char* const kSeenDataHint =
    "before train() ran, your model already reconstructs the hidden test images better than the average digit "
    "does: a model made from a random generator alone has not seen a digit, so it has them from elsewhere (the "
    "files on disk, a global). make_model builds an untrained network; it learns in train(), from train_images "
    "only";
const char* const kLinearHint =
    "your model is linear end to end: its output for the average of two images is the average of its outputs "
    "(to rounding), so it is an affine map through the code, and no affine code of 32 numbers beats PCA-32 "
    "(0.0169; lecture 03 shows why), whatever the training. More steps or channels will not help: put "
    "nonlinear activations between the layers (ReLU) and a sigmoid on the output";
// The warps of the last check, and how much worse than on the originals a model may do on them.
const io::AffineRange kWarps{/*max_rotation=*/10.0, /*max_zoom=*/0.05, /*max_shift=*/1.4};
constexpr double kWarpedRatio = 2.0;
constexpr double kWarpedSlack = 0.005;
const char* const kRememberedHint =
    "your model reconstructs MNIST's own test images far better than the same digits slightly warped: it has "
    "those images from the files (read in train(), or kept in a global), not from learning. train() learns from "
    "train_images only; a model that learned digits does nearly as well on a digit it never saw";
const char* const kBudgetHint =
    "poll budget.seconds_left() in your loop (once per batch) and return with some of it to spare; "
    "train() on 20,000 images with the reference's model takes about a quarter of the budget";

// What the checks before this one left: a hole still to be written (the later checks are NOT DONE
// too), or a failure (they are not run: each needs the ones before it).
struct Before {
    std::string hole;        // the first hole met, or empty
    bool ok = true;          // every check so far passed
    bool explained = false;  // the "not run" line has been printed
};

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("11", "a convolutional autoencoder: a target test MSE within a CPU-time budget", argc, argv,
                       /*default_seed=*/4111);
    // std::clock counts the CPU time of every thread, and OpenBLAS's helper threads spin while they
    // wait: with one thread, the count is the work done.
    openblas_set_num_threads(1);
    try {
        const double measured = calibration_seconds();
        const double factor = std::clamp(measured / kCalibrationSeconds, kMinFactor, kMaxFactor);
        const double scale = time_scale();
        budget_seconds *= factor * scale, short_budget_seconds *= factor * scale;
        fmt::print(
            "(this machine ran the yardstick in {:.2f} s of CPU time, the machine the budgets were set on in "
            "{:.2f} s: the budgets are {:.2f} times theirs{})\n\n",
            measured, kCalibrationSeconds, factor * scale,
            scale != 1.0 ? fmt::format(", with LAB_TIME_SCALE={}", scale) : std::string());
    } catch (const std::exception& e) {
        fmt::print(stderr, "exercise 11: {}\n", e.what());
        return 2;
    }

    io::Dataset train_set, test_all;
    try {
        train_set = io::load_mnist(io::default_mnist_dir(), /*train=*/true, kTrainImages);
        test_all = io::load_mnist(io::default_mnist_dir(), /*train=*/false);
    } catch (const std::exception& e) {
        fmt::print("exercise 11 reads MNIST: {}\n", e.what());
        return 2;
    }
    autograd::Generator gen = grader.generator(1);
    // The hidden test images, (kTestImages, 1, 28, 28), and a hidden batch size for the shape checks.
    std::vector<std::size_t> pick = gen.permutation(test_all.size());
    pick.resize(kTestImages);
    xt::xarray<float> test = xt::view(test_all.images, xt::keep(pick), xt::all());  // (kTestImages, 784)
    test.reshape({kTestImages, 1, 28, 28});
    const std::size_t n = 3 + gen.below(7);
    const Tensor x(xt::xarray<float>(xt::view(test, xt::range(0, n))));  // (n, 1, 28, 28)

    // Baselines: the average training digit drawn for every input, and an all-black output.
    const xt::xarray<float> mean_digit = xt::mean(train_set.images, {0});  // (784)
    const double mean_mse =
        xt::mean(xt::square(xt::reshape_view(test, {kTestImages, std::size_t(784)}) - mean_digit))();
    const double black_mse = xt::mean(xt::square(test))();

    // Each check needs the ones before it (no training with a model of the wrong shape, no full
    // run after a short run that learned nothing): `staged` runs one and records how it ended.
    Before before;
    const auto staged = [&](const std::string& name, const std::function<void(lab::Check&)>& body) {
        if (before.hole.empty() && !before.ok) {  // one line, not a FAIL of its own
            fmt::print("  NOT RUN   {}\n", name);
            if (!before.explained)
                fmt::print(
                    "            (each check needs the ones above it: fix the first FAIL, and the rest will run)\n");
            before.explained = true;
            return;
        }
        grader.check(name, [&](lab::Check& c) {
            if (!before.hole.empty()) throw lab::NotDone(before.hole);
            try {
                body(c);
            } catch (const lab::NotDone& e) {
                before.hole = e.what();
                throw;
            } catch (...) {
                before.ok = false;
                throw;
            }
        });
    };

    staged("the model maps (N, 1, 28, 28) to (N, 1, 28, 28)", [&](lab::Check& c) {
        autograd::Generator g = grader.generator(2);
        const std::shared_ptr<ex11::Autoencoder> model = ex11::make_model(g);
        c.expect(model != nullptr, "make_model", "a model", "a null pointer",
                 "return std::make_shared<Autoencoder>(encoder, decoder)");
        autograd::NoGradGuard no_grad;
        const Tensor y = (*model)(x);
        c.expect_shape(fmt::format("the output for {} images", n), y.shape(), {n, 1, 28, 28}, kShapeHint);
    });

    staged(fmt::format("the code holds at most {} numbers per image", kMaxCode), [&](lab::Check& c) {
        autograd::Generator g = grader.generator(2);
        const std::shared_ptr<ex11::Autoencoder> model = ex11::make_model(g);
        autograd::NoGradGuard no_grad;
        const Tensor h = model->encode(x);
        c.expect(h.shape().size() >= 2 && h.shape()[0] == n, fmt::format("the code of {} images", n),
                 fmt::format("one code per image: shape ({}, ...)", n), lab::shape_text(h.shape()),
                 "the encoder maps (N, 1, 28, 28) to (N, ...): every layer keeps the images apart");
        const std::size_t per_image = h.size() / n;
        c.expect(per_image <= kMaxCode, fmt::format("the code of {} images", n),
                 fmt::format("at most {} numbers per image (the image has 784)", kMaxCode),
                 fmt::format("{}: {} numbers per image", lab::shape_text(h.shape()), per_image), kCodeHint);
    });

    staged(fmt::format("a short run ({} images, {:.3g} s) beats the average digit", autograd::thousands(kShortImages),
                       short_budget_seconds),
           [&](lab::Check& c) {
               autograd::Generator g = grader.generator(3);
               const std::shared_ptr<ex11::Autoencoder> model = ex11::make_model(g);
               const double before_mse = test_mse(*model, test);
               // An untrained model cannot know what a digit looks like: it is no better than the
               // average digit (a random network is far worse: 0.1-0.35 against 0.067).
               c.expect(!(before_mse < mean_mse), "the test MSE before train() ran",
                        fmt::format("no better than the average digit's {:.5f}: the model has not seen a digit yet",
                                    mean_mse),
                        fmt::format("{:.5f}", before_mse), kSeenDataHint);
               const ex11::Budget budget(short_budget_seconds);
               ex11::train(*model, first_images(train_set, kShortImages), g, budget);
               const double seconds = budget.seconds_used();
               const double after = test_mse(*model, test);
               c.expect_finite("the test MSE after the short run", xt::xarray<double>{after},
                               "a nan or an inf: the learning rate is far too large");
               c.expect(
                   after < mean_mse, "the test MSE after the short run",
                   fmt::format("below {:.5f}, the average digit's", mean_mse),
                   fmt::format("{:.5f} (untrained: {:.5f}; an all-black output: {:.5f})", after, before_mse, black_mse),
                   kLearnHint);
               c.note(fmt::format("test MSE {:.5f} after {:.1f} s of CPU time (untrained {:.5f})", after, seconds,
                                  before_mse));
           });

    // The full run, once, for the last two checks.
    double full_mse = 0.0, full_seconds = 0.0;
    bool full_ran = false;  // train() returned
    std::shared_ptr<ex11::Autoencoder> trained;
    staged(fmt::format("after train() on {} images, the test MSE is below {}", autograd::thousands(kTrainImages),
                       kTargetMse),
           [&](lab::Check& c) {
               fmt::print("  running   train() on {} images, with a budget of {:.3g} s of CPU time...\n",
                          autograd::thousands(kTrainImages), budget_seconds);
               std::fflush(stdout);
               autograd::Generator g = grader.generator(4);
               const std::shared_ptr<ex11::Autoencoder> model = ex11::make_model(g);
               const ex11::Budget budget(budget_seconds);
               ex11::train(*model, train_set, g, budget);
               full_seconds = budget.seconds_used();
               full_ran = true;
               full_mse = test_mse(*model, test);
               trained = model;
               c.note(fmt::format("test MSE {:.5f} (the target {}; PCA-32 0.0169; the average digit {:.5f})", full_mse,
                                  kTargetMse, mean_mse));
               // The hint from what the model is: an affine one cannot reach the target at all.
               const bool affine = std::isfinite(full_mse) && full_mse >= kTargetMse && affine_gap(*model, test) < 1e-4;
               c.expect(std::isfinite(full_mse) && full_mse < kTargetMse,
                        fmt::format("the test MSE on {} hidden test images", autograd::thousands(kTestImages)),
                        fmt::format("below {} (PCA-32: 0.0169; the average digit: {:.5f})", kTargetMse, mean_mse),
                        fmt::format("{:.5f}", full_mse), affine ? kLinearHint : kTargetHint);
           });

    // Digits that are in no file: the hidden test digits, each slightly rotated, zoomed and shifted
    // (io::random_affine). A model that learned digits reconstructs them about as well as the
    // originals; one that remembers the files' images (read from disk in train()) does not.
    staged("the model does as well on digits that are in no file (the test digits, slightly warped)",
           [&](lab::Check& c) {
               autograd::Generator g = grader.generator(5);
               xt::xarray<float> warped =
                   io::random_affine(xt::reshape_view(test, {kTestImages, std::size_t(784)}), 28, 28, g, kWarps);
               warped.reshape({kTestImages, 1, 28, 28});
               const double warped_mse = test_mse(*trained, warped);
               c.note(fmt::format("test MSE {:.5f} on the warped digits, {:.5f} on the originals ({:.2f} times)",
                                  warped_mse, full_mse, warped_mse / std::max(full_mse, 1e-30)));
               c.expect(warped_mse <= kWarpedRatio * full_mse + kWarpedSlack,
                        fmt::format("the test MSE on the {} warped test digits", autograd::thousands(kTestImages)),
                        fmt::format("at most {} x {:.5f} + {} (a model that learned digits: about 1 x)", kWarpedRatio,
                                    full_mse, kWarpedSlack),
                        fmt::format("{:.5f}", warped_mse), kRememberedHint);
           });

    // Graded even when the MSE fell short: the time was measured all the same.
    if (full_ran) before = Before{};
    staged(fmt::format("train() on {} images stays within {:.3g} s of CPU time", autograd::thousands(kTrainImages),
                       budget_seconds),
           [&](lab::Check& c) {
               c.expect(full_seconds <= budget_seconds, "the CPU time of train()",
                        fmt::format("at most {:.3g} s", budget_seconds), fmt::format("{:.1f} s", full_seconds),
                        kBudgetHint);
               c.note(fmt::format("{:.1f} s of CPU time ({:.0f}% of the budget)", full_seconds,
                                  100.0 * full_seconds / budget_seconds));
           });

    return grader.finish();
}
