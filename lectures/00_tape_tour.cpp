// Lecture 00: a tour of the tape.
//
// Follows: Scott, Lecture 5, slides 4-5 (the basic idea: an encoder layer of sigmoid units
//          trained with a square loss). This lecture is about the machinery, not the
//          autoencoder: how the loss of one such layer is recorded, and how backward() turns it
//          into gradients.
// Shows:   the tape behind  loss = mean((sigmoid(x W + b) - target)^2), printed as text and
//          drawn as a graph; backward(); every gradient next to the chain rule worked by hand
//          and next to central differences; what a second backward() does.
// Run:     ./lab run tape_tour            (or build/lectures/tape_tour [--quick] [--seed N])
// Prints:  the tape, a gradient table, the float32 tolerance worked out, one CLAUSE line per
//          verdict clause and a last line "VERDICT: ... : HOLDS (...)"; writes
//          out/tape_tour/tape.dot and tape.png (when Graphviz is installed).
//
// Dimension letters: N examples (4), D input features (3), H hidden units (2).

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include <xtensor-blas/xlinalg.hpp>

#include "autograd/autograd.hpp"
#include "io/dot.hpp"
#include "lecture.hpp"

using namespace autograd;

// The whole model and its loss, written once for both precisions: float32 for the tour,
// float64 for the numerical check (central differences need the extra digits).
template <class T>
BasicTensor<T> layer_loss(const BasicTensor<T>& x, const BasicTensor<T>& W, const BasicTensor<T>& b,
                          const BasicTensor<T>& target) {
    BasicTensor<T> z = matmul(x, W);              // (N, H) = (N, D) @ (D, H)
    BasicTensor<T> a = z + b;                     // (N, H), b (H,) broadcast over the rows
    BasicTensor<T> h = sigmoid(a);                // (N, H)  the code, Scott slide 5's f(x)
    return mse_loss(h, target, Reduction::Mean);  // ()      (1 / NH) sum (h - target)^2
}

