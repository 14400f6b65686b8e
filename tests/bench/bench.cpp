// bench.cpp: the benchmark workloads, one per process:  bench WORKLOAD [--repeats R]
//
// Steady state: the workload runs once untimed (the warm-up: caches, the allocator's free lists
// and OpenBLAS's threads all settle; dcgan_step warms up on 10 steps), then in windows of R timed
// runs (--repeats R), each run from the same seed, until the times stop falling (a window's
// median no more than 2% below the window before it, at most 5 windows); the line
//     bench <name> <median seconds of the last window> <metric of the last run> warmup <seconds
//           of the warm-up> runs <timed runs> settled <yes|no>
// is what tests/bench/run_bench.py reads, beside the same line from tests/bench/bench_torch.py.
// The workloads:
//   mlp_ae_epoch  784-256-64-256-784 ReLU / sigmoid autoencoder, MSE, Adam 1e-3, batch 128, one
//                 epoch of the 60,000 MNIST training images; metric: the epoch's mean loss
//   mlp_floor     the matrix products of that epoch alone (its 11 sgemm calls a batch: 4 forward,
//                 4 weight gradients, 3 input gradients), through OpenBLAS directly: the floor
//                 under mlp_ae_epoch; metric: GFLOP/s
//   tiny_838      Mitchell's 8-3-8 sigmoid autoencoder, full batch, SGD (lr 2, momentum 0.9),
//                 5,000 epochs: the cost of an op when the arithmetic is nothing; metric: final loss
//   conv_ae       conv 1->16->32 (3x3, stride 2, padding 1) and two transposed convs back, ReLU,
//                 sigmoid, MSE, Adam 1e-3, batch 128, the first 10,000 images; metric: mean loss
//   upconv_ae     conv_ae's encoder; decoder: nearest upsampling x2 then a 3x3 stride-1 conv,
//                 32->16 at 14x14 and 16->1 at 28x28; otherwise as conv_ae; metric: mean loss
//   vae_epoch     MLP VAE 784-400-20-400-784, summed BCE + KL, Adam 1e-3, batch 128, one epoch;
//                 metric: the epoch's negative ELBO per image
//   dcgan_step    100 steps of a DCGAN on 28x28 MNIST scaled to [-1, 1], batch 128: G: z (100)
//                 -> Linear -> 128x7x7 -> BN, ReLU -> ConvTranspose 128->64 (k4 s2 p1) -> BN,
//                 ReLU -> ConvTranspose 64->1 (k4 s2 p1) -> tanh; D: Conv 1->64 (k4 s2 p1),
//                 LeakyReLU 0.2, Conv 64->128 (k4 s2 p1), BN, LeakyReLU 0.2, Linear -> 1 logit;
//                 one D step and one G step (non-saturating loss, BCE with logits) a batch, Adam
//                 2e-4 with beta1 0.5; the players and their N(0, 0.02^2) initialisation from
//                 models/gan.hpp; metric: D's mean loss over the 100 steps
//   sgemm         this library's matmul on the MLP's forward shapes against OpenBLAS called
//                 directly; prints sgemm_ours and sgemm_openblas, metric GFLOP/s
//   conv_scaling  every convolution of the workloads above, forward and backward of that layer
//                 alone, at batch 32 and 256: "scaling <layer> <ms per image at 32> <at 256>
//                 <ratio>" (a ratio near 1: no cliff at large batches)
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include "io/io.hpp"
#include "models/gan.hpp"
#include "models/mlp_autoencoder.hpp"
#include "models/vae.hpp"
#include "nn/nn.hpp"
#include "steady.hpp"

using namespace autograd;

// OpenBLAS's sgemm, called directly (direct_sgemm.cpp: cblas.h cannot share a file with
// xtensor-blas): C (m, n) = op(A) op(B), row-major, op transposing when asked.
void direct_sgemm(int m, int n, int k, const float* a, bool ta, const float* b, bool tb, float* c);

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// One run of a workload: sets `seconds` to its timed part and returns its metric.
using Run = std::function<double(double& seconds)>;

// The warm-up (`warm`, or one run of `once` when there is none), then timed runs until the times
// stop falling (steady.hpp); prints the last window's median, the runs it took and whether they
// settled.
void measure(const std::string& name, int window, const Run& once, const Run& warm = {}) {
    double warmup = 0.0;
    warm ? warm(warmup) : once(warmup);
    double metric = 0.0;
    const SteadyState steady = settle(window, [&] {
        double seconds = 0.0;
        metric = once(seconds);
        return seconds;
    });
    fmt::print("bench {} {:.4f} {:.6g} warmup {:.4f} runs {} settled {}\n", name, steady.seconds, metric, warmup,
               steady.runs, steady.settled ? "yes" : "no");
    std::fflush(stdout);
}

