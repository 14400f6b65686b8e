// Lecture 16: transfer learning from a trained classifier.
//
// Follows: Scott, Lecture 5, slide 13 (transfer learning from a trained classifier: reuse a
//          network trained on a different task, e.g. GoogleNet for ultrasound, often taken from a
//          model zoo); Silva, "Autoencoders", heading "Advantages" (a trained network "can be
//          transferred to other domains").
// Shows:   no model zoo is reachable here, so the lecture makes its own: a small convolutional
//          classifier of the digits 0-4, kept in a file (and reloaded, once checked, on the next run).
//          Its convolutional layers then serve a different task with few labels, the digits 5-9,
//          with 50 to 10,000 labelled images: (a) the transferred layers frozen under a new head,
//          (b) the transferred layers fine-tuned, (c) the same network trained from scratch on the
//          same labels, and a control, (d) random convolutional layers frozen under a new head.
//          Transfer pays with few labels (about 2 points with 100), and its lead shrinks as the
//          labels grow, to nothing by 10,000. (About 75 s on two cores, 68 s with the checkpoint.)
// Run:     ./lab run transfer_learning        (build/lectures/transfer_learning [--quick] [--seed N])
// Prints:  whether the source model was reloaded or trained (and why), one line per epoch, the
//          layers and their parameter counts, one line per label budget and draw with the four
//          test accuracies, a table of the mean accuracies and of the gaps to scratch, one CLAUSE
//          line per verdict clause and a last line "VERDICT: ... : HOLDS (...)"; writes
//          out/transfer_learning/trained_seed<N>[_quick].npz (the model zoo) and accuracy.png.
//
// Dimension letters: N images, n of them labelled, B = 50 images in a batch, D = 784 pixels,
// C1 = 16 and C2 = 32 channels, 28 x 28 -> 14 x 14 -> 7 x 7 pixels, F = C2 * 7 * 7 = 1568
// features, K = 5 classes.

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "io/io.hpp"
#include "lecture.hpp"
#include "nn/nn.hpp"
#include "trained.hpp"

using namespace autograd;

namespace {

constexpr std::size_t kClasses = 5;            // K: each task tells five digits apart
constexpr std::size_t kFeatures = 32 * 7 * 7;  // F: what the convolutional layers hand the head
constexpr std::size_t kBatch = 50;             // B
constexpr double kLr = 1e-3;                   // Adam's learning rate, for every network here

// The classifier of both tasks: `features`, the convolutional layers that are transferred, and
// `head`, the dense layer that each task gets new.
//   features: x (N, D) -> (N, 1, 28, 28) -> conv 3x3 stride 2 -> relu (N, C1, 14, 14)
//             -> conv 3x3 stride 2 -> relu (N, C2, 7, 7) -> (N, F)
//   head:     (N, F) -> logits z = h W + b (N, K)
class ConvNet : public nn::Module {
public:
    explicit ConvNet(Generator& gen)
        : features(register_module(
              "features",
              std::make_shared<nn::Sequential>(
                  nn::Unflatten({1, 28, 28}),
                  nn::Conv2d(1, 16, /*kernel_size=*/3, gen, ConvGeometry{/*stride=*/2, /*padding=*/1}), nn::ReLU(),
                  nn::Conv2d(16, 32, /*kernel_size=*/3, gen, ConvGeometry{/*stride=*/2, /*padding=*/1}), nn::ReLU(),
                  nn::Flatten()))),
          head(register_module("head", std::make_shared<nn::Linear>(kFeatures, kClasses, gen))) {}
    Tensor forward(const Tensor& x) override { return (*head)((*features)(x)); }  // (N, D) -> (N, K)
    std::string type_name() const override { return "ConvNet"; }
    std::shared_ptr<nn::Sequential> features;
    std::shared_ptr<nn::Linear> head;
};

// The images of `data` showing the digits first .. first + 4, relabelled 0 .. 4.
io::Dataset five_digits(const io::Dataset& data, std::size_t first) {
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < data.size(); ++i)
        if (data.labels[i] >= first && data.labels[i] < first + kClasses) index.push_back(i);
    io::Dataset out;
    out.images = data.batch(index).value();  // (N, D)
    for (std::size_t i : index) out.labels.push_back(data.labels[i] - first);
    return out;
}

