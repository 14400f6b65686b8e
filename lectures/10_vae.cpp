// Lecture 10: the variational autoencoder.
//
// Follows: Scott, Lecture 5, slides 25-32 (the encoder outputs [mu, sigma] and z is drawn from
//          N(mu, sigma^2) (25); latent variables as attributes (26); the loss: reconstruction plus
//          the KL divergence from q(z | x) to the prior N(0, I) (28); the reparameterization trick
//          z = eps sigma + mu (29); images generated from z ~ N(0, I) (30); the decoded 2-D
//          manifold (31); the 2-D codes clustered by digit (32)); Silva, "Autoencoders", headings
//          "Variational Autoencoders" and "Latent Loss"; Lamúrias, "5 - Autoencoders", heading
//          "Variational Autoencoders".
// Shows:   first, on two numbers, why z = mu + sigma eps lets gradients reach mu and sigma while
//          a sampling call does not; then the 784-400-20 VAE of models/vae.hpp trained on MNIST,
//          its loss, its closed-form KL against a Monte-Carlo estimate, 64 generated digits, and
//          what each latent coordinate does to a digit's thickness, slant, loops and width
//          (against random directions of the latent space); then a second VAE with a 2-D latent
//          space, trained alike, its decoded manifold, its codes by digit and what each axis
//          carries.
// Run:     ./lab run vae                      (build/lectures/vae [--quick] [--seed N])
// Prints:  the gradients of the trick, one line per epoch (negative ELBO per image, split into
//          reconstruction and KL), the KL check with its Monte-Carlo standard error, a table of the
//          20 coordinates' KL and effects, the same for the 2-D model's two axes, the negative
//          ELBO of a decoder that ignores z, one CLAUSE line per verdict clause and a last line
//          "VERDICT: ... : HOLDS (...)";
//          writes out/vae/samples.png, traversal.png, manifold.png, codes.png and loss.png.
//
// Dimension letters: N images, D = 784 pixels, H = 400 hidden units, L latent dimensions (20 or 2).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <utility>

#include <fmt/format.h>

#include <xtensor/xview.hpp>

#include "io/io.hpp"
#include "lecture.hpp"
#include "models/vae.hpp"
#include "nn/nn.hpp"

using namespace autograd;

namespace {

// The negative ELBO per image on a data set, and its two parts, with one z drawn per image
// (as in training) from `gen`.
struct Elbo {
    double total = 0.0, reconstruction = 0.0, kl = 0.0;
};

Elbo test_elbo(models::VAE& vae, const io::Dataset& data, Generator& gen) {
    NoGradGuard no_grad;
    Elbo e;
    for (const nn::Batch& batch : nn::DataLoader(data, 1000, /*shuffle=*/false, 0)) {
        const models::VAE::Loss l = vae.loss(batch.x, gen);
        e.reconstruction += l.reconstruction.item();
        e.kl += l.kl.item();
    }
    const auto n = static_cast<double>(data.size());
    e.reconstruction /= n;
    e.kl /= n;
    e.total = e.reconstruction + e.kl;
    return e;
}

// Trains with Adam (lr 1e-3, batches of 128) on the summed negative ELBO; returns the test
// negative ELBO per image after each epoch.
std::vector<double> train(models::VAE& vae, const io::Dataset& train_set, const io::Dataset& test_set,
                          std::size_t epochs, Generator& gen) {
    nn::Adam adam(vae.parameters(), 1e-3);
    nn::DataLoader loader(train_set, 128, /*shuffle=*/true, gen.next_u64());
    nn::TrainLog log(epochs, loader.num_batches());
    std::vector<double> curve;
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        log.start_epoch();
        for (const nn::Batch& batch : loader) {
            adam.zero_grad();
            models::VAE::Loss l = vae.loss(batch.x, gen);  // summed over the batch
            l.total.backward();
            adam.step();
            log.batch(l.total.item() / static_cast<double>(batch.labels.size()), batch.labels.size());
        }
        const Elbo e = test_elbo(vae, test_set, gen);
        curve.push_back(e.total);
        log.end_epoch(fmt::format("test {:.2f} = reconstruction {:.2f} + KL {:.2f}", e.total, e.reconstruction, e.kl));
    }
    return curve;
}

// ---- What a digit looks like: slide 26's attributes, measured ----
// Four numbers per image (one image a row of `images`, (N, 28 * 28), pixels p in [0, 1]), the
// first three named on slide 26. With the ink thresholded at 1/2 (A pixels on), x = column
// (rightwards) and y = -row (upwards) about the ink's centre:
//   thickness  2 A / P, P the number of edges between an on and an off pixel: a stroke of
//              width t and length l has A = t l and P about 2 l (in pixels)
//   slant      sum p (x - x0)(y - y0) / sum p (y - y0)^2: pixels rightwards per pixel upwards,
//              0 for an upright digit, > 0 leaning right as in italics (what deskewing undoes)
//   loops      the holes: regions of off pixels that do not reach the border (0 in a 1, 1 in
//              a closed 9, 2 in an 8): loop closure
//   width      sqrt(sum p (x - x0)^2 / sum p): the ink's horizontal spread, in pixels
constexpr std::size_t kShapes = 4;
const char* const kShapeNames[kShapes] = {"thickness", "slant", "loops", "width"};
using Shapes = std::array<std::vector<double>, kShapes>;  // one list per measure, one entry per image
using Attributes = std::array<double, kShapes>;           // one number per measure