// One epoch of `step` over `loader`, timed; returns the example-weighted mean of what step returns.
double epoch(nn::DataLoader& loader, double& seconds, const std::function<double(const nn::Batch&)>& step) {
    const Clock::time_point start = Clock::now();
    double total = 0.0;
    std::size_t n = 0;
    for (const nn::Batch& batch : loader) {
        total += step(batch) * static_cast<double>(batch.labels.size());
        n += batch.labels.size();
    }
    seconds = seconds_since(start);
    return total / static_cast<double>(n);
}

// One Adam step on the mean squared reconstruction error of `model`; returns the loss.
double reconstruction_step(nn::Module& model, nn::Adam& adam, const Tensor& x) {
    adam.zero_grad();
    Tensor loss = mse_loss(model(x), x, Reduction::Mean);
    loss.backward();
    adam.step();
    return loss.item();
}

double mlp_ae_epoch(const io::Dataset& train, double& seconds) {
    Generator gen(1);
    models::MLPAutoencoder model({784, 256, 64}, gen);
    nn::Adam adam(model.parameters(), 1e-3);
    nn::DataLoader loader(train, 128, true, 7);
    return epoch(loader, seconds, [&](const nn::Batch& b) { return reconstruction_step(model, adam, b.x); });
}

// The products of one mlp_ae_epoch, and nothing else: per batch of B, for each layer
// (D_in -> D_out) the forward X W, the weight gradient X^T dY and, but for the first layer
// (whose input needs no gradient), the input gradient dY W^T.
double mlp_floor(double& seconds) {
    const std::vector<int> widths{784, 256, 64, 256, 784};
    const int batches = 469, full = 128, last = 60000 - 468 * 128;  // 468 batches of 128, one of 96
    std::vector<std::vector<float>> W, X, dX;
    for (std::size_t l = 0; l + 1 < widths.size(); ++l) W.emplace_back(std::size_t(widths[l] * widths[l + 1]), 0.01f);
    for (int w : widths) X.emplace_back(std::size_t(full * w), 0.5f), dX.emplace_back(std::size_t(full * w), 0.5f);
    std::vector<std::vector<float>> dW = W;
    double flops = 0.0;
    const Clock::time_point start = Clock::now();
    for (int b = 0; b < batches; ++b) {
        const int B = b + 1 < batches ? full : last;
        for (std::size_t l = 0; l + 1 < widths.size(); ++l) {  // forward: X_{l+1} = X_l W_l
            const int m = B, k = widths[l], n = widths[l + 1];
            direct_sgemm(m, n, k, X[l].data(), false, W[l].data(), false, X[l + 1].data());
            flops += 2.0 * m * k * n;
        }
        for (std::size_t l = widths.size() - 1; l-- > 0;) {  // backward
            const int m = B, k = widths[l], n = widths[l + 1];
            direct_sgemm(k, n, m, X[l].data(), true, dX[l + 1].data(), false, dW[l].data());  // X^T dY
            flops += 2.0 * m * k * n;
            if (l == 0) continue;
            direct_sgemm(m, k, n, dX[l + 1].data(), false, W[l].data(), true, dX[l].data());  // dY W^T
            flops += 2.0 * m * k * n;
        }
    }
    seconds = seconds_since(start);
    return flops / seconds / 1e9;
}

double tiny_838(double& seconds) {
    Generator gen(1);
    nn::Sequential model(nn::Linear(8, 3, gen), nn::Sigmoid(), nn::Linear(3, 8, gen), nn::Sigmoid());
    nn::SGDOptions heavy;
    heavy.momentum = 0.9;
    nn::SGD sgd(model.parameters(), 2.0, heavy);
    xt::xarray<float> eye = xt::zeros<float>({8, 8});
    for (std::size_t i = 0; i < 8; ++i) eye(i, i) = 1.0f;
    const Tensor x(eye);
    const Clock::time_point start = Clock::now();
    float last = 0.0f;
    for (int e = 0; e < 5000; ++e) {
        sgd.zero_grad();
        Tensor loss = mse_loss(model(x), x, Reduction::Mean);
        loss.backward();
        sgd.step();
        last = loss.item();
    }
    seconds = seconds_since(start);
    return last;
}

