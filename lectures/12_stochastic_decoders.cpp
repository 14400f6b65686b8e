// Lecture 12: stochastic autoencoders: a decoder that outputs a distribution p(x | h).
//
// Follows: Lamúrias, "5 - Autoencoders", heading "Stochastic Autoencoders" (the decoder models a
//          conditional probability p_decoder(x | h), with h given by the encoder; its output
//          units are chosen as for any network: linear for the mean of a Gaussian, sigmoid for
//          Bernoulli, softmax for discrete categories; encoder and decoder as p_encoder(h | x) and
//          p_decoder(x | h)) and the first slides of "Generating Data" (encode to a latent
//          representation, decode to recreate the data from it).
// Shows:   the same encoder, 784-256-32 with ReLU, trained three times, each time under another
//          decoder and by minimising the negative log-likelihood -log p(x | h) of that decoder's
//          distribution: a Gaussian (linear output, squared error), a Bernoulli per pixel
//          (sigmoid output, cross-entropy) and a categorical over 4 gray levels per pixel
//          (softmax output, categorical cross-entropy); each model's test NLL before and after
//          training, against the per-pixel marginal model of its distribution (the same
//          distribution fitted per pixel, ignoring h: what a decoder gains from the code); and,
//          for test images, draws x ~ p(x | h) from each decoder next to its mean.
// Run:     ./lab run stochastic_decoders      (build/lectures/stochastic_decoders [--quick] [--seed N])
// Prints:  for each decoder its summary, its NLL on the test images untrained and that of its
//          marginal model, one line per epoch and its NLL trained; the best fixed sigma for the
//          Gaussian, and two stronger Gaussian baselines; how well samples overlap the digits
//          they were encoded from; the NLLs untrained, trained and marginal; and a last line
//          "VERDICT: ... : HOLDS (...)"; writes out/stochastic_decoders/samples.png.
//
// Dimension letters: N images, D = 784 pixels, H = 256 hidden units, C = 32 code units,
// K = 4 gray levels.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <xtensor/xmath.hpp>

#include "io/io.hpp"
#include "lecture.hpp"
#include "nn/nn.hpp"

using namespace autograd;

namespace {

constexpr std::size_t D = 784, H = 256, C = 32, K = 4;
constexpr double sigma = 0.1;  // the Gaussian decoder's fixed standard deviation: sigma^2 = 0.01
constexpr double pi = 3.14159265358979323846;

// The three choices of output unit on Lamúrias's slide.
enum class Decoder { Gaussian, Bernoulli, Categorical };

std::string name_of(Decoder d) {
    switch (d) {
        case Decoder::Gaussian: return "Gaussian";
        case Decoder::Bernoulli: return "Bernoulli";
        case Decoder::Categorical: return "categorical";
    }
    return "?";
}

// The encoder f: x (N, D) -> 256 -> h (N, C), ReLU after each layer, the same design for all
// three models (each model has its own).
// The decoder g: h (N, C) -> 256 -> the parameters of p(x | h): D numbers (the Gaussian's mean,
// the Bernoulli's logits), or K logits per pixel (N, D*K) for the categorical. Its last layer
// has no activation of its own: the sigmoid and the softmax live inside the losses, which are
// stabler that way (bce_with_logits, log_softmax).
class StochasticAutoencoder : public nn::Module {
public:
    StochasticAutoencoder(Decoder kind, Generator& gen) : kind(kind) {
        const std::size_t outputs = kind == Decoder::Categorical ? D * K : D;
        encoder = register_module("encoder", std::make_shared<nn::Sequential>(nn::Linear(D, H, gen), nn::ReLU(),
                                                                              nn::Linear(H, C, gen), nn::ReLU()));
        decoder = register_module("decoder", std::make_shared<nn::Sequential>(nn::Linear(C, H, gen), nn::ReLU(),
                                                                              nn::Linear(H, outputs, gen)));
    }
    Tensor forward(const Tensor& x) override { return (*decoder)((*encoder)(x)); }  // (N, D) -> (N, D) or (N, D*K)
    std::string type_name() const override { return "StochasticAutoencoder(" + name_of(kind) + ")"; }