// The holes of a 28 x 28 on/off picture: flood the off pixels from the border (4-neighbours);
// every off region left unflooded is one hole.
int holes(std::vector<char> off) {
    const int n = 28;
    std::vector<int> stack;
    auto flood = [&](int start) {
        stack.push_back(start);
        off[start] = 0;
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            const int r = i / n, c = i % n;
            const int next[4][2] = {{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}};
            for (const auto& rc : next)
                if (rc[0] >= 0 && rc[0] < n && rc[1] >= 0 && rc[1] < n && off[rc[0] * n + rc[1]]) {
                    off[rc[0] * n + rc[1]] = 0;
                    stack.push_back(rc[0] * n + rc[1]);
                }
        }
    };
    for (int i = 0; i < n * n; ++i)
        if (off[i] && (i / n == 0 || i / n == n - 1 || i % n == 0 || i % n == n - 1)) flood(i);
    int count = 0;
    for (int i = 0; i < n * n; ++i)
        if (off[i]) {
            flood(i);
            ++count;
        }
    return count;
}

// The four measures of every row of `images` (N, 784).
Shapes shapes(const xt::xarray<float>& images) {
    const int n = 28;
    Shapes s;
    for (std::size_t k = 0; k < images.shape()[0]; ++k) {
        double m = 0.0, mx = 0.0, my = 0.0, area = 0.0, edges = 0.0;
        std::vector<char> off(n * n);
        auto on = [&](int r, int c) { return r >= 0 && r < n && c >= 0 && c < n && images(k, r * n + c) > 0.5f; };
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) {
                const double p = images(k, r * n + c);
                m += p;
                mx += p * c;
                my -= p * r;
                off[r * n + c] = !on(r, c);
                if (on(r, c)) {
                    area += 1.0;
                    edges += !on(r - 1, c) + !on(r + 1, c) + !on(r, c - 1) + !on(r, c + 1);
                }
            }
        const double x0 = mx / m, y0 = my / m;
        double sxx = 0.0, syy = 0.0, sxy = 0.0;
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) {
                const double p = images(k, r * n + c), dx = c - x0, dy = -r - y0;
                sxx += p * dx * dx;
                syy += p * dy * dy;
                sxy += p * dx * dy;
            }
        s[0].push_back(edges > 0.0 ? 2.0 * area / edges : 0.0);
        s[1].push_back(sxy / syy);
        s[2].push_back(holes(off));
        s[3].push_back(std::sqrt(sxx / m));
    }
    return s;
}

double mean(const std::vector<double>& a) {
    return std::accumulate(a.begin(), a.end(), 0.0) / static_cast<double>(a.size());
}

double stddev(const std::vector<double>& a) {
    const double m = mean(a);
    double q = 0.0;
    for (double v : a) q += (v - m) * (v - m);
    return std::sqrt(q / static_cast<double>(a.size()));
}

// Pearson's correlation of two equally long lists.
double correlation(const std::vector<double>& a, const std::vector<double>& b) {
    const double ma = mean(a), mb = mean(b);
    double sab = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) sab += (a[i] - ma) * (b[i] - mb);
    return sab / static_cast<double>(a.size()) / (stddev(a) * stddev(b));
}

// Column j of an (N, L) array as a list.
std::vector<double> column(const xt::xarray<float>& a, std::size_t j) {
    std::vector<double> out(a.shape()[0]);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = a(i, j);
    return out;
}

// The measure with the largest effect in size.
std::size_t strongest(const Attributes& a) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < kShapes; ++i)
        if (std::abs(a[i]) > std::abs(a[best])) best = i;
    return best;
}

// What moving along a direction u of the latent space does (u (L,) of length 1; an axis e_j is
// "vary z_j alone"): each anchor code m (a row of `mu`, (A, L)) moved to m + (t - u.m) u for
// t = -2 and t = +2, i.e. its coordinate along u set to -2 and to +2, the rest kept; both
// decoded; the mean change of each measure from -2 to +2, in units of that measure's standard
// deviation over the test images (`spread`).
Attributes traversal_effect(models::VAE& vae, const xt::xarray<float>& mu, const xt::xarray<float>& u,
                            const Attributes& spread) {
    autograd::NoGradGuard no_grad;
    const xt::xarray<float> along = xt::sum(mu * u, {1});                               // (A,)
    const xt::xarray<float> rest = mu - xt::view(along, xt::all(), xt::newaxis()) * u;  // (A, L)
    const xt::xarray<float> low = rest - 2.0f * u, high = rest + 2.0f * u;              // (A, L)
    const Shapes a = shapes(autograd::sigmoid(vae.decode_logits(Tensor(low))).value());
    const Shapes b = shapes(autograd::sigmoid(vae.decode_logits(Tensor(high))).value());
    Attributes e;
    for (std::size_t i = 0; i < kShapes; ++i) e[i] = (mean(b[i]) - mean(a[i])) / spread[i];
    return e;
}

