// Lecture 01: the 8-3-8 identity network invents a binary code.
//
// Follows: Scott, Lecture 5, slide 4 (the basic idea: Mitchell's network of 8 inputs, 3 sigmoid
//          hidden units and 8 sigmoid outputs, trained for 5000 epochs with the square loss and
//          no regularization, to output its input; "what's special about the hidden layer
//          outputs?") and slide 5 (encoder f, decoder g, output = input).
// Shows:   the whole of an autoencoder at its smallest: eight one-hot vectors squeezed through
//          three numbers and back, trained by plain full-batch gradient descent; the three hidden
//          values of each input, rounded to bits, turn out to be a 3-bit code nobody asked for.
// Run:     ./lab run identity            (or build/lectures/identity [--quick] [--seed N])
// Prints:  the loss every 500 epochs, a table of each input's hidden values, rounded code and
//          output argmax, and a last line "VERDICT: ... : HOLDS (...)"; writes
//          out/identity/loss.png and out/identity/hidden.png (the codes as gray squares).
//          --quick runs the same training (it takes well under a second).
//
// Dimension letters: N examples (8), D inputs = outputs (8), H hidden units (3).

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xview.hpp>

#include "io/io.hpp"
#include "lecture.hpp"
#include "nn/nn.hpp"

using namespace autograd;

namespace {
// The rounded code of one row of h: bit j is 1 when hidden unit j is above 0.5.
std::string rounded_code(const xt::xarray<float>& h, std::size_t row) {
    std::string bits;
    for (std::size_t j = 0; j < h.shape()[1]; ++j) bits += h(row, j) > 0.5f ? '1' : '0';
    return bits;
}

// The index of the largest entry of one row of r: which input the output says it saw.
std::size_t row_argmax(const xt::xarray<float>& r, std::size_t row) {
    std::size_t best = 0;
    for (std::size_t j = 1; j < r.shape()[1]; ++j)
        if (r(row, j) > r(row, best)) best = j;
    return best;
}

// One training run of the 8-3-8 network from a seed: its hidden codes h (N, H), its outputs r
// (N, D) and the loss of each epoch.
struct Run {
    xt::xarray<float> h, r;
    std::vector<double> losses;
};

Run train_838(std::uint64_t seed, std::size_t epochs, double lr, bool print) {
    const std::size_t D = 8, H = 3;
    Generator gen(seed);
    const Tensor x(xt::xarray<float>(xt::eye<float>(D)));  // (N, D), row i = e_i
    // Slide 5: encoder f and decoder g, one sigmoid layer each
    //   h = f(x) = sigmoid(x W1 + b1)      W1 (D, H), b1 (H,)
    //   r = g(h) = sigmoid(h W2 + b2)      W2 (H, D), b2 (D,)
    // Xavier-uniform weights, zero biases (nn::Linear's defaults).
    nn::Linear encoder(D, H, gen);
    nn::Linear decoder(H, D, gen);
    const std::vector<Tensor> params{encoder.weight, encoder.bias, decoder.weight, decoder.bias};
    nn::SGD gd(params, lr);
    Run run;
    for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
        gd.zero_grad();
        const Tensor h = sigmoid(encoder(x));           // (N, H) the code
        const Tensor r = sigmoid(decoder(h));           // (N, D) the reconstruction
        Tensor loss = mse_loss(r, x, Reduction::Mean);  // ()
        loss.backward();
        gd.step();
        run.losses.push_back(loss.item());
        if (print && (epoch == 1 || epoch % 500 == 0))
            fmt::print("epoch {:>4}  loss {:.5f}\n", epoch, run.losses.back());
    }
    NoGradGuard no_grad;
    run.h = sigmoid(encoder(x)).value();              // (N, H)
    run.r = sigmoid(decoder(Tensor(run.h))).value();  // (N, D)
    return run;
}