int main(int argc, char** argv) try {
    const lecture::Options opt = lecture::parse_args(
        argc, argv, "tape_tour", 7, "records one sigmoid layer's loss, prints its tape and checks backward()");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);

    // ---- Scott slide 5: an encoder layer h = f(x) = sigmoid(x W + b) ----
    lecture::section("Scott slide 5: one encoder layer and its square loss");
    // Leaves: x and target are data (no gradient wanted); W and b are parameters.
    Tensor x = randn({4, 3}, gen).set_name("x");          // (N, D)
    Tensor W = (randn({3, 2}, gen) * 0.5).set_name("W");  // (D, H)
    W.requires_grad_();
    Tensor b = zeros({2}).requires_grad_().set_name("b");  // (H,)
    Tensor target = rand({4, 2}, gen).set_name("target");  // (N, H)

    // Every op below appends a node to the tape: its value, its inputs, and the closure that
    // will turn d loss / d output into d loss / d inputs.
    Tensor loss = layer_loss(x, W, b, target).set_name("loss");  // ()
    fmt::print("loss = {:.6f}\n\n", loss.item());
    fmt::print("{}", tape_text(loss));
    // Reading the tape: one node per op, inputs first. mse_loss is one op with a backward of its
    // own (2 (h - target) / (N H), the first line of the chain rule below); bce_loss, in "Try
    // this", is made of smaller ops and brings their nodes. x and target are constants: nothing
    // flows back into them.

    const bool drawn = io::write_dot(tape_dot(loss), out_dir + "/tape.dot", out_dir + "/tape.png");
    fmt::print("\ngraph written to {}/tape.dot{}\n", out_dir,
               drawn ? " and tape.png" : " (install graphviz for tape.png)");

    // ---- The reverse sweep ----
    lecture::section("backward(): the chain rule, node by node in reverse");
    // backward() seeds d loss / d loss = 1, then visits the nodes from the loss back to the
    // leaves. Each node's closure multiplies by its local derivative:
    //   mse:      d loss / d h = 2 (h - target) / (N H)
    //   sigmoid:  d h / d a    = h (1 - h)                (elementwise)
    //   add:      d a / d b    = 1, summed over the N rows that b was broadcast to
    //   matmul:   d loss / d W = x^T (d loss / d z)
    loss.backward();

    // The same chain rule by hand, with plain arrays, to see that nothing else happened.
    const xt::xarray<float> h =
        1.0f / (1.0f + xt::exp(-(xt::xarray<float>(xt::linalg::dot(x.value(), W.value())) + b.value())));
    const xt::xarray<float> dh = 2.0f * (h - target.value()) / static_cast<float>(h.size());  // (N, H)
    const xt::xarray<float> da = dh * h * (1.0f - h);                                         // (N, H)
    const xt::xarray<float> dW_hand = xt::linalg::dot(xt::transpose(x.value()), da);          // (D, H)
    const xt::xarray<float> db_hand = xt::sum(da, {0});                                       // (H,)

    // ---- Checking it: central differences in float64 ----
    // For each parameter entry p: (L(p + eps) - L(p - eps)) / (2 eps), with eps = 1e-6, on a
    // float64 copy of the same computation.
    const Tensor64 x64 = to_double(x), t64 = to_double(target);
    const Function64 f = [&](const std::vector<Tensor64>& p) { return layer_loss(x64, p[0], p[1], t64); };
    const std::vector<Tensor64> params{to_double(W), to_double(b)};
    const std::vector<xt::xarray<double>> numeric = numeric_jacobian(f, params);
    const std::vector<xt::xarray<double>> analytic64 = analytic_jacobian(f, params);

    fmt::print("{:<8} {:>14} {:>14} {:>16} {:>16}\n", "entry", "backward f32", "by hand f32", "backward f64",
               "central diff f64");
    // What float32 rounding scales with: each gradient entry is a sum of terms that may cancel, so
    // its rounding is measured against the size of the terms, not of the result. With
    // m_h = 2 (|h| + |target|) / (N H) h (1 - h), the size of d loss / d a before h - target
    // cancels: |x|^T m_h for W, the column sums of m_h for b. Computed in float64.
    const xt::xarray<double> x_d = xt::cast<double>(x.value()), W_d = xt::cast<double>(W.value());
    const xt::xarray<double> a_d = xt::linalg::dot(x_d, W_d) + xt::cast<double>(b.value());  // (N, H)
    const xt::xarray<double> h_d = 1.0 / (1.0 + xt::exp(-a_d));                              // (N, H)
    const xt::xarray<double> m_h = 2.0 * (xt::abs(h_d) + xt::abs(xt::cast<double>(target.value()))) /
                                   static_cast<double>(h_d.size()) * h_d * (1.0 - h_d);  // (N, H)
    const std::vector<xt::xarray<double>> term_size{xt::linalg::dot(xt::transpose(xt::abs(x_d)), m_h),
                                                    xt::sum(m_h, {0})};  // (D, H) and (H,)
    // a = x W + b has terms of size |x| |W| + |b|; the largest, m, sets how far a's rounding reaches.
    const double m = xt::amax(xt::linalg::dot(xt::abs(x_d), xt::abs(W_d)) + xt::abs(xt::cast<double>(b.value())))();
    double worst32 = 0.0;
    const std::vector<std::pair<std::string, Tensor>> named{{"W", W}, {"b", b}};
    const std::vector<xt::xarray<float>> by_hand{dW_hand, db_hand};
    for (std::size_t p = 0; p < named.size(); ++p) {
        const Tensor g = named[p].second.grad();
        for (std::size_t j = 0; j < g.size(); ++j) {
            const double g32 = g.value().data()[j], num = numeric[p](0, j);
            worst32 = std::max(worst32, std::abs(g32 - num) / term_size[p].data()[j]);
            const std::string entry =
                g.dim() == 2 ? fmt::format("{}[{}, {}]", named[p].first, j / g.shape()[1], j % g.shape()[1])
                             : fmt::format("{}[{}]", named[p].first, j);
            fmt::print("{:<8} {:>14.8f} {:>14.8f} {:>16.10f} {:>16.10f}\n", entry, g32, by_hand[p].data()[j],
                       analytic64[p](0, j), num);
        }
    }

    // ---- What a second backward() does ----
    lecture::section("Calling backward() twice");
    // After a sweep, each node drops the tensors its closure saved, so the graph is spent:
    try {
        loss.backward();
    } catch (const std::logic_error& e) {
        fmt::print("second backward(): {}\n", e.what());
    }
    // Gradients of leaves add up across backward() calls (that is what lets a tensor used twice
    // get both contributions). Building the loss again and calling backward() without zeroing
    // therefore doubles W.grad:
    const float before = W.grad().value()(0, 0);
    layer_loss(x, W, b, target).backward();
    fmt::print("W.grad[0, 0] after one backward: {:.8f}, after a second graph's backward: {:.8f}\n", before,
               W.grad().value()(0, 0));
    W.zero_grad();
    b.zero_grad();
    fmt::print("after zero_grad(): W.grad is {}\n", W.grad().defined() ? "defined" : "undefined (cleared)");

    // ---- Verdict ----
    // float64: gradcheck's rule, |backward - central difference| <= atol + rtol |central|, with
    // rtol = 1e-6 and atol = 1e-8 (gradcheck.hpp): the central differences themselves are off by
    // about 1e-16 / eps = 1e-10 (rounding) and eps^2 = 1e-12 (Taylor) at eps = 1e-6, so the rule
    // leaves them 10^4 of room and still catches any wrong derivative.
    // float32: each operation rounds within u = 2^-24 of the size of what it combines. The longest
    // path from the inputs to a gradient entry has 17 roundings: 7 forward (a product and two
    // sums in x W, + b, exp, 1 +, 1 /) and 10 backward (h - target, the factor 2 / (N H), 1 - h,
    // two products, then a product and three sums in x^T (d loss / d a)). And a's rounding, up to
    // 4 u m (m the largest |x| |W| + |b|), is carried by the sigmoid into h, then into the three
    // factors of d loss / d a made from h: in all, (17 + 12 m) u of each entry's term size.
    const GradcheckOptions check_options;
    const GradcheckResult check = gradcheck(f, params, check_options);
    if (!check.ok) fmt::print("{}", check.report);
    const double u = std::ldexp(1.0, -24);
    const double tolerance32 = (17.0 + 12.0 * m) * u;
    fmt::print("\nfloat32 rounding: u = 2^-24 = {:.2e}, m = {:.2f}: (17 + 12 m) u = {:.1e} of each entry's term size\n",
               u, m, tolerance32);
    lecture::quick_scope(
        opt, "nothing changes here, the lecture is instant: the same run and the same clauses as the default run");
    lecture::Verdict verdict("backward() agrees with central differences");
    verdict.at_most("float64", check.max_rel_error, check_options.rtol,
                    fmt::format("largest |backward - central difference| / max(|central difference|, atol / rtol), "
                                "float64, {} entries (gradcheck)",
                                check.checked),
                    "gradcheck's rtol: central differences at eps 1e-6 are off by ~1e-10 (rounding) and ~1e-12 "
                    "(Taylor), far below it");
    verdict.at_most("float32", worst32, tolerance32,
                    "largest |float32 backward - float64 central difference| / the entry's term size (|x|^T m_h for "
                    "W, sum of m_h for b)",
                    "float32 rounding: (17 + 12 m) u, u = 2^-24 (derived above)");
    return verdict.finish(
        fmt::format("max relative error {:.1e} in float64 over {} entries, {:.1e} of the term size "
                    "in float32",
                    check.max_rel_error, check.checked, worst32));
} catch (const std::exception& e) {
    return lecture::fail("tape_tour", e);
}