// Slide 29: the trick's gradients by backward() and by hand, against a sampled z; returns nothing (it prints).
void reparameterization_trick(Generator& gen) {
    lecture::section("Scott slide 29: gradients through z = mu + sigma eps");
    // One latent variable with mean mu and log-variance s = log sigma^2, and a toy loss of the
    // sample, f(z) = z^2. With z = mu + exp(s / 2) eps, eps ~ N(0, 1) drawn outside the graph:
    //   df/dmu = 2 z,   df/ds = 2 z * eps * exp(s / 2) / 2 = z eps sigma.
    // The random draw is a constant input, like x; mu and s stay on the path from parameters to
    // loss, so backward() reaches them.
    Tensor mu = full({1}, 0.5).requires_grad_(), s = full({1}, -1.0).requires_grad_();
    const Tensor eps = randn({1}, gen);
    const Tensor z = mu + exp(s * 0.5) * eps;
    Tensor f = sum(z * z);
    f.backward();
    const double zv = z.value()(0), ev = eps.value()(0), sigma = std::exp(-0.5);
    fmt::print("eps = {:+.4f}, z = {:+.4f}\n", ev, zv);
    fmt::print("df/dmu: backward {:+.6f}, by hand 2z = {:+.6f}\n", mu.grad().value()(0), 2.0 * zv);
    fmt::print("df/ds:  backward {:+.6f}, by hand z eps sigma = {:+.6f}\n", s.grad().value()(0), zv * ev * sigma);
    // The other way: "draw z ~ N(mu, sigma^2)" as a sampling call. The draw is a new number
    // with no history: nothing links it to mu or s, and no gradient can reach them.
    Tensor mu2 = full({1}, 0.5).requires_grad_();
    const Tensor z_sampled(xt::xarray<float>(mu2.value() + sigma * randn({1}, gen).value()));
    fmt::print("a sampled z has no history: requires_grad = {}, so mu would get no gradient at all\n",
               z_sampled.requires_grad());
}

// The first model and what it learnt.
struct TrainedVae {
    models::VAE vae;
    std::vector<double> curve;  // the test negative ELBO per image after each epoch
};

// Slides 25-28: a 784-400-L VAE trained for `epochs` on the negative ELBO; returns it and its test curve.
TrainedVae model_and_loss(const io::Dataset& train_set, const io::Dataset& test_set, std::size_t L, std::size_t epochs,
                          Generator& gen) {
    lecture::section("Scott slides 25-28: a 784-400-20 VAE, trained on the negative ELBO");
    // Encoder: h = relu(x W + b) (N, H); two heads, mu = h W_mu + b_mu and logvar = h W_v + b_v,
    // each (N, L): slide 25's [mu, sigma], with log sigma^2 in place of sigma so that it can take
    // any real value. Decoder: z (N, L) -> relu -> logits (N, D); sigmoid(logits) is the mean
    // of a Bernoulli for each pixel.
    // Loss per image (slide 28), the negative evidence lower bound:
    //   reconstruction  -log p(x | z) = -sum_d [x_d log p_d + (1 - x_d) log(1 - p_d)]  (summed BCE)
    //   latent loss     KL(N(mu, sigma^2) || N(0, I)) = 1/2 sum_j (sigma_j^2 + mu_j^2 - 1 - log sigma_j^2)
    // The slide's TensorFlow line is that same KL written with sigma; with logvar = log sigma^2
    // it reads -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j)), which is what gaussian_kl
    // computes (checked below).
    models::VAE vae(784, 400, L, gen);
    fmt::print("{}", vae.summary({1, 784}));
    const std::vector<double> curve = train(vae, train_set, test_set, epochs, gen);
    return {std::move(vae), curve};
}

// The KL check's numbers, summed over the first 10 test images' codes.
struct KlCheck {
    double closed = 0.0, mc = 0.0;  // the closed form and the Monte-Carlo estimate, nats
    double se = 0.0;                // the estimate's standard error
    double gap = 0.0;               // |mc - closed| / closed
};