// How many distinct rounded codes a run's hidden layer uses, and how many of its outputs' argmax
// is the input.
std::pair<std::size_t, std::size_t> codes_and_correct(const Run& run) {
    std::set<std::string> codes;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < run.h.shape()[0]; ++i) {
        codes.insert(rounded_code(run.h, i));
        correct += row_argmax(run.r, i) == i ? 1 : 0;
    }
    return {codes.size(), correct};
}
}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt = lecture::parse_args(argc, argv, "identity", 1,
                                                     "trains Mitchell's 8-3-8 sigmoid network to copy one-hot vectors");
    const std::string out_dir = lecture::make_out_dir(opt);

    // ---- Scott slide 4: the data is the eight one-hot vectors, and the target is the input ----
    lecture::section("Scott slide 4: eight inputs, each a single 1 among 8");
    const std::size_t N = 8, D = 8, H = 3;
    const Tensor x(xt::xarray<float>(xt::eye<float>(D)));  // (N, D), row i = e_i
    fmt::print("{} one-hot vectors of length {}, through {} hidden units: 8 things, 3 numbers\n", N, D, H);

    // ---- Scott slide 5: encoder f and decoder g, one sigmoid layer each ----
    //   h = f(x) = sigmoid(x W1 + b1)      W1 (D, H), b1 (H,)
    //   r = g(h) = sigmoid(h W2 + b2)      W2 (H, D), b2 (D,)
    // Xavier-uniform weights, zero biases (nn::Linear's defaults): train_838 above.
    // ---- Training: square loss, plain gradient descent, 5000 epochs of the full batch ----
    //   L = (1 / N D) sum_{n, d} (r_nd - x_nd)^2
    //   p <- p - lr dL/dp   for every weight and bias p: no momentum, no Adam, the plain gradient
    //                       descent of Mitchell's backpropagation (he stepped after each
    //                       example; here each step uses all eight, one step per epoch)
    // Why lr = 10: mse_loss takes the mean over all N D = 64 entries, so its gradient is 1/32 of
    // the gradient of E = (1/2) sum (r - x)^2, the summed error of Mitchell's book; lr 10 on L is
    // the step of lr 10/32 ~ 0.3 on E. Measured over seeds 1-100, 5000 epochs each:
    //   lr 0.3  no run gets all eight outputs right (the loss is still near 0.09);
    //   lr 1    41 of 100 runs get all eight outputs right;
    //   lr 3    all 100 do, 51 of them through 8 distinct rounded codes;
    //   lr 10   all 100 do, 77 of them through 8 distinct rounded codes (of seeds 1-10, six:
    //           4, 8, 9 and 10 fail). --quick is this same run: it takes 0.05 s.
    // Adam is not needed: with lr 0.01 all 100 runs reconstruct too, 73 with distinct codes (of
    // seeds 1-10, eight). Adam lr 0.02 and 0.03, gradient descent lr 20 and 30, and SGD with
    // momentum (lr 3 and 0.5, lr 1 and 0.9) all land between 70 and 82 of 100. No optimiser we
    // tried makes the binary code certain: about one run in four settles with hidden values at
    // in-between levels, and still reconstructs (see "Try this").
    const std::size_t epochs = 5000;
    const double lr = 10.0;
    lecture::section(fmt::format("Training: square loss, gradient descent with lr {}, full batch", lr));
    const Run run = train_838(opt.seed, epochs, lr, true);
    std::vector<double> epoch_axis;
    for (std::size_t e = 1; e <= epochs; ++e) epoch_axis.push_back(static_cast<double>(e));
    const std::vector<double>& losses = run.losses;
    // Within a few epochs the loss drops to about 7/64 = 0.109: the loss of answering 1/8 (the
    // mean target) on every output, which is all a net can do before its hidden units tell the
    // inputs apart. It stays near there for about 100 epochs (0.100 at epoch 100), then falls
    // as the units split the inputs (loss.png, on a log axis).

    // ---- Scott slide 4: "What's special about the hidden layer outputs?" ----
    lecture::section("Scott slide 4: what's special about the hidden layer outputs?");
    const xt::xarray<float>& h = run.h;  // (N, H)
    const xt::xarray<float>& r = run.r;  // (N, D)
    fmt::print("{:<10} {:>23}   {:<5} {:>6}  {:>9}\n", "input", "hidden values h1 h2 h3", "code", "argmax", "r[input]");
    std::set<std::string> codes;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < N; ++i) {
        std::string input;
        for (std::size_t d = 0; d < D; ++d) input += x.value()(i, d) > 0.5f ? '1' : '0';
        const std::string code = rounded_code(h, i);
        const std::size_t guess = row_argmax(r, i);
        codes.insert(code);
        correct += guess == i ? 1 : 0;
        fmt::print("{:<10} {:>7.3f} {:>7.3f} {:>7.3f}   {:<5} {:>6}  {:>9.3f}\n", input, h(i, 0), h(i, 1), h(i, 2),
                   code, guess, r(i, i));
    }
    std::vector<std::string> listed;
    for (std::size_t i = 0; i < N; ++i) listed.push_back(rounded_code(h, i));
    fmt::print("\nrounded codes: {}  ({} distinct of the 2^3 = 8 possible)\n", fmt::join(listed, " "), codes.size());
    // What to see: most hidden values sit near 0 or 1, and the eight rows use the eight corners
    // of the cube {0, 1}^3 once each: the network has invented a binary code for "which of 8".
    // Nobody told it to; three units with an S-shaped response and eight things to tell apart
    // at the outputs make the corners the easy place to be. Some values stay short of 0 or 1
    // (0.82 to 0.86, and 0.11, here): the decoder only needs the codes told apart, not crisp.

    // ---- Figures: the loss curve, and each input's code as three gray squares ----
    io::PlotOptions plot;
    plot.title = fmt::format("8-3-8 identity network, gradient descent lr {}", lr);
    plot.xlabel = "epoch";
    plot.ylabel = "mean squared error (log scale)";
    plot.log_y = true;
    io::save_line_plot(out_dir + "/loss.png", {{"train", epoch_axis, losses}}, plot);
    std::vector<std::pair<std::string, xt::xarray<float>>> rows;
    for (std::size_t i = 0; i < N; ++i) {
        xt::xarray<float> code_image = xt::view(h, xt::range(i, i + 1), xt::all());  // (1, H): one 1x3 image
        rows.emplace_back(fmt::format("input {} -> {}", i, listed[i]), code_image);
    }
    io::GridOptions grid;
    grid.scale = 32;  // each hidden value a 32x32 square: black 0, white 1
    grid.title = "8-3-8 network: the hidden code of each input";
    grid.caption = "columns: hidden units h1, h2, h3; each row: input i -> its code (1 where h > 0.5)";
    grid.scale_key = "hidden activation (sigmoid)";
    io::save_image_rows(out_dir + "/hidden.png", rows, 1, H, grid);
    fmt::print("wrote {0}/loss.png and {0}/hidden.png\n", out_dir);

    // ---- Is it the slide or the seed? The same training from 100 seeds ----
    // One run proves little: from seed 4, say, inputs 0 and 7 both round to 000 though every output
    // is right (Try this 1). The slide's claim is about the network, so the verdict counts over
    // 100 seeds (this one and the 99 after it; about 5 s), and asks of each share that a one-sided
    // 95% lower bound (Wilson's) clears one half: "most runs", beyond the luck of 100 draws.
    const std::size_t seeds = opt.quick ? 30 : 100;
    lecture::section(
        fmt::format("Is it the slide or the seed? {} runs, seeds {} to {}", seeds, opt.seed, opt.seed + seeds - 1));
    std::size_t reconstructs = 0, binary = 0;
    for (std::size_t k = 0; k < seeds; ++k) {
        const auto [distinct, right] = codes_and_correct(train_838(opt.seed + k, epochs, lr, false));
        reconstructs += right == N ? 1 : 0;
        binary += right == N && distinct == N ? 1 : 0;
    }
    fmt::print("every output right: {} of {} runs; and through 8 distinct rounded codes: {} of {}\n", reconstructs,
               seeds, binary, seeds);
    // Measured: 100 of 100 runs reconstruct, 77 of them through a binary code (seeds 1 to 100).

    // ---- Verdict ----
    lecture::quick_scope(opt, "30 seeds instead of 100 for the count; the same training otherwise");
    lecture::Verdict verdict("the 8-3-8 network learns to copy its input, and in most runs through a 3-bit code");
    verdict.above("reconstructs", lecture::share_lower_bound(reconstructs, seeds), 0.5,
                  fmt::format("95% lower bound of the share of {} runs whose every output's argmax is its input "
                              "({} of {})",
                              seeds, reconstructs, seeds),
                  "one half: the claim is about most runs, not this seed's");
    verdict.above("binary_code", lecture::share_lower_bound(binary, seeds), 0.5,
                  fmt::format("95% lower bound of the share of runs that also use 8 distinct rounded codes ({} of {})",
                              binary, seeds),
                  "one half, as above");
    return verdict.finish(fmt::format("this seed: {} distinct codes, {}/{} outputs right, loss {:.5f} after {} epochs",
                                      codes.size(), correct, N, losses.back(), epochs));
} catch (const std::exception& e) {
    return lecture::fail("identity", e);
}

// Try this:
//  1. --seed 4: every output is still right, but the verdict FAILS: inputs 0 and 7 both round
//     to 000, as (0.37, 0.27, 0.00) and (0.02, 0.01, 0.47). Their in-between values still
//     separate them, so the decoder gets both right; the code is just not binary (about 1 seed
//     in 4 ends like this).
//  2. Set lr = 0.3, the size of step that suits the summed error E rather than the mean: after
//     5000 epochs the loss is 0.090, hardly below the 0.109 plateau, only 5 codes are distinct
//     and only 3 of the 8 outputs are right.
//  3. Replace nn::SGD gd(params, lr) by nn::Adam gd(params, 0.01): the loss ends at 0.00050
//     against 0.00102, though it is slower at first (0.065 against 0.046 at epoch 500); the
//     eight codes come out distinct again, assigned to the inputs differently.