    Decoder kind;
    std::shared_ptr<nn::Sequential> encoder, decoder;
};

// The gray level of each pixel, row after row: k = round(x (K - 1)) in {0, ..., K-1}, standing
// for the value k / (K - 1), so 0, 1/3, 2/3, 1. The bins are [0, 1/6), [1/6, 1/2), [1/2, 5/6)
// and [5/6, 1]: each inner level is its bin's centre; the two end bins are half as wide and
// stand for exactly 0 and 1, the values most MNIST pixels take (so the background stays black).
std::size_t level_of(float x) { return static_cast<std::size_t>(std::lround(std::clamp(x, 0.0f, 1.0f) * (K - 1))); }

std::vector<std::size_t> levels_of(const xt::xarray<float>& x) {  // x (N, D) -> (N*D)
    std::vector<std::size_t> k(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) k[i] = level_of(x.flat(i));
    return k;
}

// The categorical decoder's K logits per pixel, one pixel per row.
Tensor per_pixel(const Tensor& z) { return reshape(z, {z.shape()[0] * D, K}); }  // (N, D*K) -> (N*D, K)

// ---- Lamúrias, Stochastic Autoencoders: -log p(x | h), summed over the N images, in nats ----
// Gaussian, mu = g(h), covariance sigma^2 I with sigma fixed:
//   -log p(x | h) = ||x - mu||^2 / (2 sigma^2) + (D/2) log(2 pi sigma^2)
// the squared error, scaled, plus a constant: minimising one minimises the other.
// Bernoulli, p = sigmoid(z), z = g(h):
//   -log p(x | h) = -sum_j [x_j log p_j + (1 - x_j) log(1 - p_j)]
// the binary cross-entropy summed over the D pixels.
// Categorical, p_j = softmax(z_j) over pixel j's K logits, k_j the pixel's gray level:
//   -log p(k | h) = -sum_j log p_j[k_j]
// the cross-entropy of a classifier, one K-way classification per pixel.
Tensor nll(Decoder kind, const Tensor& out, const Tensor& x) {
    const double n = static_cast<double>(x.shape()[0]);
    switch (kind) {
        case Decoder::Gaussian:
            return mse_loss(out, x, Reduction::Sum) * (0.5 / (sigma * sigma)) +
                   n * 0.5 * static_cast<double>(D) * std::log(2.0 * pi * sigma * sigma);
        case Decoder::Bernoulli: return bce_with_logits(out, x, Reduction::Sum);
        case Decoder::Categorical: return cross_entropy(per_pixel(out), levels_of(x.value()), Reduction::Sum);
    }
    return Tensor();
}

// The probabilities of the K levels of every pixel.
xt::xarray<float> level_probabilities(const Tensor& z) {  // (N, D*K) -> (N*D, K)
    return exp(log_softmax(per_pixel(z), 1)).value();
}

// The mean of p(x | h) (N, D): mu; p = sigmoid(z); sum_k p[k] k / (K - 1), the expected gray value.
xt::xarray<float> mean_of(Decoder kind, const Tensor& out) {
    switch (kind) {
        case Decoder::Gaussian: return out.value();
        case Decoder::Bernoulli: return sigmoid(out).value();
        case Decoder::Categorical: {
            const xt::xarray<float> p = level_probabilities(out);                // (N*D, K)
            const xt::xarray<float> value = xt::linspace<float>(0.0f, 1.0f, K);  // (K,)
            xt::xarray<float> m = xt::sum(p * value, {1});                       // (N*D,)
            m.reshape({out.shape()[0], D});                                      // (N, D)
            return m;
        }
    }
    return {};
}

// Each pixel 1 with probability p, else 0: 1 when a uniform u in [0, 1) falls below p.
xt::xarray<float> bernoulli_sample(const xt::xarray<float>& p, Generator& gen) {  // (N, D) -> (N, D)
    const xt::xarray<float> u = autograd::rand(Shape(p.shape().begin(), p.shape().end()), gen).value();
    return xt::cast<float>(u < p);
}

// One draw x ~ p(x | h) (N, D), every pixel independently given h:
// Gaussian: mu + sigma eps, eps ~ N(0, 1); Bernoulli: 1 with probability p, else 0;
// categorical: a level k with probability p[k] (the first k whose cumulative probability passes
// a uniform u), drawn as the gray value k / (K - 1).
xt::xarray<float> sample_of(Decoder kind, const Tensor& out, Generator& gen) {
    const Shape shape{out.shape()[0], D};
    switch (kind) {
        case Decoder::Gaussian: return out.value() + static_cast<float>(sigma) * randn(shape, gen).value();
        case Decoder::Bernoulli: return bernoulli_sample(sigmoid(out).value(), gen);
        case Decoder::Categorical: {
            const xt::xarray<float> p = level_probabilities(out);  // (N*D, K)
            xt::xarray<float> x = xt::zeros<float>(shape);         // (N, D)
            for (std::size_t i = 0; i < x.size(); ++i) {
                const double u = gen.uniform();
                double cumulative = 0.0;
                std::size_t k = 0;
                for (; k + 1 < K; ++k) {
                    cumulative += p(i, k);
                    if (u < cumulative) break;
                }
                x.flat(i) = static_cast<float>(k) / static_cast<float>(K - 1);
            }
            return x;
        }
    }
    return {};
}

// The mean NLL per test image, in nats, without recording a graph.
double test_nll(StochasticAutoencoder& model, const io::Dataset& data) {
    NoGradGuard no_grad;
    double total = 0.0;
    for (const nn::Batch& batch : nn::DataLoader(data, 1000, /*shuffle=*/false, 0))
        total += nll(model.kind, model(batch.x), batch.x).item();
    return total / static_cast<double>(data.size());
}

// Adam (lr 1e-3, batches of 128) on the mean NLL per image of each minibatch.
void train(StochasticAutoencoder& model, const io::Dataset& train_set, const io::Dataset& test_set, std::size_t epochs,
           Generator& gen) {
    nn::Adam adam(model.parameters(), 1e-3);
    nn::DataLoader loader(train_set, 128, /*shuffle=*/true, gen.next_u64());
    nn::TrainLog log(epochs, loader.num_batches());
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        log.start_epoch();
        for (const nn::Batch& batch : loader) {
            adam.zero_grad();
            const double n = static_cast<double>(batch.labels.size());
            Tensor loss = nll(model.kind, model(batch.x), batch.x) / n;  // () nats per image
            loss.backward();
            adam.step();
            log.batch(loss.item(), batch.labels.size());
        }
        log.end_epoch(fmt::format("test {:.1f} nats", test_nll(model, test_set)));
    }
}