// Slide 28: the latent loss in closed form against 10,000 samples; returns both, the SE and their gap.
KlCheck kl_against_monte_carlo(models::VAE& vae, const io::Dataset& test_set, std::size_t L, Generator& gen) {
    lecture::section("Scott slide 28: the latent loss, closed form against 10,000 samples");
    // For one test image's q(z | x) = N(mu, diag sigma^2): KL(q || p) = E_q[log q(z) - log p(z)].
    // Draw z_k = mu + sigma eps_k for k = 1..10,000 and average
    //   log q(z) - log p(z) = sum_j [-1/2 eps_j^2 - log sigma_j + 1/2 z_j^2]
    // (the 1/2 log 2 pi terms cancel). Done for the first 10 test images, then summed.
    // The estimate's own Monte-Carlo standard error: for image i, the sample standard deviation
    // of its 10,000 terms over sqrt(10,000); the ten images' draws are independent, so their
    // squared errors add.
    double kl_closed = 0.0, kl_mc = 0.0, kl_sigma_form = 0.0, kl_mc_variance = 0.0;
    {
        NoGradGuard no_grad;
        const Tensor x10 = test_set.batch({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});  // (10, D)
        const models::VAE::Code code = vae.encode(x10);                     // (10, L) each
        kl_closed = gaussian_kl(code.mu, code.logvar, Reduction::Sum).item();
        const xt::xarray<float>& mu = code.mu.value();
        const xt::xarray<float>& logvar = code.logvar.value();
        const std::size_t samples = 10000;
        for (std::size_t i = 0; i < 10; ++i) {
            double total = 0.0, total_sq = 0.0;
            for (std::size_t k = 0; k < samples; ++k) {
                double term = 0.0;  // log q(z_k) - log p(z_k)
                for (std::size_t j = 0; j < L; ++j) {
                    const double e = gen.normal(), sigma = std::exp(0.5 * logvar(i, j));
                    const double z = mu(i, j) + sigma * e;
                    term += -0.5 * e * e - std::log(sigma) + 0.5 * z * z;
                }
                total += term;
                total_sq += term * term;
            }
            const double n = static_cast<double>(samples), m = total / n;
            kl_mc += m;
            kl_mc_variance += (total_sq / n - m * m) / (n - 1.0);
            // Slide 28's form, with sigma itself: 1/2 sum (sigma^2 + mu^2 - 1 - log(1e-10 + sigma^2)).
            for (std::size_t j = 0; j < L; ++j) {
                const double s2 = std::exp(static_cast<double>(logvar(i, j)));
                kl_sigma_form += 0.5 * (s2 + mu(i, j) * mu(i, j) - 1.0 - std::log(1e-10 + s2));
            }
        }
    }
    const double kl_gap = std::abs(kl_mc - kl_closed) / kl_closed;
    const double kl_se = std::sqrt(kl_mc_variance);
    fmt::print(
        "KL of the first 10 test images' codes: closed form {:.3f}, slide 28's sigma form {:.3f}, Monte Carlo "
        "{:.3f} (relative difference {:.3f}%)\n",
        kl_closed, kl_sigma_form, kl_mc, 100.0 * kl_gap);
    fmt::print("Monte-Carlo standard error {:.3f} ({:.3f}%): the two differ by {:.2f} standard errors\n", kl_se,
               100.0 * kl_se / kl_closed, std::abs(kl_mc - kl_closed) / kl_se);
    return {kl_closed, kl_mc, kl_se, kl_gap};
}

// Slide 30: 64 digits decoded from z ~ N(0, I) into samples.png; returns nothing.
void samples_from_prior(models::VAE& vae, std::size_t L, Generator& gen, const std::string& out_dir) {
    NoGradGuard no_grad;
    const Tensor z = randn({64, L}, gen);                 // (64, L)
    const Tensor images = sigmoid(vae.decode_logits(z));  // (64, D)
    io::GridOptions grid;
    grid.columns = 8;
    grid.scale = 3;
    grid.title = fmt::format("64 digits decoded from z ~ N(0, I), {}-D VAE", L);
    grid.scale_key = "pixel value (the decoder's Bernoulli mean)";
    io::save_image_grid(out_dir + "/samples.png", images.value(), 28, 28, grid);
}

// The four measures of the test digits, and their spread: the unit of every traversal effect.
struct TestDigits {
    Shapes shapes;
    Attributes spread;  // the standard deviation of each measure over the test images
};

