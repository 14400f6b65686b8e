// check.cpp (exercise 13): grades the student's incremental training of a stacked autoencoder.
// Stage 1 and stage 2 run on MNIST's first training images with a schedule the check sets, and
// what they did is read off the model: level 2 untouched by stage 1; level 1 bit-identical after
// stage 2 and reached by no gradient; each level's reconstruction of its own input against a
// baseline. The codes and the stacked encoder and decoder are compared with compositions the
// check computes in float64 from the weights, on stacks with random weights and biases; on one
// with every width equal, a wrong order or a missing activation still runs, and its numbers tell
// which it was. The test images are a subset of MNIST's test set drawn from the seed.
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"
#include "io/io.hpp"

using autograd::Generator;
using autograd::Tensor;
using ex13::Stack;
using Array = xt::xarray<double>;

namespace {

constexpr std::size_t kTrainImages = 3000;  // the first 3,000 training images
constexpr std::size_t kTestImages = 1000;   // a hidden subset of the 10,000 test images
// Each reconstruction's threshold, a fraction of its baseline's MSE (docs/labs.md: what the
// reference reaches).
constexpr double kLevel1Ratio = 0.5;  // level 1's test MSE against the average digit's
constexpr double kLevel2Ratio = 0.5;  // level 2's MSE on level 1's codes against the average code's
constexpr double kStackRatio = 0.6;   // the stack's test MSE against the average digit's

// ---- the compositions the student's code must compute, in float64 from the weights ----------
Array f64(const Tensor& t) { return xt::cast<double>(t.value()); }
Array sigmoid(const Array& a) { return 1.0 / (1.0 + xt::exp(-a)); }
// x W + b of one Linear layer, without its activation.
Array affine(const Array& x, const nn::Linear& layer) {
    return Array(xt::linalg::dot(x, f64(layer.weight))) + f64(layer.bias);
}

// The value of what the student's function returned, in float64; an undefined tensor fails.
Array answer(lab::Check& c, const Tensor& t, const std::string& what) {
    c.expect(t.defined(), what, "a tensor", "an undefined tensor", "return the tensor the function computes");
    return f64(t);
}

// A float32 answer equals a float64 composition (to float32's rounding).
bool matches(const Array& got, const Array& want) {
    return got.shape() == want.shape() &&
           xt::amax(xt::abs(got - want))() <= 1e-5 + 1e-4 * static_cast<double>(xt::amax(xt::abs(want))());
}

// A stack whose weights and biases are all drawn at random (a new Linear's bias is 0, which would
// hide a bias used in the wrong place), every parameter requiring grad.
Stack random_stack(std::size_t D, std::size_t H1, std::size_t H2, Generator& gen) {
    Stack s(D, H1, H2, gen);
    for (Tensor p : s.parameters()) p.mutable_value() = autograd::uniform<float>(p.shape(), -1.5, 1.5, gen).value();
    return s;
}

// The mean over every number of (a - b)^2.
double mse(const xt::xarray<float>& a, const xt::xarray<float>& b) {
    return xt::mean(xt::square(xt::cast<double>(a) - xt::cast<double>(b)))();
}

// Each parameter of a module, named `prefix`.name: its value, whether a gradient reached it, whether
// it requires grad.
struct Snapshot {
    nn::StateDict values;
    std::vector<std::string> with_gradient;  // the parameters whose grad() is defined and not all 0
    std::vector<std::string> frozen;         // the parameters that do not require grad
};
Snapshot snapshot(const nn::Module& m, const std::string& prefix) {
    Snapshot s;
    for (const auto& [name, p] : m.named_parameters()) {
        s.values[prefix + name] = p.value();
        const Tensor g = p.grad();
        if (g.defined() && xt::any(xt::not_equal(g.value(), 0.0f))) s.with_gradient.push_back(prefix + name);
        if (!p.requires_grad()) s.frozen.push_back(prefix + name);
    }
    return s;
}
// The largest change of any value between two snapshots, with the name of the parameter it is in
// (an empty name: nothing changed, to the bit).
std::pair<std::string, double> largest_change(const Snapshot& before, const Snapshot& after) {
    std::pair<std::string, double> worst{"", 0.0};
    for (const auto& [name, value] : before.values) {
        const xt::xarray<float>& now = after.values.at(name);
        if (now == value) continue;
        const double d = xt::amax(xt::abs(xt::cast<double>(now) - xt::cast<double>(value)))();
        if (worst.first.empty() || d > worst.second) worst = {name, d};
    }
    return worst;
}
std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// ---- the hints -----------------------------------------------------------------------------
const char* const kLevel2InStage1Hint =
    "stage 1 trains level 1 alone, as its own autoencoder x -> dec1(enc1(x)): loss = mse(s.level1->forward(x), x), "
    "an optimizer over s.level1->parameters(). Level 2 does not exist yet on slide 9; training the whole stack "
    "end to end is what incremental training avoids";
const char* const kLevel1Loop =
    "for each batch, zero the gradients, loss = mse(s.level1->forward(batch.x), batch.x), backward, step, for "
    "schedule.epochs epochs, with nn::Adam(s.level1->parameters(), schedule.learning_rate) and batches of "
    "schedule.batch_size";
const char* const kCodesHint =
    "the codes are level 1's encoder output with its activation: h1 = s.level1->encode(x) = sigmoid(x W1 + b1), "
    "(N, H1)";
const char* const kNoSigmoidHint =
    "the sigmoid is missing: s.level1->encoder is the Linear layer alone, x W1 + b1; the code is "
    "s.level1->encode(x) = sigmoid(x W1 + b1), the values level 2 is trained on and the stack passes on";
const char* const kHistoryHint =
    "the codes carry their history: the tape reaches level 1's weights, so a loss computed from them sends "
    "its gradient back into level 1, and an optimizer over those weights moves level 1 (stage 2 would chase a "
    "moving target). Compute them under autograd::NoGradGuard (or .detach() them): stage 2's training set "
    "is data, constants";
const char* const kMovedHint =
    "stage 1's weights moved during stage 2: level 1 must be frozen (s.level1->freeze() before making stage "
    "2's optimizer from s.trainable_parameters(), or an optimizer over s.level2->parameters() only) and "
    "level 2 trained on codes(s, x), constants. Slide 10: first the outer layers, then the inner ones with "
    "the outer ones fixed; a level 1 that keeps learning changes the codes level 2 is learning";
const char* const kReachedHint =
    "the weights of stage 1 did not move, but stage 2's backward reached them (their gradients are not 0): the "
    "tape of stage 2's loss runs through level 1's encoder. Train level 2 on codes(s, x), constants, or freeze "
    "level 1 first: every step's backward then stops at h1, instead of running on through level 1";
const char* const kLeftFrozenHint =
    "level 1 is still frozen after stage 2: unfreeze it at the end (s.level1->unfreeze()). The finished stack "
    "is often fine-tuned end to end next (Scott slide 12), and a level left frozen would silently not learn";
const char* const kStage2OnImagesHint =
    "stage 2 was given the images: level 2 takes level 1's codes h1 = codes(s, batch.x), (B, H1), as its input "
    "and as its target (slide 9: a second autoencoder that mimics the output of H1), not the pixels";
const char* const kLevel2Loop =
    "for each batch, h1 = codes(s, batch.x), zero the gradients, loss = mse(s.level2->forward(h1), h1), "
    "backward, step, for schedule.epochs epochs, with Adam over level 2's parameters (level 1 frozen) at "
    "schedule.learning_rate, batches of schedule.batch_size";

// The hint for a level whose MSE `got` missed its threshold, from how it compares with the baseline's.
std::string learn_hint(const std::string& level, double got, double baseline, const std::string& average,
                       const char* loop) {
    if (!(got < baseline))
        return fmt::format(
            "{} does no better than drawing {} for every input: it did not learn. The usual loop mistakes: no "
            "zero_grad() before backward() (the gradients of every step pile up), no step(), an optimizer over "
            "other tensors. The loop: {}",
            level, average, loop);
    return fmt::format("{} learns, but too little: follow the schedule the check gives. The loop: {}", level, loop);
}
const char* const kEncodeHint =
    "the stacked encoder runs level 1's encoder, then level 2's, each with its sigmoid: "
    "z = s.level2->encode(s.level1->encode(x))";
const char* const kDecodeHint =
    "the stacked decoder runs level 2's decoder, then level 1's, each with its sigmoid: "
    "s.level1->decode(s.level2->decode(z))";
const char* const kDecodeOrderHint =
    "the decoders are in the wrong order: they go in the reverse order of the encoders (Scott slide 9: insert "
    "level 2 into level 1, between its encoder and its decoder). z = enc2(enc1(x)) is undone by dec2 first "
    "(H2 -> H1), then dec1 (H1 -> D): s.level1->decode(s.level2->decode(z))";
const char* const kEncodeOrderHint =
    "the encoders are in the wrong order: level 1's encoder reads the images (D -> H1), level 2's reads its "
    "codes (H1 -> H2): z = s.level2->encode(s.level1->encode(x))";
const char* const kStackHint =
    "both levels and the stacked encoder and decoder passed their checks above, but the levels only just: "
    "follow the schedule the check gives each stage (its epochs, batch size and learning rate), and train "
    "level 2 on the codes of the trained level 1";

// The hint for a wrong answer: that of the first usual mistake (a float64 composition) it matches,
// else `otherwise`.
std::string diagnose(const Array& got, const std::vector<std::pair<Array, std::string>>& mistakes,
                     const std::string& otherwise) {
    for (const auto& [wrong, hint] : mistakes)
        if (matches(got, wrong)) return hint;
    return otherwise;
}

// Runs checks in stages: a check that needs others is NOT DONE when one of them reached a hole,
// and not run when one of them failed.
class Stages {
public:
    explicit Stages(lab::Grader& grader) : grader_(grader) {}
    void run(int id, const std::string& name, const std::vector<int>& needs,
             const std::function<void(lab::Check&)>& body) {
        for (int n : needs) {
            const Outcome& o = outcome_[n];
            if (!o.hole.empty()) {
                outcome_[id].hole = o.hole;
                grader_.check(name, [&](lab::Check&) { throw lab::NotDone(o.hole); });
                return;
            }
            if (!o.passed) {
                outcome_[id].passed = false;
                fmt::print("  NOT RUN   {}\n            (it needs a check above that failed: fix that one first)\n",
                           name);
                return;
            }
        }
        Outcome& mine = outcome_[id];
        grader_.check(name, [&](lab::Check& c) {
            try {
                body(c);
            } catch (const lab::NotDone& e) {
                mine.hole = e.what();
                throw;
            } catch (...) {
                mine.passed = false;
                throw;
            }
        });
    }

private:
    struct Outcome {
        bool passed = true;
        std::string hole;
    };
    lab::Grader& grader_;
    std::map<int, Outcome> outcome_;
};

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("13", "a stacked autoencoder trained one level at a time", argc, argv,
                       /*default_seed=*/4113);
    io::Dataset train_set, test_all;
    try {
        train_set = io::load_mnist(io::default_mnist_dir(), /*train=*/true, kTrainImages);
        test_all = io::load_mnist(io::default_mnist_dir(), /*train=*/false);
    } catch (const std::exception& e) {
        fmt::print("exercise 13 reads MNIST: {}\n", e.what());
        return 2;
    }
    Generator setup = grader.generator(1);
    std::vector<std::size_t> pick = setup.permutation(test_all.size());
    pick.resize(kTestImages);
    const xt::xarray<float> test = xt::view(test_all.images, xt::keep(pick), xt::all());  // (kTestImages, D)
    const Tensor x_test(test);
    // The stack trained on MNIST: D = 784, H1 and H2 drawn from the seed.
    const std::size_t D = 784, H1 = 96 + 8 * setup.below(5), H2 = 24 + 4 * setup.below(3);
    // Each stage's schedule: level 2 is small (H1 inputs), and gets more epochs for the same time.
    const ex13::Schedule stage1{/*epochs=*/5, /*batch_size=*/25, /*learning_rate=*/5e-3};
    const ex13::Schedule stage2{/*epochs=*/10, /*batch_size=*/25, /*learning_rate=*/1e-2};
    const xt::xarray<float> mean_digit = xt::mean(train_set.images, {0});  // (D)
    const double mean_digit_mse = mse(test, xt::xarray<float>(test * 0.0f + mean_digit));
    Generator init = grader.generator(2);
    Stack stack(D, H1, H2, init);
    const std::string sizes = fmt::format("{}-{}-{}-{}-{}", D, H1, H2, H1, D);