const ConvGeometry kDown{/*stride=*/2, /*padding=*/1};  // 28 -> 14 -> 7 with a 3x3 kernel
const ConvGeometry kUp{/*stride=*/2, /*padding=*/1, /*dilation=*/1, /*output_padding=*/1};  // back up
const ConvGeometry kSame{/*stride=*/1, /*padding=*/1};                                      // 3x3, same size
const ConvGeometry kHalve{/*stride=*/2, /*padding=*/1};  // 4x4 kernels: 28 -> 14 -> 7, and back

// (B, 784) rows as (B, 1, 28, 28) images.
Tensor as_images(const nn::Batch& b) { return reshape(b.x, {b.labels.size(), 1, 28, 28}); }

double conv_ae(const io::Dataset& first10k, double& seconds) {
    Generator gen(1);
    nn::Sequential model(nn::Conv2d(1, 16, 3, gen, kDown), nn::ReLU(), nn::Conv2d(16, 32, 3, gen, kDown), nn::ReLU(),
                         nn::ConvTranspose2d(32, 16, 3, gen, kUp), nn::ReLU(), nn::ConvTranspose2d(16, 1, 3, gen, kUp),
                         nn::Sigmoid());
    nn::Adam adam(model.parameters(), 1e-3);
    nn::DataLoader loader(first10k, 128, true, 7);
    return epoch(loader, seconds, [&](const nn::Batch& b) { return reconstruction_step(model, adam, as_images(b)); });
}

double upconv_ae(const io::Dataset& first10k, double& seconds) {
    Generator gen(1);
    nn::Sequential model(nn::Conv2d(1, 16, 3, gen, kDown), nn::ReLU(), nn::Conv2d(16, 32, 3, gen, kDown), nn::ReLU(),
                         nn::Upsample(2), nn::Conv2d(32, 16, 3, gen, kSame), nn::ReLU(), nn::Upsample(2),
                         nn::Conv2d(16, 1, 3, gen, kSame), nn::Sigmoid());
    nn::Adam adam(model.parameters(), 1e-3);
    nn::DataLoader loader(first10k, 128, true, 7);
    return epoch(loader, seconds, [&](const nn::Batch& b) { return reconstruction_step(model, adam, as_images(b)); });
}

double vae_epoch(const io::Dataset& train, double& seconds) {
    Generator gen(1);
    models::VAE vae(784, 400, 20, gen);
    nn::Adam adam(vae.parameters(), 1e-3);
    nn::DataLoader loader(train, 128, true, 7);
    return epoch(loader, seconds, [&](const nn::Batch& b) {
        adam.zero_grad();
        models::VAE::Loss loss = vae.loss(b.x, gen);
        loss.total.backward();
        adam.step();
        return double(loss.total.item()) / static_cast<double>(b.labels.size());  // per image
    });
}

double dcgan_step(const io::Dataset& first12800, double& seconds) {
    Generator gen(1);
    nn::Sequential G = models::dcgan_generator(100, 64, gen), D = models::dcgan_discriminator(64, gen);
    models::init_dcgan(G, gen);
    models::init_dcgan(D, gen);
    nn::AdamOptions dcgan;  // DCGAN's Adam (Radford et al. 2016): beta1 0.5, a shorter memory than 0.9
    dcgan.beta1 = 0.5;
    nn::Adam opt_g(G.parameters(), 2e-4, dcgan), opt_d(D.parameters(), 2e-4, dcgan);
    nn::DataLoader loader(first12800, 128, true, 7);  // 100 batches
    const Tensor ones_ = ones({128, 1}), zeros_ = zeros({128, 1});
    return epoch(loader, seconds, [&](const nn::Batch& b) {
        const Tensor real = as_images(b) * 2.0 - 1.0;  // (B, 1, 28, 28) in [-1, 1]
        // D step: real images towards 1, generated ones towards 0 (G's output taken as data).
        opt_d.zero_grad();
        const Tensor fake = G(randn({128, 100}, gen)).detach();
        Tensor loss_d =
            bce_with_logits(D(real), ones_, Reduction::Mean) + bce_with_logits(D(fake), zeros_, Reduction::Mean);
        loss_d.backward();
        opt_d.step();
        // G step: the non-saturating loss, -log D(G(z)).
        opt_g.zero_grad();
        Tensor loss_g = bce_with_logits(D(G(randn({128, 100}, gen))), ones_, Reduction::Mean);
        loss_g.backward();
        opt_g.step();
        return double(loss_d.item());
    });
}

