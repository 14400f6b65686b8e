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
//          its loss, its closed-form KL against a Monte-Carlo estimate, 64 generated digits; then
//          a second VAE with a 2-D latent space, its decoded manifold and its codes by digit.
// Run:     ./lab run vae                      (build/lectures/vae [--quick] [--seed N])
// Prints:  the gradients of the trick, one line per epoch (negative ELBO per image, split into
//          reconstruction and KL), the KL check, and a last line "VERDICT: ... : HOLDS (...)";
//          writes out/vae/samples.png, manifold.png, codes.png and loss.png.
//
// Dimension letters: N images, D = 784 pixels, H = 400 hidden units, L latent dimensions (20 or 2).

#include <cmath>

#include <fmt/format.h>

#include <xtensor/xview.hpp>

#include "lecture.hpp"
#include "models/vae.hpp"
#include "io/io.hpp"
#include "nn/nn.hpp"

using namespace autograd;

namespace {

// The negative ELBO per image on a data set, and its two parts, with one z drawn per image
// (as in training) from `gen`.
struct Elbo {
    double total = 0.0, reconstruction = 0.0, kl = 0.0;
};

Elbo test_elbo(models::VAE& vae, const nn::Dataset& data, Generator& gen) {
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
std::vector<double> train(models::VAE& vae, const nn::Dataset& train_set, const nn::Dataset& test_set,
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

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt =
        lecture::parse_args(argc, argv, "vae", 10, "trains variational autoencoders on MNIST and samples from them");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);

    // ---- Scott slide 29: the reparameterization trick, on two numbers ----
    lecture::section("Scott slide 29: gradients through z = mu + sigma eps");
    // One latent variable with mean mu and log-variance s = log sigma^2, and a toy loss of the
    // sample, f(z) = z^2. With z = mu + exp(s / 2) eps, eps ~ N(0, 1) drawn outside the graph:
    //   df/dmu = 2 z,   df/ds = 2 z * eps * exp(s / 2) / 2 = z eps sigma.
    // The random draw is a constant input, like x; mu and s stay on the path from parameters to
    // loss, so backward() reaches them.
    {
        Tensor mu = full({1}, 0.5, /*requires_grad=*/true), s = full({1}, -1.0, /*requires_grad=*/true);
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
        Tensor mu2 = full({1}, 0.5, /*requires_grad=*/true);
        const Tensor z_sampled(xt::xarray<float>(mu2.value() + sigma * randn({1}, gen).value()));
        fmt::print("a sampled z has no history: requires_grad = {}, so mu would get no gradient at all\n",
                   z_sampled.requires_grad());
    }

    // ---- The data ----
    // --quick: 5,000 training images and 1,000 test images.
    const nn::Dataset train_set = io::load_mnist(io::default_mnist_dir(), /*train=*/true, opt.quick ? 5000 : 0);
    const nn::Dataset test_set = io::load_mnist(io::default_mnist_dir(), /*train=*/false, opt.quick ? 1000 : 0);
    fmt::print("\n{} training images, {} test images\n", train_set.size(), test_set.size());

    // ---- Scott slides 25, 27-28: the model and its loss ----
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
    const std::size_t L = 20;
    models::VAE vae(784, 400, L, gen);
    fmt::print("{}", vae.summary({1, 784}));
    const std::size_t epochs = 10;  // as in PyTorch's example; --quick on 5,000 images only
    const std::vector<double> curve = train(vae, train_set, test_set, epochs, gen);

    // ---- The KL term: closed form against Monte Carlo ----
    lecture::section("Scott slide 28: the latent loss, closed form against 10,000 samples");
    // For one test image's q(z | x) = N(mu, diag sigma^2): KL(q || p) = E_q[log q(z) - log p(z)].
    // Draw z_k = mu + sigma eps_k for k = 1..10,000 and average
    //   log q(z) - log p(z) = sum_j [-1/2 eps_j^2 - log sigma_j + 1/2 z_j^2]
    // (the 1/2 log 2 pi terms cancel). Done for the first 10 test images, then summed.
    double kl_closed = 0.0, kl_mc = 0.0, kl_sigma_form = 0.0;
    {
        NoGradGuard no_grad;
        const Tensor x10 = test_set.batch({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});  // (10, D)
        const models::VAE::Code code = vae.encode(x10);                     // (10, L) each
        kl_closed = gaussian_kl(code.mu, code.logvar, Reduction::Sum).item();
        const xt::xarray<float>& mu = code.mu.value();
        const xt::xarray<float>& logvar = code.logvar.value();
        const std::size_t samples = 10000;
        for (std::size_t i = 0; i < 10; ++i) {
            double total = 0.0;
            for (std::size_t k = 0; k < samples; ++k)
                for (std::size_t j = 0; j < L; ++j) {
                    const double e = gen.normal(), sigma = std::exp(0.5 * logvar(i, j));
                    const double z = mu(i, j) + sigma * e;
                    total += -0.5 * e * e - std::log(sigma) + 0.5 * z * z;
                }
            kl_mc += total / static_cast<double>(samples);
            // Slide 28's form, with sigma itself: 1/2 sum (sigma^2 + mu^2 - 1 - log(1e-10 + sigma^2)).
            for (std::size_t j = 0; j < L; ++j) {
                const double s2 = std::exp(static_cast<double>(logvar(i, j)));
                kl_sigma_form += 0.5 * (s2 + mu(i, j) * mu(i, j) - 1.0 - std::log(1e-10 + s2));
            }
        }
    }
    const double kl_gap = std::abs(kl_mc - kl_closed) / kl_closed;
    fmt::print(
        "KL of the first 10 test images' codes: closed form {:.3f}, slide 28's sigma form {:.3f}, Monte Carlo "
        "{:.3f} (relative difference {:.3f}%)\n",
        kl_closed, kl_sigma_form, kl_mc, 100.0 * kl_gap);

    // ---- Scott slide 30: new digits from z ~ N(0, I) ----
    {
        NoGradGuard no_grad;
        const Tensor z = randn({64, L}, gen);                 // (64, L)
        const Tensor images = sigmoid(vae.decode_logits(z));  // (64, D)
        io::GridOptions grid;
        grid.columns = 8;
        grid.scale = 3;
        io::save_image_grid(out_dir + "/samples.png", images.value(), 28, 28, grid);
    }

    // ---- Scott slides 31-32: a VAE with a 2-D latent space ----
    lecture::section("Scott slides 31-32: a VAE with a 2-D latent space");
    models::VAE vae2(784, 400, 2, gen);
    const std::size_t epochs2 = opt.quick ? 10 : 5;
    const std::vector<double> curve2 = train(vae2, train_set, test_set, epochs2, gen);
    {
        NoGradGuard no_grad;
        // Slide 31: decode a uniform 20 x 20 grid of z over [-3, 3]^2 (three standard deviations
        // of the prior): neighbouring codes decode to similar digits, and the digits morph into
        // one another across the square.
        const std::size_t G = 20;
        xt::xarray<float> grid_z = xt::zeros<float>({G * G, std::size_t{2}});  // (G^2, 2)
        for (std::size_t r = 0; r < G; ++r)
            for (std::size_t c = 0; c < G; ++c) {
                grid_z(r * G + c, 0) = static_cast<float>(-3.0 + 6.0 * c / (G - 1));  // z1 left to right
                grid_z(r * G + c, 1) = static_cast<float>(3.0 - 6.0 * r / (G - 1));   // z2 bottom to top
            }
        const Tensor manifold = sigmoid(vae2.decode_logits(Tensor(grid_z)));  // (G^2, D)
        io::GridOptions grid;
        grid.columns = G;
        grid.scale = 1;
        grid.gap = 0;
        io::save_image_grid(out_dir + "/manifold.png", manifold.value(), 28, 28, grid);
        // Slide 32: the mean code mu of every test image, coloured by its digit.
        const Tensor mu = vae2.encode(Tensor(test_set.images)).mu;  // (N, 2)
        io::PlotOptions plot;
        plot.title = "2-D VAE: test codes (mu) by digit";
        plot.xlabel = "z1";
        plot.ylabel = "z2";
        io::save_scatter(out_dir + "/codes.png", mu.value(), test_set.labels, plot,
                         {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
    }
    std::vector<double> axis, axis2;
    for (std::size_t e = 1; e <= epochs; ++e) axis.push_back(static_cast<double>(e));
    for (std::size_t e = 1; e <= epochs2; ++e) axis2.push_back(static_cast<double>(e));
    io::PlotOptions loss_plot;
    loss_plot.title = "VAE on MNIST: test negative ELBO";
    loss_plot.xlabel = "epoch";
    loss_plot.ylabel = "nats per image";
    io::save_line_plot(out_dir + "/loss.png", {{"latent 20", axis, curve}, {"latent 2", axis2, curve2}}, loss_plot);
    fmt::print("wrote {0}/samples.png, {0}/manifold.png, {0}/codes.png and {0}/loss.png\n", out_dir);

    // ---- Verdict ----
    // Measured: default run (60,000 images, 10 epochs), test negative ELBO 106.62 nats with
    // seed 10 and 106.52 with seed 11, in line with PyTorch's example of the same model (about
    // 105-106 after 10 epochs); hence the claim "below 108". --quick (5,000 images): 123.5-124.0
    // over seeds 10-12, claim "below 130". The KL check: closed form and Monte Carlo agree to
    // 0.01-0.06% (the sampling error of 10,000 draws is about 0.1%).
    const double threshold = opt.quick ? 130.0 : 108.0;
    const double elbo = curve.back();
    const bool holds = elbo < threshold && kl_gap < 0.02;
    return lecture::verdict(
        fmt::format("the test negative ELBO per image is below {} nats, and the closed-form KL matches a 10,000-sample "
                    "Monte-Carlo estimate within 2%",
                    threshold),
        holds,
        fmt::format("test -ELBO {:.2f} nats after {} epochs on {} images; KL closed form {:.3f}, Monte Carlo {:.3f} "
                    "({:.2f}%)",
                    elbo, epochs, train_set.size(), kl_closed, kl_mc, 100.0 * kl_gap));
} catch (const std::exception& e) {
    return lecture::fail("vae", e);
}

// Try this:
//  1. Drop the latent loss: in models/vae.cpp return {reconstruction, reconstruction, kl}. With
//     --quick the reconstruction gets better (85 nats against 100) but the KL grows to 174, the
//     negative ELBO to 260, and samples.png turns into blobs and broken strokes: the codes no
//     longer fill N(0, I), so most of what the prior draws decodes to nothing.
//  2. Compare the two models' last epochs: two latent numbers cost about 55 nats per image
//     (161.7 against 106.6 in the default run), yet manifold.png shows every digit somewhere;
//     what is lost is the detail of each one's style.
//  3. Move the grid of manifold.png to [-1, 1]^2 (change 3.0 and 6.0 to 1.0 and 2.0): you zoom
//     into the crowded middle of codes.png, where the digits meet.