    Stages stages(grader);
    stages.run(1, "stage 1 trains level 1 alone, and it reconstructs the images", {}, [&](lab::Check& c) {
        const Snapshot level2_before = snapshot(*stack.level2, "level2.");
        Generator gen = grader.generator(3);
        ex13::train_stage1(stack, train_set, stage1, gen);
        const Snapshot level2_after = snapshot(*stack.level2, "level2.");
        const auto [name, change] = largest_change(level2_before, level2_after);
        c.expect(name.empty() && level2_after.with_gradient.empty(),
                 fmt::format("level 2 of the {} stack during stage 1", sizes),
                 "untouched: its weights as they were made, no gradient",
                 name.empty() ? fmt::format("gradients in {}", joined(level2_after.with_gradient))
                              : fmt::format("{} changed by up to {:.3g}", name, change),
                 kLevel2InStage1Hint);
        autograd::NoGradGuard no_grad;
        const double level1_mse = mse(stack.level1->forward(x_test).value(), test);
        c.note(fmt::format("level 1's test MSE {:.5f} (the average digit's {:.5f})", level1_mse, mean_digit_mse));
        c.expect(level1_mse < kLevel1Ratio * mean_digit_mse,
                 fmt::format("level 1's test MSE, mean of (dec1(enc1(x)) - x)^2 over {} test images", kTestImages),
                 fmt::format("below {:.5f} ({} of the average digit's)", kLevel1Ratio * mean_digit_mse, kLevel1Ratio),
                 fmt::format("{:.5f}", level1_mse),
                 learn_hint("level 1", level1_mse, mean_digit_mse, "the average digit", kLevel1Loop));
    });