// The MLP's forward products, batch 128, 200 rounds: this library's matmul and OpenBLAS directly,
// alternated so that a machine whose speed drifts slows both alike.
void sgemm(int repeats) {
    struct Shape3 {
        int m, k, n;
    };
    const std::vector<Shape3> shapes{{128, 784, 256}, {128, 256, 64}, {128, 64, 256}, {128, 256, 784}};
    Generator gen(1);
    double flops = 0.0;
    std::vector<Tensor> as, bs;
    for (const Shape3& s : shapes) {
        as.push_back(rand({std::size_t(s.m), std::size_t(s.k)}, gen));
        bs.push_back(rand({std::size_t(s.k), std::size_t(s.n)}, gen));
        flops += 2.0 * s.m * s.k * s.n;
    }
    const int rounds = 200;
    std::vector<std::vector<float>> cs;
    for (const Shape3& s : shapes) cs.emplace_back(std::size_t(s.m) * std::size_t(s.n));
    auto ours_once = [&] {
        NoGradGuard no_grad;
        const Clock::time_point start = Clock::now();
        for (int r = 0; r < rounds; ++r)
            for (std::size_t i = 0; i < shapes.size(); ++i) matmul(as[i], bs[i]);
        return seconds_since(start);
    };
    auto direct_once = [&] {
        const Clock::time_point start = Clock::now();
        for (int r = 0; r < rounds; ++r)
            for (std::size_t i = 0; i < shapes.size(); ++i)
                direct_sgemm(shapes[i].m, shapes[i].n, shapes[i].k, as[i].value().data(), false, bs[i].value().data(),
                             false, cs[i].data());
        return seconds_since(start);
    };
    ours_once(), direct_once();  // warm-up
    std::vector<double> t_ours, t_direct;
    for (int r = 0; r < repeats; ++r) t_ours.push_back(ours_once()), t_direct.push_back(direct_once());
    std::sort(t_ours.begin(), t_ours.end());
    std::sort(t_direct.begin(), t_direct.end());
    const double ours = t_ours[t_ours.size() / 2], direct = t_direct[t_direct.size() / 2];
    fmt::print("bench sgemm_ours {:.4f} {:.6g}\n", ours, flops * rounds / ours / 1e9);
    fmt::print("bench sgemm_openblas {:.4f} {:.6g}\n", direct, flops * rounds / direct / 1e9);
}