// Slide 26: what each latent coordinate does to a digit, and traversal.png; returns the test digits' measures.
TestDigits latents_as_attributes(models::VAE& vae, const io::Dataset& test_set, std::size_t L, std::uint64_t seed,
                                 const std::string& out_dir) {
    lecture::section("Scott slide 26: latent variables as attributes (the 20-D VAE, one coordinate at a time)");
    // "Latent variables can be thought of as values of attributes describing inputs ... for
    // MNIST, thickness, slant, loop closure." shapes() above measures those three (and width)
    // on any image, so what a latent coordinate z_j stands for can be measured: set z_j to -2
    // and to +2 in the codes of 200 test digits, keep their other coordinates, decode, and see
    // how much each measure changes, in units of its spread over the test digits.
    // traversal.png draws the same thing for one digit, over z_j from -3 to 3.
    // Each coordinate's KL, averaged over the test images, says whether it is used at all: a
    // coordinate whose q(z_j | x) is the prior N(0, 1) for every x costs nothing in the latent
    // loss and carries nothing about x.
    const Shapes test_shapes = shapes(test_set.images);
    Attributes spread;
    fmt::print("the test digits, mean +- standard deviation:");
    for (std::size_t i = 0; i < kShapes; ++i) {
        spread[i] = stddev(test_shapes[i]);
        fmt::print(" {} {:.2f} +- {:.2f}{}", kShapeNames[i], mean(test_shapes[i]), spread[i],
                   i + 1 < kShapes ? "," : "\n");
    }
    {
        NoGradGuard no_grad;
        const models::VAE::Code code = vae.encode(Tensor(test_set.images));  // (N, L) each
        const xt::xarray<float>& mu = code.mu.value();                       // (N, L)
        const xt::xarray<float> kl_terms =
            0.5f * (xt::exp(code.logvar.value()) + xt::square(mu) - 1.0f - code.logvar.value());  // (N, L)
        const xt::xarray<float> kl_dim = xt::mean(kl_terms, {0});                                 // (L,)
        std::vector<std::size_t> order(L);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return kl_dim(a) > kl_dim(b); });

        const xt::xarray<float> anchors = xt::view(mu, xt::range(0, 200), xt::all());  // (200, L)
        // The figure's digit: the test image whose code lies nearest the prior's centre z = 0.
        const xt::xarray<float> norms = xt::sum(xt::square(mu), {1});  // (N,)
        const auto centre = static_cast<std::size_t>(std::min_element(norms.begin(), norms.end()) - norms.begin());
        const std::size_t C = 9;  // columns: z_j = -3, -2.25, ..., 3
        std::vector<std::pair<std::string, xt::xarray<float>>> rows;
        fmt::print("{:>4} {:>6} | change from z_j = -2 to +2, in test sds: {:>9} {:>6} {:>6} {:>6} | most\n", "z_j",
                   "KL", kShapeNames[0], kShapeNames[1], kShapeNames[2], kShapeNames[3]);
        Attributes best_axis{};
        std::size_t used = 0;
        for (std::size_t j : order) {
            xt::xarray<float> z = xt::zeros<float>({C, L});  // (C, L)
            for (std::size_t c = 0; c < C; ++c) {
                xt::view(z, c, xt::all()) = xt::view(mu, centre, xt::all());
                z(c, j) = static_cast<float>(-3.0 + 6.0 * c / (C - 1));
            }
            rows.emplace_back(fmt::format("z{} (KL {:.2f})", j + 1, kl_dim(j)),
                              sigmoid(vae.decode_logits(Tensor(z))).value());  // (C, D)
            xt::xarray<float> e_j = xt::zeros<float>({L});                     // (L,): the axis of z_j
            e_j(j) = 1.0f;
            const Attributes e = traversal_effect(vae, anchors, e_j, spread);
            for (std::size_t i = 0; i < kShapes; ++i) best_axis[i] = std::max(best_axis[i], std::abs(e[i]));
            used += kl_dim(j) > 0.1f ? 1 : 0;
            fmt::print("{:>4} {:>6.2f} | {:>41} {:>+9.2f} {:>+6.2f} {:>+6.2f} {:>+6.2f} | {}\n",
                       fmt::format("z{}", j + 1), kl_dim(j), "", e[0], e[1], e[2], e[3], kShapeNames[strongest(e)]);
        }
        fmt::print("{} of the {} coordinates are used (mean KL above 0.1 nats)\n", used, L);
        // The baseline: are the coordinates special? The prior N(0, I) looks the same in every
        // direction, so any direction u of the latent space could carry an attribute. The same
        // measurement along random unit directions (set the coordinate along u to -2 and +2),
        // 5 draws of 20, each draw's best for each measure.
        Generator directions(seed + 1);
        Attributes random_lo, random_hi;
        random_lo.fill(1e9);
        random_hi.fill(0.0);
        for (int draw = 0; draw < 5; ++draw) {
            Attributes best{};
            for (std::size_t k = 0; k < L; ++k) {
                xt::xarray<float> u = randn({L}, directions).value();  // (L,)
                u /= std::sqrt(xt::sum(xt::square(u))());
                const Attributes e = traversal_effect(vae, anchors, u, spread);
                for (std::size_t i = 0; i < kShapes; ++i) best[i] = std::max(best[i], std::abs(e[i]));
            }
            for (std::size_t i = 0; i < kShapes; ++i) {
                random_lo[i] = std::min(random_lo[i], best[i]);
                random_hi[i] = std::max(random_hi[i], best[i]);
            }
        }
        fmt::print(
            "the largest change of each measure along one of the {} coordinates, against along one of {} random "
            "directions (5 draws):\n",
            L, L);
        for (std::size_t i = 0; i < kShapes; ++i)
            fmt::print("    {:<9} {:.2f} sds along a coordinate, {:.2f} to {:.2f} along a random direction: {}\n",
                       kShapeNames[i], best_axis[i], random_lo[i], random_hi[i],
                       best_axis[i] > random_hi[i]   ? "the coordinate does better than every draw"
                       : best_axis[i] < random_lo[i] ? "every draw does better"
                                                     : "no better than chance");
        // Measured, default run (seed 10; seed 11 in brackets): all 20 coordinates are used (KL
        // 0.9 to 1.8 nats each). Most coordinates move several measures at once (z10: thickness
        // -1.5 sds, slant -0.7, loops -0.5), and in traversal.png a coordinate often turns the
        // digit into another (a 7 into a 9 by closing its loop, a 9 into a 1 or a 4). Against
        // random directions: some coordinate carries width better than every random draw, 1.97
        // sds against at most 1.27 (seed 11: 2.09 against 1.76); thickness no better than chance
        // (1.59 against 1.12 to 1.78; 1.37 against 1.04 to 1.93); loops barely better, then
        // chance (0.50 against at most 0.48; 0.44 against 0.29 to 0.50); slant worse than every
        // draw with seed 10 (0.74 against 0.77 to 1.23) and better than every draw with seed 11
        // (1.48 against 0.66 to 1.14). So slide 26 holds as "might": the 20 coordinates
        // together describe the digits, but only width reliably has a coordinate of its own; the
        // prior N(0, I) is the same in every direction, and nothing in the loss asks the
        // coordinates to line up with thickness, slant or loops (that is what beta-VAEs and
        // their kin add).
        io::GridOptions grid;
        grid.scale = 2;
        grid.title = fmt::format("{}-D VAE: one latent coordinate varied at a time (rows: largest KL first)", L);
        grid.caption =
            fmt::format("columns: z_j = -3, -2.25, ..., 3; the others: test image {}'s code (a {}), nearest z = 0",
                        centre, test_set.labels[centre]);
        grid.scale_key = "pixel value (the decoder's Bernoulli mean)";
        io::save_image_rows(out_dir + "/traversal.png", rows, 28, 28, grid);
    }
    return {test_shapes, spread};
}