// The rows order[0 .. n) of `data`: the n images whose labels we pay for. A pool smaller than the
// label budget is an error that says so (a copy of MNIST with too few images of these digits).
io::Dataset labelled_subset(const io::Dataset& data, const std::vector<std::size_t>& order, std::size_t n) {
    if (n > order.size() || order.size() > data.size())
        throw std::invalid_argument(fmt::format(
            "a budget of {} labels needs as many images of the target digits, and the pool holds {}", n, data.size()));
    const std::vector<std::size_t> index(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n));
    io::Dataset out;
    out.images = data.batch(index).value();  // (n, D)
    for (std::size_t i : index) out.labels.push_back(data.labels[i]);
    return out;
}

// The fraction of `data` that `net` labels correctly (the largest logit is the prediction).
double accuracy(ConvNet& net, const io::Dataset& data) {
    NoGradGuard no_grad;
    std::size_t correct = 0;
    for (const nn::Batch& batch : nn::DataLoader(data, 1000, /*shuffle=*/false, 0)) {
        const xt::xarray<float> z = net(batch.x).value();  // (1000 or fewer, K)
        for (std::size_t i = 0; i < batch.labels.size(); ++i) {
            std::size_t best = 0;
            for (std::size_t c = 1; c < kClasses; ++c)
                if (z(i, c) > z(i, best)) best = c;
            correct += best == batch.labels[i];
        }
    }
    return static_cast<double>(correct) / static_cast<double>(data.size());
}

// One step on the mean cross-entropy -log softmax(z)[label] of a batch, by each optimizer on its
// own parameters; returns the loss.
double train_step(ConvNet& net, const std::vector<nn::Adam*>& optimizers, const nn::Batch& batch) {
    net.zero_grad();
    Tensor loss = cross_entropy(net(batch.x), batch.labels, Reduction::Mean);  // ()
    loss.backward();
    for (nn::Adam* adam : optimizers) adam->step();
    return loss.item();
}

// Trains `net` for exactly `steps` steps of B images, reshuffling `labelled` every epoch: the
// head with Adam at kLr, the convolutional layers (unless frozen) with Adam at `conv_lr`.
void fit(ConvNet& net, const io::Dataset& labelled, std::size_t steps, double conv_lr, Generator& gen) {
    nn::Adam head_adam(net.head->parameters(), kLr);
    std::vector<nn::Adam*> optimizers = {&head_adam};
    const std::vector<Tensor> conv = net.features->trainable_parameters();  // empty when frozen
    std::unique_ptr<nn::Adam> conv_adam;
    if (!conv.empty()) {
        conv_adam = std::make_unique<nn::Adam>(conv, conv_lr);
        optimizers.push_back(conv_adam.get());
    }
    nn::DataLoader loader(labelled, kBatch, /*shuffle=*/true, gen.next_u64());
    std::size_t step = 0;
    while (step < steps)
        for (const nn::Batch& batch : loader) {
            if (step == steps) break;
            train_step(net, optimizers, batch);
            ++step;
        }
}

// The number of scalars in `params`.
std::size_t count(const std::vector<Tensor>& params) {
    std::size_t n = 0;
    for (const Tensor& p : params) n += p.value().size();
    return n;
}