// Forward and backward of each convolution of the workloads alone, at batch 32 and 256.
void conv_scaling(int repeats) {
    struct Layer {
        std::string name;
        std::function<std::shared_ptr<nn::Module>(Generator&)> make;
        Shape input;  // per image
    };
    const std::vector<Layer> layers{
        {"conv_ae.conv1 1->16 k3 s2 28x28",
         [](Generator& g) { return std::make_shared<nn::Conv2d>(1, 16, 3, g, kDown); },
         {1, 28, 28}},
        {"conv_ae.conv2 16->32 k3 s2 14x14",
         [](Generator& g) { return std::make_shared<nn::Conv2d>(16, 32, 3, g, kDown); },
         {16, 14, 14}},
        {"conv_ae.deconv1 32->16 k3 s2 7x7",
         [](Generator& g) { return std::make_shared<nn::ConvTranspose2d>(32, 16, 3, g, kUp); },
         {32, 7, 7}},
        {"conv_ae.deconv2 16->1 k3 s2 14x14",
         [](Generator& g) { return std::make_shared<nn::ConvTranspose2d>(16, 1, 3, g, kUp); },
         {16, 14, 14}},
        {"upconv_ae.conv3 32->16 k3 s1 14x14",
         [](Generator& g) { return std::make_shared<nn::Conv2d>(32, 16, 3, g, kSame); },
         {32, 14, 14}},
        {"upconv_ae.conv4 16->1 k3 s1 28x28",
         [](Generator& g) { return std::make_shared<nn::Conv2d>(16, 1, 3, g, kSame); },
         {16, 28, 28}},
        {"dcgan.G.deconv1 128->64 k4 s2 7x7",
         [](Generator& g) { return std::make_shared<nn::ConvTranspose2d>(128, 64, 4, g, kHalve); },
         {128, 7, 7}},
        {"dcgan.G.deconv2 64->1 k4 s2 14x14",
         [](Generator& g) { return std::make_shared<nn::ConvTranspose2d>(64, 1, 4, g, kHalve); },
         {64, 14, 14}},
        {"dcgan.D.conv1 1->64 k4 s2 28x28",
         [](Generator& g) { return std::make_shared<nn::Conv2d>(1, 64, 4, g, kHalve); },
         {1, 28, 28}},
        {"dcgan.D.conv2 64->128 k4 s2 14x14",
         [](Generator& g) { return std::make_shared<nn::Conv2d>(64, 128, 4, g, kHalve); },
         {64, 14, 14}},
    };
    for (const Layer& layer : layers) {
        double per_image[2] = {0.0, 0.0};
        const std::size_t batches[2] = {32, 256};
        for (int s = 0; s < 2; ++s) {
            Generator gen(1);
            const std::shared_ptr<nn::Module> m = layer.make(gen);
            Shape shape{batches[s]};
            shape.insert(shape.end(), layer.input.begin(), layer.input.end());
            Tensor x = randn(shape, gen).requires_grad_();
            const std::size_t steps = 8192 / batches[s];  // 8,192 images either way
            auto once = [&] {
                const Clock::time_point start = Clock::now();
                for (std::size_t i = 0; i < steps; ++i) {
                    m->zero_grad();
                    x.zero_grad();
                    sum((*m)(x)).backward();
                }
                return seconds_since(start);
            };
            once();  // warm-up
            std::vector<double> times;
            for (int r = 0; r < repeats; ++r) times.push_back(once());
            std::sort(times.begin(), times.end());
            per_image[s] = 1e3 * times[times.size() / 2] / 8192.0;
        }
        fmt::print("scaling {:<36} {:8.4f} ms {:8.4f} ms  {:.2f}\n", layer.name, per_image[0], per_image[1],
                   per_image[1] / per_image[0]);
        std::fflush(stdout);
    }
}
}  // namespace

int main(int argc, char** argv) try {
    const std::vector<std::string> workloads{"mlp_ae_epoch", "mlp_floor",  "tiny_838", "conv_ae",     "upconv_ae",
                                             "vae_epoch",    "dcgan_step", "sgemm",    "conv_scaling"};
    if (argc < 2 || std::find(workloads.begin(), workloads.end(), argv[1]) == workloads.end()) {
        fmt::print(stderr, "usage: bench WORKLOAD [--repeats R]\n  workloads: {}\n", fmt::join(workloads, " "));
        return 2;
    }
    const std::string w = argv[1];
    int repeats = 3;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--repeats" && i + 1 < argc && std::atoi(argv[i + 1]) > 0) {
            repeats = std::atoi(argv[++i]);
        } else {
            fmt::print(stderr, "bench: unknown or incomplete argument '{}'\n", a);
            return 2;
        }
    }
    if (w == "tiny_838") return measure(w, repeats, tiny_838), 0;
    if (w == "mlp_floor") return measure(w, repeats, mlp_floor), 0;
    if (w == "sgemm") return sgemm(repeats), 0;
    if (w == "conv_scaling") return conv_scaling(repeats), 0;
    const std::size_t limit = w == "conv_ae" || w == "upconv_ae" ? 10000 : w == "dcgan_step" ? 12800 : 0;
    const io::Dataset train = io::load_mnist(io::default_mnist_dir(), true, limit);
    const std::function<double(const io::Dataset&, double&)> run = w == "mlp_ae_epoch" ? mlp_ae_epoch
                                                                   : w == "conv_ae"    ? conv_ae
                                                                   : w == "upconv_ae"  ? upconv_ae
                                                                   : w == "vae_epoch"  ? vae_epoch
                                                                                       : dcgan_step;
    if (w == "dcgan_step") {  // warm up on 10 steps (a step is about half a second)
        io::Dataset first1280;
        first1280.images = xt::view(train.images, xt::range(0, 1280), xt::all());
        first1280.labels.assign(train.labels.begin(), train.labels.begin() + 1280);
        measure(
            w, repeats, [&](double& s) { return run(train, s); }, [&](double& s) { return run(first1280, s); });
        return 0;
    }
    measure(w, repeats, [&](double& s) { return run(train, s); });
    return 0;
} catch (const std::exception& e) {
    fmt::print(stderr, "bench: error: {}\n", e.what());
    return 2;
}