    stages.run(2, "codes(s, x) is level 1's code sigmoid(x W1 + b1)", {}, [&](lab::Check& c) {
        Generator gen = grader.generator(4);
        const std::size_t n = 3 + gen.below(5), d = 14 + gen.below(8), h1 = 6 + gen.below(5), h2 = 2 + gen.below(3);
        Stack s = random_stack(d, h1, h2, gen);
        const Tensor x = autograd::uniform<float>({n, d}, 0.0, 1.0, gen);
        const Array pre = affine(f64(x), *s.level1->encoder);
        const Array got = answer(c, ex13::codes(s, x), "codes(s, x)");
        const std::string what =
            fmt::format("codes(s, x) for x ({}, {}) and a {}-{}-{}-{}-{} stack", n, d, d, h1, h2, h1, d);
        c.expect_shape(what, got.shape(), {n, h1},
                       got.dimension() == 2 && got.shape()[1] == d
                           ? "that is level 1's reconstruction, (N, D): the codes are what its encoder makes, "
                             "s.level1->encode(x), (N, H1)"
                           : (got.dimension() == 2 && got.shape()[1] == h2
                                  ? "that is the whole stack's code, (N, H2): stage 2's training set is level 1's "
                                    "code alone, s.level1->encode(x), (N, H1)"
                                  : kCodesHint));
        c.expect_close(what, got, sigmoid(pre), 1e-4, 1e-5, diagnose(got, {{pre, kNoSigmoidHint}}, kCodesHint));
    });