// Slides 31-32: a 2-D VAE trained alike, manifold.png, codes.png and its axes; returns its test curve.
std::vector<double> two_d_latent_space(const io::Dataset& train_set, const io::Dataset& test_set, std::size_t epochs,
                                       const Shapes& test_shapes, const Attributes& spread, Generator& gen,
                                       const std::string& out_dir) {
    lecture::section("Scott slides 31-32: a VAE with a 2-D latent space");
    models::VAE vae2(784, 400, 2, gen);
    // Trained exactly as the 20-D model (the same images, epochs and optimiser), so that the two
    // loss curves compare like with like.
    const std::vector<double> curve2 = train(vae2, train_set, test_set, epochs, gen);
    {
        NoGradGuard no_grad;
        // Slide 31: decode a uniform 20 x 20 grid of z over [-R, R]^2, R = 3 (three standard
        // deviations of the prior): neighbouring codes decode to similar digits, and the digits
        // morph into one another across the square.
        const std::size_t G = 20;
        const double R = 3.0;
        xt::xarray<float> grid_z = xt::zeros<float>({G * G, std::size_t{2}});  // (G^2, 2)
        for (std::size_t r = 0; r < G; ++r)
            for (std::size_t c = 0; c < G; ++c) {
                grid_z(r * G + c, 0) = static_cast<float>(-R + 2.0 * R * c / (G - 1));  // z1 left to right
                grid_z(r * G + c, 1) = static_cast<float>(R - 2.0 * R * r / (G - 1));   // z2 bottom to top
            }
        const Tensor manifold = sigmoid(vae2.decode_logits(Tensor(grid_z)));  // (G^2, D)
        io::GridOptions grid;
        grid.columns = G;
        grid.scale = 1;
        grid.gap = 0;
        grid.title = "2-D VAE: decoded z on a 20 x 20 grid";
        grid.caption = fmt::format(
            "columns: z1 = {0} (left) to {1} (right); rows: z2 = {1} (top) to {0} (bottom); {2} even "
            "steps each",
            -R, R, G);
        grid.scale_key = "pixel value (Bernoulli mean)";
        io::save_image_grid(out_dir + "/manifold.png", manifold.value(), 28, 28, grid);
        // Slide 32: the mean code mu of every test image, coloured by its digit.
        const Tensor mu = vae2.encode(Tensor(test_set.images)).mu;  // (N, 2)
        io::PlotOptions plot;
        plot.title = "2-D VAE: test codes (mu) by digit";
        plot.xlabel = "z1 (mu1 of each test image)";
        plot.ylabel = "z2 (mu2)";
        io::save_scatter(out_dir + "/codes.png", mu.value(), test_set.labels, plot,
                         {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});

        // Slide 26 for the 2-D model: what each axis carries. The digits' mean codes along the
        // axis; what moving along it does to the first 200 test digits (as for the 20-D model);
        // and the correlation of mu_j with each measure over the test images.
        // Measured: with two numbers per digit, the axes do take one attribute each, width and
        // slant, in either order. Seed 10: z1 width (+1.68 sds from z1 = -2 to +2; the narrow
        // 7s, 1s and 9s at the low end, the round 0s at the high end), z2 slant (+1.78 sds; the
        // 1s at the top of codes.png, leaning more to the right of manifold.png). Seed 11: z1
        // slant (-2.32), z2 width (+2.81); --quick, seeds 10 and 12: one each too, but with
        // seed 11 both axes move slant most (+1.80, -1.92) and width second (0.68, 1.24): the
        // pair is turned some 45 degrees from the measures. The prior N(0, I) looks the same in
        // every direction; only the diagonal q(z | x) favours the axes, and weakly: they line up
        // with attributes often, not always.
        const xt::xarray<float> anchors2 = xt::view(mu.value(), xt::range(0, 200), xt::all());  // (200, 2)
        for (std::size_t j = 0; j < 2; ++j) {
            std::vector<double> sum(10, 0.0), count(10, 0.0);
            for (std::size_t i = 0; i < test_set.size(); ++i) {
                sum[test_set.labels[i]] += mu.value()(i, j);
                count[test_set.labels[i]] += 1.0;
            }
            std::vector<std::size_t> digits(10);
            std::iota(digits.begin(), digits.end(), std::size_t{0});
            std::sort(digits.begin(), digits.end(),
                      [&](std::size_t a, std::size_t b) { return sum[a] / count[a] < sum[b] / count[b]; });
            std::string line;
            for (std::size_t d : digits) line += fmt::format(" {} ({:+.1f})", d, sum[d] / count[d]);
            fmt::print("z{}: the digits by their mean z{}, low to high:{}\n", j + 1, j + 1, line);
            xt::xarray<float> u = xt::zeros<float>({std::size_t{2}});
            u(j) = 1.0f;
            const Attributes e = traversal_effect(vae2, anchors2, u, spread);
            std::string effects, corrs;
            for (std::size_t i = 0; i < kShapes; ++i) {
                effects += fmt::format(" {} {:+.2f}", kShapeNames[i], e[i]);
                corrs += fmt::format(" {} {:+.2f}", kShapeNames[i], correlation(column(mu.value(), j), test_shapes[i]));
            }
            fmt::print(
                "    change from z{0} = -2 to +2, in test sds:{1}: {3} most\n"
                "    correlation of mu{0} with the test digits':{2}\n",
                j + 1, effects, corrs, kShapeNames[strongest(e)]);
        }
    }
    return curve2;
}