// ---- The baseline: each decoder's distribution with h ignored ----
// The per-pixel marginal model: the same family of distributions, each pixel on its own,
// fitted on the training images by maximum likelihood and the same for every image. It is the
// best a decoder can do that does not use its code h; a decoder that beats it has learned
// something about the image from h.
//   Gaussian:    N(m_j, sigma^2), m_j the mean of pixel j over the training images, and the
//                decoder's own fixed sigma.
//   Bernoulli:   p_j = (sum_n x_nj + 1) / (N + 2), the pixel's mean with one pseudo-image of
//                each colour (Laplace's rule): a pixel black in every training image would
//                otherwise get p_j = 0 and an infinite NLL on the first test image with ink there.
//   categorical: p_jk = (count of level k at pixel j + 1) / (N + K), the level frequencies,
//                smoothed alike.
// Returns the mean NLL per test image, in nats.
double marginal_nll(Decoder kind, const xt::xarray<float>& train, const xt::xarray<float>& test) {  // (N, D) each
    const double n_train = static_cast<double>(train.shape()[0]), n_test = static_cast<double>(test.shape()[0]);
    const xt::xarray<double> x = xt::cast<double>(test);  // (N', D)
    switch (kind) {
        case Decoder::Gaussian: {
            const xt::xarray<double> m = xt::mean(xt::cast<double>(train), {0});  // (D,)
            return xt::sum(xt::square(x - m))() / (2.0 * sigma * sigma) / n_test +
                   0.5 * static_cast<double>(D) * std::log(2.0 * pi * sigma * sigma);
        }
        case Decoder::Bernoulli: {
            const xt::xarray<double> p = (xt::sum(xt::cast<double>(train), {0}) + 1.0) / (n_train + 2.0);  // (D,)
            return -xt::sum(x * xt::log(p) + (1.0 - x) * xt::log(1.0 - p))() / n_test;
        }
        case Decoder::Categorical: {
            xt::xarray<double> count = xt::ones<double>({D, K});  // (D, K): the one pseudo-count of each level
            for (std::size_t i = 0; i < train.size(); ++i) count(i % D, level_of(train.flat(i))) += 1.0;
            const xt::xarray<double> log_p = xt::log(count / (n_train + static_cast<double>(K)));  // (D, K)
            double total = 0.0;
            for (std::size_t i = 0; i < test.size(); ++i) total -= log_p(i % D, level_of(test.flat(i)));
            return total / n_test;
        }
    }
    return 0.0;
}