    stages.run(3, "the codes carry no history: no gradient can flow back into level 1", {2}, [&](lab::Check& c) {
        Generator gen = grader.generator(5);
        Stack s = random_stack(10, 6, 3, gen);
        const Tensor h1 = ex13::codes(s, autograd::uniform<float>({4, 10}, 0.0, 1.0, gen));
        if (h1.requires_grad()) {
            // How far the tape reaches: the gradient of sum(h1) in W1.
            autograd::sum(h1).backward();
            const Tensor g = s.level1->encoder->weight.grad();
            const double size = g.defined() ? static_cast<double>(xt::amax(xt::abs(g.value()))()) : 0.0;
            c.fail(
                "codes(s, x) for a level 1 whose weights require grad",
                "a constant: requires_grad() false, no path back to W1 and b1",
                fmt::format("a tensor with history: the gradient of sum(h1) reaches W1 (largest entry {:.3g})", size),
                kHistoryHint);
        }
    });

    stages.run(4, "stage 2 leaves level 1 as it was: its weights bit-identical, no gradient reached them", {1, 2, 3},
               [&](lab::Check& c) {
                   stack.zero_grad();
                   const Snapshot before = snapshot(*stack.level1, "level1.");
                   Generator gen = grader.generator(6);
                   try {
                       ex13::train_stage2(stack, train_set, stage2, gen);
                   } catch (const autograd::ShapeError& e) {
                       const std::string message = e.what();
                       if (message.find(fmt::format(", {}), expected (N, {})", D, H1)) != std::string::npos)
                           c.fail("train_stage2 on the images", "level 2 trained on level 1's codes, (B, H1)",
                                  fmt::format("level 2 was given the images (B, {}): \"{}\"", D, message),
                                  kStage2OnImagesHint);
                       throw;
                   }
                   const Snapshot after = snapshot(*stack.level1, "level1.");
                   const auto [name, change] = largest_change(before, after);
                   c.expect(name.empty(), "level 1's weights and biases after stage 2",
                            "bit-identical to what stage 1 left",
                            fmt::format("{} changed by up to {:.3g}{}", name, change,
                                        after.with_gradient.empty()
                                            ? ""
                                            : fmt::format("; gradients in {}", joined(after.with_gradient))),
                            kMovedHint);
                   c.expect(after.with_gradient.empty(), "level 1's gradients after stage 2",
                            "none: stage 2's backward stops at the codes",
                            fmt::format("gradients in {}", joined(after.with_gradient)), kReachedHint);
                   c.expect(after.frozen.empty(), "level 1's parameters after stage 2",
                            "trainable again, as they went in (requires_grad true)",
                            fmt::format("still frozen: {}", joined(after.frozen)), kLeftFrozenHint);
               });