// After slides 31-32: both models' test curves in loss.png, their last values compared; returns nothing.
void loss_curves(const std::vector<double>& curve, const std::vector<double>& curve2, std::size_t L, std::size_t epochs,
                 const io::Dataset& train_set, const std::string& out_dir) {
    std::vector<double> axis;
    for (std::size_t e = 1; e <= epochs; ++e) axis.push_back(static_cast<double>(e));
    io::PlotOptions loss_plot;
    loss_plot.title = "VAE on MNIST: test negative ELBO by epoch";
    loss_plot.xlabel = "epoch";
    loss_plot.ylabel = "test negative ELBO (nats per image)";
    io::save_line_plot(out_dir + "/loss.png",
                       {{fmt::format("{}-D latent, {} training images", L, train_set.size()), axis, curve},
                        {"2-D latent, trained alike", axis, curve2}},
                       loss_plot);
    fmt::print(
        "after {} epochs each, test negative ELBO {:.2f} nats per image with a 2-D latent space, {:.2f} with a "
        "{}-D one: {:+.1f} nats\n",
        epochs, curve2.back(), curve.back(), L, curve2.back() - curve.back());
}

// The verdict's baseline (printed): returns the test negative ELBO of a decoder that ignores z.
// The baseline a VAE must beat: a decoder that ignores z. With p(x | z) = p(x) and q(z | x)
// the prior, the KL is 0 and the best such decoder is the per-pixel marginal Bernoulli, p_d
// the mean training image (clipped to [1e-6, 1 - 1e-6]): its test negative ELBO is its
// summed BCE, here in double.
double marginal_bernoulli_nll(const io::Dataset& train_set, const io::Dataset& test_set) {
    const xt::xarray<double> p_d =
        xt::clip(xt::mean(xt::cast<double>(train_set.images), {0}), 1e-6, 1.0 - 1e-6);  // (D,)
    const xt::xarray<double> x = xt::cast<double>(test_set.images);                     // (N, D)
    const double marginal_nll =
        -xt::sum(x * xt::log(p_d) + (1.0 - x) * xt::log(1.0 - p_d))() / static_cast<double>(x.shape()[0]);
    fmt::print("\nthe per-pixel marginal Bernoulli (a decoder that ignores z, KL 0): test negative ELBO {:.2f} nats\n",
               marginal_nll);
    return marginal_nll;
}

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt =
        lecture::parse_args(argc, argv, "vae", 10, "trains variational autoencoders on MNIST and samples from them");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);

    // ---- Scott slide 29: the reparameterization trick, on two numbers ----
    reparameterization_trick(gen);

    // ---- The data ----
    // --quick: 5,000 training images and 1,000 test images.
    const io::Dataset train_set = lecture::load_mnist(opt, /*train=*/true, /*images=*/opt.quick ? 5000 : 0);
    const io::Dataset test_set = lecture::load_mnist(opt, /*train=*/false, /*images=*/opt.quick ? 1000 : 0);
    fmt::print("\n{} training images, {} test images\n", train_set.size(), test_set.size());

    // ---- Scott slides 25, 27-28: the model and its loss ----
    const std::size_t L = 20;
    const std::size_t epochs = 10;  // as in PyTorch's example, for both models; --quick on 5,000 images only
    TrainedVae first = model_and_loss(train_set, test_set, L, epochs, gen);

    // ---- The KL term: closed form against Monte Carlo ----
    const KlCheck kl = kl_against_monte_carlo(first.vae, test_set, L, gen);

    // ---- Scott slide 30: new digits from z ~ N(0, I) ----
    samples_from_prior(first.vae, L, gen, out_dir);

    // ---- Scott slide 26: latent variables as attributes ----
    const TestDigits test_digits = latents_as_attributes(first.vae, test_set, L, opt.seed, out_dir);

    // ---- Scott slides 31-32: a VAE with a 2-D latent space ----
    const std::vector<double> curve2 =
        two_d_latent_space(train_set, test_set, epochs, test_digits.shapes, test_digits.spread, gen, out_dir);
    loss_curves(first.curve, curve2, L, epochs, train_set, out_dir);
    fmt::print("wrote {0}/samples.png, {0}/traversal.png, {0}/manifold.png, {0}/codes.png and {0}/loss.png\n", out_dir);

    // ---- Verdict ----
    const double marginal_nll = marginal_bernoulli_nll(train_set, test_set);
    // Measured: see docs (./lab verify vae); the default run lands within a nat of the published
    // log of pytorch/examples' VAE, the same 784-400-20 model, Adam 1e-3, batches of 128 and
    // summed BCE: 106.66 after epoch 7 (github.com/pytorch/examples/pull/1416). The 2-D model,
    // trained alike, ends some 50 nats higher: two latent numbers cost that much. Slide 26 is
    // measured above, not claimed here: what it shows depends on the seed.
    // Against that reference the margin is thin: 106.62 (seed 10, OpenBLAS Haswell, 2 threads)
    // against 106.66, and 106.48 to 106.64 over seeds 10-11 (the starts differ: PyTorch's Linear
    // default against models/vae.cpp's He and Xavier initialisations).
    const double elbo = first.curve.back();
    const double reference = 106.66;  // pytorch/examples' test loss after 7 epochs (pull request 1416)
    lecture::quick_scope(opt,
                         "5,000 training images and 1,000 test images (not 60,000 and 10,000), both models still 10 "
                         "epochs: the published reference is printed by the default run only; the KL check and the "
                         "marginal baseline are the same");
    lecture::Verdict verdict(
        "the VAE's test negative ELBO beats a decoder that ignores z, and the closed-form KL "
        "matches a Monte-Carlo estimate within its sampling error");
    verdict.at_most("kl_matches", std::abs(kl.mc - kl.closed), 4.0 * kl.se,
                    fmt::format("|Monte Carlo - closed form| of the KL of 10 test codes, nats ({:.3f} against {:.3f}; "
                                "{:.2f} standard errors)",
                                kl.mc, kl.closed, std::abs(kl.mc - kl.closed) / kl.se),
                    fmt::format("4 Monte-Carlo standard errors of the 10,000-sample mean (SE {:.4f}, computed from "
                                "the draws); a correct closed form lands outside with probability 6e-5 (normal); "
                                "float32 rounding of the closed form is 1e-6 relative, far below",
                                kl.se));
    verdict.below(
        "beats_marginal", elbo, marginal_nll,
        fmt::format("test negative ELBO per image after {} epochs on {} images, nats", epochs, train_set.size()),
        "the per-pixel marginal Bernoulli of this run's training images, KL 0: a decoder that ignores z");
    // The published number is printed beside ours, not made a clause: the two differ by less than
    // our own spread over seeds (106.48 to 106.64), and PyTorch's spread over its seeds is not
    // published.
    if (!opt.quick)
        fmt::print(
            "test negative ELBO {:.2f} nats after 10 epochs; pytorch/examples' VAE, the same model and "
            "training, logged {:.2f} after 7 of its 10 (github.com/pytorch/examples/pull/1416)\n",
            elbo, reference);
    return verdict.finish(
        fmt::format("test -ELBO {:.2f} nats after {} epochs on {} images (2-D latent {:.2f}); KL "
                    "closed form {:.3f}, Monte Carlo {:.3f} ({:.2f}%)",
                    elbo, epochs, train_set.size(), curve2.back(), kl.closed, kl.mc, 100.0 * kl.gap));
} catch (const std::exception& e) {
    return lecture::fail("vae", e);
}

// Try this:
//  1. Drop the latent loss: in models/vae.cpp return {reconstruction, reconstruction, kl}. With
//     --quick the reconstruction gets better (85 nats against 100) but the KL grows to 174, the
//     negative ELBO to 260, and samples.png turns into blobs and broken strokes: the codes no
//     longer fill N(0, I), so most of what the prior draws decodes to nothing.
//  2. Traverse from z = 0 instead of a digit's code: delete the line of the traversal loop that
//     copies the code of test image `centre` into every column. Every row of traversal.png
//     then passes through the same faint grey blur in its middle column (z = 0 decodes to no
//     digit at all) and turns into two different digits at its two ends: around the prior's
//     centre a coordinate chooses between digits rather than changing one digit's style.
//  3. Zoom manifold.png in: R = 1.0. In the default run you look into the crowded middle of
//     codes.png: 8s, 5s, 7s, 9s, 4s, 6s, 2s, 3s and 0s on a square a third as wide, each
//     blending into its neighbours through blurry mixtures.