// The largest |w - w_source| over the convolutional layers' weights and biases: how far
// training moved what was transferred.
double drift(const ConvNet& net, const ConvNet& source) {
    const std::vector<Tensor> now = net.features->parameters(), then = source.features->parameters();
    double worst = 0.0;
    for (std::size_t i = 0; i < now.size(); ++i)
        worst = std::max(worst, static_cast<double>(xt::amax(xt::abs(now[i].value() - then[i].value()))()));
    return worst;
}

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt =
        lecture::parse_args(argc, argv, "transfer_learning", 16,
                            "reuses the convolutional layers of a 0-4 digit classifier for the digits 5-9");
    const std::string out_dir = lecture::make_out_dir(opt);
    // Two streams from the seed: one for the source model, one for everything after it, so
    // that what follows draws the same numbers whether the source model is trained or reloaded.
    Generator gen(opt.seed);
    Generator source_gen(gen.next_u64());

    // ---- The data: two tasks from one data set ----
    // Source task: the digits 0-4. Target task: the digits 5-9, relabelled 0-4 (5 -> 0, ..., 9 -> 4).
    const std::size_t source_first = 0, target_first = 5;
    const io::Dataset train = lecture::load_mnist(opt, /*train=*/true, /*images=*/0);
    const io::Dataset test = lecture::load_mnist(opt, /*train=*/false, /*images=*/0);
    const io::Dataset source_train = five_digits(train, source_first), source_test = five_digits(test, source_first);
    const io::Dataset target_pool = five_digits(train, target_first), target_test = five_digits(test, target_first);
    fmt::print("source task, digits {}-{}: {} training and {} test images\n", source_first, source_first + 4,
               source_train.size(), source_test.size());
    fmt::print("target task, digits {}-{}: {} training images (labels bought a few at a time), {} test images\n",
               target_first, target_first + 4, target_pool.size(), target_test.size());

    // ---- Scott slide 13: our own model zoo ----
    lecture::section(
        fmt::format("Scott slide 13: the model zoo, a classifier of the digits {}-{}", source_first, source_first + 4));
    // A model zoo is a shelf of trained networks saved as files. Ours holds one: the ConvNet
    // trained with all the labels of the source task. It is kept in a NumPy .npz file
    // (out/transfer_learning/trained_seed<N>[_quick].npz: source.features.1.weight (C1, 1, 3, 3),
    // ..., source.head.weight (F, K)) and the next run takes it off the shelf instead of training
    // it again, but only after checking it, as one should a model off any shelf
    // (lectures/trained.hpp): it must have been trained with this run's settings and training
    // code, hold finite weights, and measure on the test digits 0-4 the accuracy recorded when it
    // was trained, bit for bit. One file per seed, so that --seed N gives the same numbers whether
    // its file exists or not. --quick trains the same model (all the 0-4 images, 2 epochs).
    ConvNet source(source_gen);
    fmt::print("{}", source.summary({1, 784}));
    const std::size_t source_epochs = 2;
    lecture::TrainingRecord record({}, 3);  // per epoch: epoch, mean training loss, test accuracy
    const lecture::Trained trained(opt, out_dir, __FILE__,
                                   fmt::format("{} epochs, batches of {}, {} images of the digits {}-{}", source_epochs,
                                               kBatch, source_train.size(), source_first, source_first + 4),
                                   source_gen, record);
    const std::vector<lecture::Measure> measures{
        {"source test accuracy", [&] { return accuracy(source, source_test); }}};
    if (trained.load({{"source", &source}}, record, source_gen, measures)) {
        for (const std::vector<double>& e : record.lines())
            fmt::print("epoch {}/{}  loss {:.5f}  test accuracy {:.2f}%  (kept)\n", static_cast<std::size_t>(e[0]),
                       source_epochs, e[1], 100.0 * e[2]);
    } else {
        // [training begins]
        nn::Adam adam(source.parameters(), kLr);
        nn::DataLoader loader(source_train, kBatch, /*shuffle=*/true, source_gen.next_u64());
        nn::TrainLog log(source_epochs, loader.num_batches());
        for (std::size_t epoch = 0; epoch < source_epochs; ++epoch) {
            log.start_epoch();
            for (const nn::Batch& batch : loader) log.batch(train_step(source, {&adam}, batch), batch.labels.size());
            const double test_accuracy = accuracy(source, source_test);
            const double loss = log.end_epoch(fmt::format("test accuracy {:.2f}%", 100.0 * test_accuracy));
            record.line({static_cast<double>(epoch + 1), loss, test_accuracy});
        }
        // [training ends]
        trained.save({{"source", &source}}, record, source_gen, measures);
    }
    const double source_accuracy = accuracy(source, source_test);
    fmt::print("source model: test accuracy on the digits {}-{} {:.2f}%\n", source_first, source_first + 4,
               100.0 * source_accuracy);

    // ---- Scott slide 13, Silva "Advantages": the same layers on another task ----
    lecture::section(fmt::format("Scott slide 13: the digits {}-{} with few labels", target_first, target_first + 4));
    // Write the network as z = head(phi(x)), phi the convolutional layers. Each target network
    // is a new ConvNet with a new, random head; what differs is where phi starts and whether it
    // learns:
    //   (a) frozen:     phi = phi_source, fixed: only the head (F K + K = 7,845 numbers) learns.
    //                   phi's weights do not require grad, nor does x, so backward() never
    //                   enters the convolutions: it stops at h = phi(x) (N, F).
    //   (b) fine-tuned: phi starts at phi_source and learns too, at a tenth of the head's rate
    //                   (as usually advised: the head starts random, and its first gradients
    //                   would otherwise pull phi away from what it learnt; Try this 1 measures it).
    //   (c) scratch:    phi starts at random (He initialisation); all 12,645 numbers learn.
    //   (d) control:    phi random and frozen; only the head learns, as in (a). If (a) beat (c)
    //                   only because it fits fewer numbers to few labels, (d) would beat (c) too.
    // The four share everything else: one Generator seed per run gives them the same initial
    // head, the same random phi for (c) and (d), and the same batches in the same order; Adam,
    // lr 1e-3 for the head, the same number of steps of B images (600; 200 with --quick). That is
    // enough for every network to fit its labels up to 500, and all but the control up to 2,000
    // (the training accuracies are printed); at 10,000 labels 600 steps are 3 epochs and they
    // reach 95-98%. Each draw buys a new random set of labels (in a draw, the 100 labelled images
    // are among the 500, and so on). No choice looks at the test images.
    struct Method {
        std::string name, legend;
        bool transferred, frozen;
        double conv_lr;  // phi's learning rate when it learns
    };
    const std::vector<Method> methods = {
        {"frozen", "(a) transferred, frozen", true, true, 0.0},
        {"fine-tuned", "(b) transferred, fine-tuned", true, false, kLr / 10},
        {"scratch", "(c) from scratch", false, false, kLr},
        {"control", "(d) random conv, frozen", false, true, 0.0},
    };
    const std::vector<std::size_t> budgets =
        opt.quick ? std::vector<std::size_t>{100, 500} : std::vector<std::size_t>{50, 100, 500, 2000, 10000};
    const std::size_t draws = opt.quick ? 1 : 2;
    const std::size_t steps = opt.quick ? 200 : 600;
    // Copies phi_source into net's convolutional layers (weights and biases, in order).
    const auto transfer = [&](ConvNet& net) {
        const std::vector<Tensor> to = net.features->parameters(), from = source.features->parameters();
        for (std::size_t i = 0; i < to.size(); ++i) {
            Tensor w = to[i];  // a handle on net's tensor, not a copy
            w.mutable_value() = from[i].value();
        }
    };
    // acc[m][b][d]: the test accuracy of method m with budgets[b] labels in draw d.
    std::vector<std::vector<std::vector<double>>> acc(
        methods.size(), std::vector<std::vector<double>>(budgets.size(), std::vector<double>(draws)));
    for (std::size_t d = 0; d < draws; ++d) {
        const std::vector<std::size_t> order = gen.permutation(target_pool.size());
        for (std::size_t b = 0; b < budgets.size(); ++b) {
            const io::Dataset labelled = labelled_subset(target_pool, order, budgets[b]);  // (n, D)
            const std::uint64_t run_seed = gen.next_u64();
            std::string line = fmt::format("{:>6} labels, draw {}:", budgets[b], d + 1);
            for (std::size_t m = 0; m < methods.size(); ++m) {
                Generator run_gen(run_seed);
                ConvNet net(run_gen);
                if (methods[m].transferred) transfer(net);
                if (methods[m].frozen) net.features->freeze();
                fit(net, labelled, steps, methods[m].conv_lr, run_gen);
                acc[m][b][d] = accuracy(net, target_test);
                line += fmt::format("  {} {:.2f}% (train {:.0f}%)", methods[m].name, 100.0 * acc[m][b][d],
                                    100.0 * accuracy(net, labelled));
                // Once: what each transferred network trained, and how far phi moved.
                if (d == 0 && b == 0 && methods[m].transferred)
                    fmt::print("{}: trains {} of the {} numbers; its conv weights end at most {:g} from the source's\n",
                               methods[m].name, count(net.trainable_parameters()), net.num_parameters(),
                               drift(net, source));
            }
            fmt::print("{}\n", line);
        }
    }

    // ---- What transfer is worth as the labels grow ----
    lecture::section("Scott slide 13: the lead of transfer, label budget by label budget");
    const auto mean = [&](std::size_t m, std::size_t b) {
        double total = 0.0;
        for (double a : acc[m][b]) total += a;
        return total / static_cast<double>(draws);
    };
    const auto lead = [&](std::size_t m, std::size_t b) { return mean(m, b) - mean(2, b); };  // over scratch
    const std::string target_digits = fmt::format("{}-{}", target_first, target_first + 4),
                      source_digits = fmt::format("{}-{}", source_first, source_first + 4);
    fmt::print("test accuracy on the digits {}, mean of {} draw(s), and the lead over scratch in points:\n",
               target_digits, draws);
    fmt::print("{:>8} {:>8} {:>11} {:>8} {:>8}   {:>16} {:>20}\n", "labels", "frozen", "fine-tuned", "scratch",
               "control", "frozen - scratch", "fine-tuned - scratch");
    std::vector<io::Series> series(methods.size());
    for (std::size_t m = 0; m < methods.size(); ++m) series[m].name = methods[m].legend;
    for (std::size_t b = 0; b < budgets.size(); ++b) {
        fmt::print("{:>8} {:>7.2f}% {:>10.2f}% {:>7.2f}% {:>7.2f}%   {:>+16.2f} {:>+20.2f}\n", budgets[b],
                   100.0 * mean(0, b), 100.0 * mean(1, b), 100.0 * mean(2, b), 100.0 * mean(3, b), 100.0 * lead(0, b),
                   100.0 * lead(1, b));
        for (std::size_t m = 0; m < methods.size(); ++m) {
            series[m].x.push_back(std::log10(static_cast<double>(budgets[b])));
            series[m].y.push_back(100.0 * mean(m, b));
        }
    }
    io::PlotOptions plot;
    plot.title = fmt::format("Transfer from the digits {} to {} ({})", source_digits, target_digits,
                             draws == 1 ? "one draw" : fmt::format("mean of {} draws", draws));
    plot.xlabel = "labelled images, log10 (2 = 100, 3 = 1,000, 4 = 10,000)";
    plot.ylabel = fmt::format("test accuracy on the digits {} (%)", target_digits);
    io::save_line_plot(out_dir + "/accuracy.png", series, plot);
    fmt::print("wrote {}/accuracy.png\n", out_dir);

    // ---- Verdict ----
    // Measured (default run, two draws each): seed 16, with 100 labels, frozen 90.00%, fine-tuned
    // 89.64%, scratch 87.62%, control 85.83% (leads +2.39 and +2.03 points; per draw +1.83 / +2.94
    // and +1.42 / +2.63); leads at 50, 500, 2,000 and 10,000 labels +1.53 / +1.03, +1.54 / +1.48,
    // +0.57 / +0.49, -0.06 / -0.01. Seed 17: with 100 labels 91.31%, 90.96%, 88.45%, 87.29% (leads
    // +2.86 and +2.51), and at 50 to 10,000 labels +1.32 / +1.06, +1.87 / +1.65, +1.05 / +1.20,
    // +0.47 / +0.41. The lead is largest at 100 labels, not at 50: with 10 images per digit every
    // network is poor and the draw of images matters more than the start. --quick (one draw of 100
    // and of 500 labels, 200 steps), seeds 16 / 17 / 18 / 19: the lead of frozen at 100 labels
    // +1.48 / +2.18 / +0.29 / +1.28 points, of fine-tuned +1.17 / +2.04 / +0.16 / +1.34, of frozen
    // over the control +2.26 / +2.41 / +1.69 / +2.98: the claim held for all four, with seed 18 by
    // 8 test images (those four trained their source model with one thread; from the checkpoint
    // of a default run, whose two threads add in another order, seed 16 gives +1.50 / +1.25).
    // Transfer is worth a couple of points here, not more: two convolutions are a strong prior by
    // themselves on MNIST (the control, random and frozen, gets 84-88% with 100 labels).
    const std::size_t at100 =
        static_cast<std::size_t>(std::find(budgets.begin(), budgets.end(), 100) - budgets.begin());
    const std::size_t last = budgets.size() - 1;
    // The claim is per draw ("in each draw"), so each clause takes the worst draw: the smallest
    // lead, in points, of the run's `draws` draws at 100 labels. Two draws are too few for a
    // paired bound (Student's t for 1 degree of freedom is 6.3); the spread over seeds is what
    // ./lab verify measures.
    const auto worst_lead = [&](std::size_t m, std::size_t over) {
        double worst = 1e9;
        for (std::size_t d = 0; d < draws; ++d)
            worst = std::min(worst, 100.0 * (acc[m][at100][d] - acc[over][at100][d]));
        return worst;
    };
    lecture::quick_scope(opt,
                         "one label draw and 200 steps (not two and 600), labels 100 and 500 only: the lead at 500 "
                         "is printed, not claimed; that the lead shrinks by 10,000 labels is checked by the default "
                         "run only");
    lecture::Verdict verdict(fmt::format(
        "with 100 labels of the digits {}, the conv layers transferred from the {} classifier, frozen or fine-tuned, "
        "beat the same network trained from scratch, and frozen they beat frozen random conv layers{}",
        target_digits, source_digits, opt.quick ? "" : "; at 10,000 labels their lead over scratch is smaller"));
    const std::string draws_said = fmt::format("{} draw(s) of 100 labels; over seeds: ./lab verify", draws);
    verdict.above("frozen_lead", worst_lead(0, 2), 0.0,
                  fmt::format("smallest lead of (a) frozen over (c) scratch in test accuracy, points ({})", draws_said),
                  "0: the same network from scratch in the same run, same labels, initial head and batches");
    verdict.above("fine_tuned_lead", worst_lead(1, 2), 0.0,
                  fmt::format("smallest lead of (b) fine-tuned over (c) scratch, points ({})", draws_said),
                  "0, as above");
    verdict.above(
        "over_control", worst_lead(0, 3), 0.0,
        fmt::format("smallest lead of (a) frozen over (d) random conv layers frozen, points ({})", draws_said),
        "0: the same head on frozen random conv layers, what the architecture gives without transfer");
    if (!opt.quick) {
        verdict.below("frozen_shrinks", 100.0 * lead(0, last), 100.0 * lead(0, at100),
                      fmt::format("lead of frozen over scratch at {} labels, points, mean of {} draws (one run; over "
                                  "seeds: ./lab verify)",
                                  budgets[last], draws),
                      "its lead at 100 labels in this run");
        verdict.below("fine_tuned_shrinks", 100.0 * lead(1, last), 100.0 * lead(1, at100),
                      fmt::format("lead of fine-tuned over scratch at {} labels, points, mean of {} draws (one run; "
                                  "over seeds: ./lab verify)",
                                  budgets[last], draws),
                      "its lead at 100 labels in this run");
    }
    return verdict.finish(
        fmt::format("at 100 labels frozen {:.2f}%, fine-tuned {:.2f}%, scratch {:.2f}%, control {:.2f}%; at {} labels "
                    "the leads are {:+.2f} and {:+.2f} points",
                    100.0 * mean(0, at100), 100.0 * mean(1, at100), 100.0 * mean(2, at100), 100.0 * mean(3, at100),
                    budgets[last], 100.0 * lead(0, last), 100.0 * lead(1, last)));
} catch (const std::exception& e) {
    return lecture::fail("transfer_learning", e);
}