    stages.run(5, "stage 2 trained level 2 on level 1's codes: it reconstructs them", {4}, [&](lab::Check& c) {
        autograd::NoGradGuard no_grad;
        const xt::xarray<float> h1_train = stack.level1->encode(Tensor(train_set.images)).value();  // (N, H1)
        const xt::xarray<float> h1_test = stack.level1->encode(x_test).value();                     // (N, H1)
        const xt::xarray<float> mean_code = xt::mean(h1_train, {0});                                // (H1)
        const double mean_code_mse = mse(h1_test, xt::xarray<float>(h1_test * 0.0f + mean_code));
        const double level2_mse = mse(stack.level2->forward(Tensor(h1_test)).value(), h1_test);
        c.note(fmt::format("level 2's MSE on level 1's codes of the test images {:.5f} (the average code's {:.5f})",
                           level2_mse, mean_code_mse));
        c.expect(level2_mse < kLevel2Ratio * mean_code_mse,
                 fmt::format("level 2's MSE, mean of (dec2(enc2(h1)) - h1)^2 over the codes h1 of {} test images",
                             kTestImages),
                 fmt::format("below {:.5f} ({} of the average code's)", kLevel2Ratio * mean_code_mse, kLevel2Ratio),
                 fmt::format("{:.5f}", level2_mse),
                 learn_hint("level 2", level2_mse, mean_code_mse, "the average code", kLevel2Loop));
    });

    stages.run(6, "stacked_encode(s, x) is enc2(enc1(x))", {}, [&](lab::Check& c) {
        Generator gen = grader.generator(7);
        const std::size_t n = 3 + gen.below(5);
        // Every width equal: the usual mistakes run, and give their own numbers.
        const std::size_t w = 5 + gen.below(4);
        Stack sq = random_stack(w, w, w, gen);
        const Array x = f64(autograd::uniform<float>({n, w}, 0.0, 1.0, gen));
        const nn::Linear &e1 = *sq.level1->encoder, &e2 = *sq.level2->encoder;
        const Array right = sigmoid(affine(sigmoid(affine(x, e1)), e2));
        const Array got =
            answer(c, ex13::stacked_encode(sq, Tensor(xt::xarray<float>(xt::cast<float>(x)))), "stacked_encode(s, x)");
        const std::string what = fmt::format("stacked_encode(s, x) for a {0}-{0}-{0}-{0}-{0} stack", w);
        c.expect_shape(what, got.shape(), {n, w}, kEncodeHint);
        c.expect_close(what, got, right, 1e-4, 1e-5,
                       diagnose(got,
                                {{sigmoid(affine(sigmoid(affine(x, e2)), e1)), kEncodeOrderHint},
                                 {sigmoid(affine(affine(x, e1), e2)),
                                  "level 1's activation is missing: s.level1->encoder is the Linear alone, "
                                  "x W1 + b1; its code is s.level1->encode(x) = sigmoid(x W1 + b1), and level 2 "
                                  "was trained on those"},
                                 {affine(sigmoid(affine(x, e1)), e2),
                                  "level 2's activation is missing: the code is sigmoid(h1 W2 + b2), "
                                  "s.level2->encode(h1)"},
                                 {sigmoid(affine(x, e1)), "that is level 1's code alone: level 2's encoder follows"}},
                                kEncodeHint));
        // And the shapes of a stack that narrows: (N, D) -> (N, H2).
        const std::size_t d = 12 + gen.below(6), h1 = 7 + gen.below(3), h2 = 2 + gen.below(3);
        Stack s = random_stack(d, h1, h2, gen);
        const Array xs = f64(autograd::uniform<float>({n, d}, 0.0, 1.0, gen));
        const Array got2 =
            answer(c, ex13::stacked_encode(s, Tensor(xt::xarray<float>(xt::cast<float>(xs)))), "stacked_encode(s, x)");
        c.expect_close(fmt::format("stacked_encode(s, x) for a {}-{}-{}-{}-{} stack", d, h1, h2, h1, d), got2,
                       sigmoid(affine(sigmoid(affine(xs, *s.level1->encoder)), *s.level2->encoder)), 1e-4, 1e-5,
                       kEncodeHint);
    });