// Does a sample look like the digit it came from? Its ink (pixels above 1/2) against the ink
// of the original: |both| / |either| (intersection over union), averaged over the images. An
// empty (black) sample scores 0, an exact copy 1, and a sample of uniform noise about 0.1.
double ink_overlap(const xt::xarray<float>& sample, const xt::xarray<float>& original) {  // both (N, D)
    const std::size_t n = original.shape()[0];
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t both = 0, either = 0;
        for (std::size_t j = 0; j < D; ++j) {
            const bool a = sample(i, j) > 0.5f, b = original(i, j) > 0.5f;
            both += a && b;
            either += a || b;
        }
        total += either ? static_cast<double>(both) / static_cast<double>(either) : 1.0;
    }
    return total / static_cast<double>(n);
}

// One sample per test image from the model, scored by ink_overlap (a thousand images at a
// time: the categorical decoder's output for all 10,000 would take 125 MB).
double sample_overlap(StochasticAutoencoder& model, const io::Dataset& data, Generator& gen) {
    NoGradGuard no_grad;
    double total = 0.0;
    for (const nn::Batch& batch : nn::DataLoader(data, 1000, /*shuffle=*/false, 0)) {
        const double n = static_cast<double>(batch.labels.size());
        total += n * ink_overlap(sample_of(model.kind, model(batch.x), gen), batch.x.value());
    }
    return total / static_cast<double>(data.size());
}