// Try this:
//  1. Fine-tune at the head's rate: give "fine-tuned" kLr instead of kLr / 10. Its conv weights
//     end five times as far from the source's (0.107 against 0.022 after 600 steps with 50
//     labels) and its lead over scratch shrinks where labels are few (+1.41 points at 100 labels
//     against +2.11, +0.46 at 50 against +1.11), but grows where they are many (+0.79 at 2,000
//     against +0.49, +0.43 at 10,000 against +0.00: 97.76%, the best of all): with enough
//     labels, moving away from the source task is what the network should do. The verdict still
//     holds.
//  2. Take a weaker model off the shelf: train the source for 1 epoch instead of 2
//     (source_epochs; the kept model was trained with other settings, and the run says so and
//     trains it again). With
//     --quick the source scores 98.70% instead of 99.30%, and the lead at 100 labels falls from
//     +1.48 / +1.17 points to +0.72 / +0.60, at 500 labels from +1.34 / +1.34 to +0.41 / +0.53:
//     what transfers is what the source model learnt.
//  3. Swap the tasks: source_first = 5, target_first = 0 (a new source model is trained). With
//     --quick, the 5-9 classifier scores 98.17%, and on the digits 0-4 scratch already gets
//     93.05% from 100 labels; transfer adds only +0.58 (frozen) and +0.62 (fine-tuned) points
//     there, +0.72 / +0.62 at 500. The easier the target task, the less there is to gain.
//  4. Damage the kept model: `head -c 20000 trained_seed16_quick.npz > x && mv x
//     trained_seed16_quick.npz` in out/transfer_learning/, and run with --quick. The run says
//     "training again (cannot reuse out/transfer_learning/trained_seed16_quick.npz: not a valid
//     .npz file (no zip directory found))", trains it (two epochs) and keeps it whole; the run
//     after that reuses it. Run with OPENBLAS_NUM_THREADS=1 after a run with two threads: it
//     trains again too, and says why ("kernels 'OpenBLAS SkylakeX, 2 threads' there, ..., 1
//     thread' in this run"): other threads sum in another order, so the weights would differ.