    stages.run(7, "stacked_decode(s, z) is dec1(dec2(z)): the decoders in reverse order", {}, [&](lab::Check& c) {
        Generator gen = grader.generator(8);
        const std::size_t n = 3 + gen.below(5);
        const std::size_t w = 5 + gen.below(4);
        Stack sq = random_stack(w, w, w, gen);
        const Array z = f64(autograd::uniform<float>({n, w}, 0.0, 1.0, gen));
        const nn::Linear &d1 = *sq.level1->decoder, &d2 = *sq.level2->decoder;
        const Array right = sigmoid(affine(sigmoid(affine(z, d2)), d1));
        const Array got =
            answer(c, ex13::stacked_decode(sq, Tensor(xt::xarray<float>(xt::cast<float>(z)))), "stacked_decode(s, z)");
        const std::string what = fmt::format("stacked_decode(s, z) for a {0}-{0}-{0}-{0}-{0} stack", w);
        c.expect_shape(what, got.shape(), {n, w}, kDecodeHint);
        c.expect_close(what, got, right, 1e-4, 1e-5,
                       diagnose(got,
                                {{sigmoid(affine(sigmoid(affine(z, d1)), d2)), kDecodeOrderHint},
                                 {sigmoid(affine(affine(z, d2), d1)),
                                  "level 2's decoder lost its activation: it gives sigmoid(z V2 + c2), "
                                  "s.level2->decode(z), and level 1's decoder was trained on such codes"},
                                 {affine(sigmoid(affine(z, d2)), d1),
                                  "level 1's decoder lost its activation: the pixels are sigmoid(h V1 + c1), "
                                  "s.level1->decode(h)"},
                                 {sigmoid(affine(z, d2)), "that is level 2's decoder alone: level 1's follows"}},
                                kDecodeHint));
        const std::size_t d = 12 + gen.below(6), h1 = 7 + gen.below(3), h2 = 2 + gen.below(3);
        Stack s = random_stack(d, h1, h2, gen);
        const Array zs = f64(autograd::uniform<float>({n, h2}, 0.0, 1.0, gen));
        const Array got2 =
            answer(c, ex13::stacked_decode(s, Tensor(xt::xarray<float>(xt::cast<float>(zs)))), "stacked_decode(s, z)");
        c.expect_close(fmt::format("stacked_decode(s, z) for a {}-{}-{}-{}-{} stack", d, h1, h2, h1, d), got2,
                       sigmoid(affine(sigmoid(affine(zs, *s.level2->decoder)), *s.level1->decoder)), 1e-4, 1e-5,
                       kDecodeHint);
    });

    stages.run(8, "the stack reconstructs test digits better than the average digit", {5, 6, 7}, [&](lab::Check& c) {
        autograd::NoGradGuard no_grad;
        const double level1_mse = mse(stack.level1->forward(x_test).value(), test);
        const double stack_mse = mse(stack(x_test).value(), test);
        c.note(fmt::format("test MSE: the {} stack {:.5f}, level 1 alone {:.5f}, the average digit {:.5f}", sizes,
                           stack_mse, level1_mse, mean_digit_mse));
        c.expect(stack_mse < kStackRatio * mean_digit_mse,
                 fmt::format("the test MSE of the {} stack, mean of (dec1(dec2(enc2(enc1(x)))) - x)^2", sizes),
                 fmt::format("below {:.5f} ({} of the average digit's)", kStackRatio * mean_digit_mse, kStackRatio),
                 fmt::format("{:.5f}", stack_mse), kStackHint);
    });

    return grader.finish();
}