// The squared error per pixel of the decoder's mean E[x | h] against the original: the one
// number the three decoders share, since their NLLs are not on a common scale.
double mean_mse(StochasticAutoencoder& model, const io::Dataset& data) {
    NoGradGuard no_grad;
    double total = 0.0;
    for (const nn::Batch& batch : nn::DataLoader(data, 1000, /*shuffle=*/false, 0))
        total += xt::sum(xt::square(mean_of(model.kind, model(batch.x)) - batch.x.value()))();
    return total / static_cast<double>(data.images.size());
}

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt =
        lecture::parse_args(argc, argv, "stochastic_decoders", 9,
                            "trains Gaussian, Bernoulli and categorical decoders on MNIST and samples from them");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);
    Generator sampler(opt.seed + 1000);  // the draws x ~ p(x | h), apart from training's randomness

    // --quick: 4,000 training images and 1,000 test images.
    const io::Dataset train_set = lecture::load_mnist(opt, /*train=*/true, /*images=*/opt.quick ? 4000 : 0);
    const io::Dataset test_set = lecture::load_mnist(opt, /*train=*/false, /*images=*/opt.quick ? 1000 : 0);
    fmt::print("{} training images, {} test images\n", train_set.size(), test_set.size());
    const std::size_t epochs = opt.quick ? 8 : 5;

    // ---- Lamúrias, Stochastic Autoencoders: the decoder models p_decoder(x | h) ----
    // Until now the decoder gave one reconstruction r = g(h) and the loss L(x, r) was a choice.
    // Read the decoder's output as the parameters of a distribution over images instead,
    // p(x | h), and the loss is no longer a choice: it is -log p(x | h), the negative
    // log-likelihood of the image under that distribution, just as a softmax classifier is
    // trained on -log p(y | x). Each choice of output unit is a distribution, and its loss
    // follows (the formulas are above nll()):
    //   linear  -> the mean mu of a Gaussian, here with fixed sigma^2 = 0.01  -> squared error
    //   sigmoid -> the probability p of a Bernoulli per pixel                 -> binary cross-entropy
    //   softmax -> the probabilities of K categories per pixel               -> categorical cross-entropy
    // The three NLLs are not comparable with one another: the Gaussian's is a density over
    // real-valued images (it can be negative: a density can exceed 1), the categorical's a
    // probability over binned images. What each can be compared with is the same distribution
    // without the code: the per-pixel marginal model (marginal_nll, above main), the best any
    // decoder that ignores h can do.
    //
    // A subtlety of the Bernoulli: a Bernoulli is over pixels that are 0 or 1, and MNIST's
    // are gray values in [0, 1]. Using the gray value as the target of the cross-entropy is
    // standard practice; the result is not a normalised likelihood over [0, 1]-valued images
    // (the "continuous Bernoulli" of Loaiza-Ganem and Cunningham, 2019, adds the missing
    // normaliser), and its minimum is not 0 but the entropy of the gray pixels.
    const std::vector<Decoder> kinds{Decoder::Gaussian, Decoder::Bernoulli, Decoder::Categorical};
    const std::vector<std::string> units{"linear output, squared error", "sigmoid output, binary cross-entropy",
                                         fmt::format("softmax over K = {} levels, categorical cross-entropy", K)};
    std::vector<std::unique_ptr<StochasticAutoencoder>> models;
    std::vector<double> before, after, marginal;  // test NLL, nats per image
    std::vector<double> overlap_before;           // ink overlap of the untrained decoder's samples (see below)
    for (std::size_t m = 0; m < kinds.size(); ++m) {
        lecture::section(
            fmt::format("Lamúrias, Stochastic Autoencoders: a {} decoder ({})", name_of(kinds[m]), units[m]));
        models.push_back(std::make_unique<StochasticAutoencoder>(kinds[m], gen));
        StochasticAutoencoder& model = *models.back();
        fmt::print("{}", model.summary({1, D}));
        before.push_back(test_nll(model, test_set));
        overlap_before.push_back(sample_overlap(model, test_set, sampler));
        fmt::print("test NLL untrained: {:.1f} nats per image\n", before.back());
        marginal.push_back(marginal_nll(kinds[m], train_set.images, test_set.images));
        fmt::print("test NLL of the per-pixel marginal model (h ignored): {:.1f} nats per image\n", marginal.back());
        train(model, train_set, test_set, epochs, gen);
        after.push_back(test_nll(model, test_set));
        fmt::print("test NLL trained:   {:.1f} nats per image\n", after.back());
    }
    // For scale: the untrained Bernoulli decoder outputs logits near 0, p = 1/2 for every
    // pixel, so about 784 log 2 = 543 nats; the untrained categorical, about 784 log 4 = 1087.
    //
    // The Gaussian's sigma was fixed, not learned, and it only scales the squared error: the
    // best mean is the same for any sigma (and Adam, blind to the loss's scale, takes nearly
    // the same steps). Per pixel, NLL / D = mse / (2 sigma^2) +
    // log(2 pi sigma^2) / 2, so the test NLL gives back the MSE per pixel; setting the
    // derivative in sigma^2 to 0, the best fixed sigma^2 for this mean is that MSE, where the
    // NLL is (D/2)(1 + log(2 pi mse)).
    const double log_2pi_s2 = std::log(2.0 * pi * sigma * sigma);
    const double gaussian_mse = 2.0 * sigma * sigma * (after[0] / static_cast<double>(D) - 0.5 * log_2pi_s2);
    const double gaussian_best = 0.5 * static_cast<double>(D) * (1.0 + std::log(2.0 * pi * gaussian_mse));
    fmt::print(
        "\nthe Gaussian decoder's test MSE is {:.4f} per pixel: with sigma^2 = {:.4f} (sigma {:.3f}) instead of "
        "{:.4g}, the same mean would score {:.1f} nats per image instead of {:.1f}\n",
        gaussian_mse, gaussian_mse, std::sqrt(gaussian_mse), sigma * sigma, gaussian_best, after[0]);

    // A stronger Gaussian baseline, outside the decoder's family: the marginal model with a
    // variance of its own per pixel, v_j = the pixel's variance over the training images, but
    // never below the decoder's sigma^2 (a pixel black in every training image has v_j = 0, an
    // infinite density at 0, and an infinite NLL on the first test image with ink there). It
    // knows which pixels vary, which a fixed sigma shared by all 784 pixels cannot say.
    const double per_pixel_variance_nll = [&] {
        // The casts stay lazy: 60,000 training images copied as doubles would take 376 MB.
        const xt::xarray<double> m = xt::mean(xt::cast<double>(train_set.images), {0});  // (D,)
        const xt::xarray<double> v =
            xt::maximum(xt::mean(xt::square(xt::cast<double>(train_set.images) - m), {0}), sigma * sigma);  // (D,)
        return xt::sum(0.5 * xt::log(2.0 * pi * v) + xt::square(xt::cast<double>(test_set.images) - m) / (2.0 * v))() /
               static_cast<double>(test_set.size());
    }();
    // The margin is not the choice of sigma: the marginal model's own best fixed sigma^2 is its
    // MSE per pixel, as for the decoder above.
    const xt::xarray<float> mean_image = xt::mean(train_set.images, {0});  // (D,)
    const double marginal_mse = xt::mean(xt::square(xt::cast<double>(test_set.images) - mean_image))();
    const double marginal_best = 0.5 * static_cast<double>(D) * (1.0 + std::log(2.0 * pi * marginal_mse));
    fmt::print("the marginal Gaussian at its own best sigma^2 ({:.4f}) scores {:.1f} nats per image\n", marginal_mse,
               marginal_best);
    fmt::print(
        "the marginal model with a variance per pixel (at least sigma^2 = {:.4g}) scores {:.1f} nats per image\n",
        sigma * sigma, per_pixel_variance_nll);
    // Measured: the default run (seed 9) scores -362 nats per image here, against -485 for the
    // decoder (-526 at its best fixed sigma): the decoder wins. After --quick it does not: -368
    // against -140 (-348 at its best sigma). The marginal model gives the pixels along the
    // strokes a wide variance and the background, which hardly ever varies, the narrow 0.01; the
    // decoder has one sigma for all 784 pixels, too narrow for its errors along the strokes (at
    // 0.1) or too wide for the background (at its best sigma). Only once its means are good, in
    // the default run, does it win anyway. A decoder with a variance output per pixel, as the
    // VAE lecture's encoder has one per latent, would not have to choose.

    // ---- Lamúrias, Generating Data: decode h to recreate the data, and draw from p(x | h) ----
    // A stochastic decoder gives a whole distribution: its mean is the usual reconstruction,
    // and a sample is a draw x ~ p(x | h) with every pixel drawn independently given h.
    lecture::section("Lamúrias, Generating Data: samples x ~ p(x | h) for test images");
    std::vector<std::size_t> first(16);
    for (std::size_t i = 0; i < first.size(); ++i) first[i] = i;
    const Tensor x = test_set.batch(first);  // (16, D)
    std::vector<std::pair<std::string, xt::xarray<float>>> rows{{"original", x.value()}};
    for (const auto& model : models) {
        NoGradGuard no_grad;
        const Tensor out = (*model)(x);  // (16, D) or (16, D*K)
        rows.push_back({name_of(model->kind) + " mean", mean_of(model->kind, out)});
        rows.push_back({name_of(model->kind) + " sample", sample_of(model->kind, out, sampler)});
    }
    {
        // And what a decoder that ignores h draws: the marginal Bernoulli, p = the mean training
        // image, the same for every column (its own generator, so the draws below are unchanged).
        Generator marginal_gen(opt.seed + 2000);
        xt::xarray<float> p = xt::zeros<float>(x.value().shape());  // (16, D)
        p += mean_image;                                            // in every row
        rows.push_back({"marginal sample", bernoulli_sample(p, marginal_gen)});
    }
    io::GridOptions grid;
    grid.columns = 16;
    grid.scale = 2;
    grid.title = "Stochastic decoders: the mean of p(x | h) and one draw from it, for 16 test digits";
    grid.caption = "last row: draws from the per-pixel marginal Bernoulli, which ignores h";
    grid.scale_key = "pixel value (Gaussian draws outside [0, 1] drawn clipped)";
    io::save_image_rows(out_dir + "/samples.png", rows, 28, 28, grid);
    fmt::print("wrote {}/samples.png\n", out_dir);
    // What we saw in samples.png (default run, seed 9; --quick looks the same, blurrier):
    // - The three means are the familiar reconstructions, every digit recognisable; the
    //   Gaussian's is the blurriest (the curly 9 and the 5 in columns 8 and 9 smear). The table
    //   below agrees: after 5 epochs its squared error is the highest of the three (0.0153
    //   against 0.0090 and 0.0086), although squared error is what it was trained on; with
    //   --quick the three are level (0.024 to 0.025).
    // - Gaussian samples: the mean plus grain everywhere, the background too. MNIST's
    //   background is exactly 0, but a Gaussian with sigma 0.1 puts half its mass above 0 there
    //   (the half below 0 is drawn black).
    // - Bernoulli samples: pure black and white, the digit's stroke with ragged edges, a few
    //   gaps in it (the 0 and the 6) and stray white pixels beside it, on a clean black
    //   background (p is near 0 there). Each gray edge pixel is a coin flip, drawn
    //   independently of its neighbours. Every sample is the digit it was encoded from.
    // - Categorical samples: like the Bernoulli's, with gray levels along the edges, and a clean
    //   background, since level 0 is exactly 0.
    // - Marginal samples (last row): a round cloud of white specks where digits tend to have
    //   ink, alike in every column and never a digit: without h, every pixel is a coin flip with
    //   the same odds for every image.
    // Every sample is noisier than its mean: given h, the decoder draws each pixel on its own,
    // so it cannot make neighbouring pixels agree; all the structure lives in the mean.

    // "Looks like a digit" made measurable: the ink overlap (ink_overlap: IoU of the pixels
    // above 1/2) of one sample per test image with its original, before and after training,
    // and two Bernoulli references that use no code at all: p = the mean training image (a
    // blur of every digit: what a decoder that ignores h could at best draw), and p = the
    // original's own gray values (the ceiling: even a perfect Bernoulli decoder draws its
    // gray edge pixels at random). The untrained Gaussian scores 0: its mean is near 0
    // everywhere, and a draw with sigma 0.1 almost never passes 1/2.
    xt::xarray<float> average_p = xt::zeros<float>(test_set.images.shape());  // (N, D)
    average_p += mean_image;                                                  // in every row
    const double overlap_average = ink_overlap(bernoulli_sample(average_p, sampler), test_set.images);
    const double overlap_ceiling = ink_overlap(bernoulli_sample(test_set.images, sampler), test_set.images);
    std::vector<double> overlap;
    for (const auto& model : models) overlap.push_back(sample_overlap(*model, test_set, sampler));
    fmt::print("ink overlap (IoU) of one sample per test image with its original, and the MSE of the mean:\n");
    fmt::print("  {:<34} {:>9} {:>9} {:>12}\n", "", "untrained", "trained", "MSE of mean");
    for (std::size_t m = 0; m < models.size(); ++m)
        fmt::print("  {:<34} {:>9.3f} {:>9.3f} {:>12.4f}\n", name_of(kinds[m]) + " decoder", overlap_before[m],
                   overlap[m], mean_mse(*models[m], test_set));
    fmt::print("  {:<34} {:>19.3f}\n", "marginal Bernoulli (the mean image)", overlap_average);
    fmt::print("  {:<34} {:>19.3f}\n", "Bernoulli(the original's pixels)", overlap_ceiling);

    // ---- Verdict ----
    lecture::section("test NLL, nats per image: untrained, trained, and the per-pixel marginal model");
    fmt::print("{:<12} {:>10} {:>10} {:>10} {:>22}\n", "decoder", "untrained", "trained", "marginal",
               "trained below marginal");
    for (std::size_t m = 0; m < models.size(); ++m) {
        const double margin = marginal[m] - after[m];
        fmt::print("{:<12} {:>10.1f} {:>10.1f} {:>10.1f} {:>17.1f} nats\n", name_of(kinds[m]), before[m], after[m],
                   marginal[m], margin);
    }
    // Measured, test NLL in nats per image, trained decoder against its marginal model:
    //   default run (60,000 images, 5 epochs), seeds 9, 2, 3:
    //     Gaussian    -485, -461, -462 against 1560  (each at its own best fixed sigma: -510 to
    //                                                 -526 against 56)
    //     Bernoulli     70,   75,   70 against  206  (131 to 136 nats below)
    //     categorical  131,  134,  132 against  350  (216 to 219 nats below)
    //   --quick (4,000 images, 8 epochs), seeds 9, 1, 2, 3, 42:
    //     Gaussian    -35 to -155 against 1468 (each at its best sigma: -307 to -354 against 42)
    //     Bernoulli   106 to 111  against  201 (90 to 95 nats below)
    //     categorical 206 to 214  against  344 (130 to 139 nats below)
    // Bernoulli sample IoU: default 0.660 to 0.686 (3.2x to 3.3x the marginal's 0.209), --quick
    // 0.471 to 0.497 (2.4x to 2.5x its 0.197 to 0.199); untrained about 0.11, ceiling 0.79-0.81.
    // Per pixel, the Bernoulli decoder's 70 nats are 0.09 nats against the marginal's 0.26: the
    // code cuts the NLL of each pixel by two thirds. Against the Gaussian marginal with a
    // variance per pixel (printed above, not claimed) the decoder wins by default and loses
    // after --quick.
    // (The IoU clause used to ask for more than twice the marginal's: a factor chosen, not
    // derived. What the slide says, a sample that recreates the digit, is measured against the
    // decoder that ignores h; the ratio is printed.)
    const double bernoulli_overlap = overlap[1];
    lecture::quick_scope(opt,
                         "4,000 training images, 1,000 test images and 8 epochs (not 60,000, 10,000 and 5): the same "
                         "clauses as the default run");
    lecture::Verdict verdict(
        "each decoder's test NLL is below its per-pixel marginal model's (the same distribution fitted per pixel on "
        "the training images, h ignored; for the Gaussian also with each at its own best fixed sigma), and a "
        "Bernoulli sample's ink overlaps its original's more (IoU) than a sample of the marginal Bernoulli does");
    const std::string marginal_basis =
        "the per-pixel marginal model of the same distribution, fitted on this run's training images (h ignored)";
    for (std::size_t m = 0; m < models.size(); ++m) {
        std::string id = name_of(kinds[m]);
        id[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(id[0])));
        verdict.below(id + "_nll", after[m], marginal[m],
                      fmt::format("test NLL of the trained {} decoder, nats per image (one run; over seeds: ./lab "
                                  "verify)",
                                  name_of(kinds[m])),
                      m == 0 ? marginal_basis : "as above");
    }
    // The Gaussian's margin at sigma 0.1 is mostly the marginal model's poor fit to that sigma
    // (its squared error is 0.068 per pixel, not 0.01); the clause that counts compares the two
    // each at its own best fixed sigma.
    verdict.below("gaussian_best_sigma", gaussian_best, marginal_best,
                  "test NLL of the Gaussian decoder at its own best fixed sigma, nats per image",
                  "the marginal Gaussian at its own best fixed sigma");
    verdict.above("sample_overlap", bernoulli_overlap, overlap_average,
                  fmt::format("ink IoU of a Bernoulli decoder sample with its original ({:.1f}x the marginal's; "
                              "untrained {:.3f}, ceiling {:.3f})",
                              bernoulli_overlap / overlap_average, overlap_before[1], overlap_ceiling),
                  "a sample of the marginal Bernoulli (the mean training image): a decoder that ignores h");
    return verdict.finish(fmt::format("the marginal Gaussian with a variance per pixel, not claimed: {:.0f} nats",
                                      per_pixel_variance_nll));
} catch (const std::exception& e) {
    return lecture::fail("stochastic_decoders", e);
}