// Try this:
//  1. Replace mse_loss with bce_loss(h, target) in layer_loss: the tape grows from 8 nodes to 19
//     (clamp, log, mul, neg, add_scalar, sum: bce_loss is built from smaller ops), the backward
//     and central-difference columns change together and the verdict still holds; only the
//     "by hand" column, which still works out the square loss's chain rule, no longer matches.
//  2. Use h twice: return mse_loss(h, target, Reduction::Mean) + mse_loss(h, target,
//     Reduction::Mean) from layer_loss. The tape shows sigmoid feeding two mse_loss nodes, and
//     every backward and central-difference entry doubles (W[0, 0]: -0.0755 against -0.0377),
//     because backward adds the contribution of each use of h; the "by hand" column, still one
//     loss, does not, and the verdict holds. (matmul(x, W) + matmul(x, W) would not double
//     W.grad: it doubles z, so the loss is taken at another point: W[0, 0] comes out -0.0414.)
//  3. Pass eps to the table's central differences, numeric_jacobian(f, params, 1e-3), then
//     1e-10, and watch the last column drift from backward(): at 1e-3 in the 8th decimal
//     (W[0, 1]: 0.0457462743 against 0.0457462906; the Taylor error, which grows as eps^2), at
//     1e-10 in the 7th (0.0457460458; rounding, which grows as 1 / eps): the float32 clause,
//     which judges the float32 gradients against these central differences, still passes but
//     with little room (1.8e-06 of its 3.0e-06). At 1e-11 (0.0457467397) it FAILS (6.1e-06):
//     the central differences are now rougher than float32 rounding.