// Try this:
//  1. A wider Gaussian: sigma = 0.15. The Gaussian mean row does not change (its squared error
//     stays 0.0241 with --quick: Adam's steps hardly depend on the loss's scale, and the
//     constant has no gradient), its samples get grainier, and its test NLL drops from -140
//     to -347 nats (--quick), next to the -348 the lecture prints for the best sigma. The
//     marginal model at sigma 0.15 scores 368, and the one with a variance per pixel, now at
//     least 0.0225, -238: the decoder beats that one too.
//  2. Eight gray levels: K = 8. The categorical NLL is now 317 nats with --quick, against 214
//     for K = 4, yet not worse: a finer binned image has more to predict, so NLLs over
//     different binnings do not compare. What does compare is the margin over the marginal
//     model of the same binning: 135 nats (452 against 317), against 130 for K = 4. The
//     samples look much the same, with a few more gray specks; the mean's squared error is a
//     little worse (0.0265 against 0.0254).
//  3. Lamúrias, Generating Data: "if outside the right region, the result is garbage". In the
//     figure loop decode random codes instead of encoded ones:
//         const Tensor out = (*model->decoder)(relu(randn({16, C}, sampler)));
//     The means become gray ghosts of several digits at once, the Bernoulli samples snow, more
//     scattered than the marginal model's cloud in the last row: the decoder only knows the
//     codes its encoder produces. The vae lecture fixes their shape.
