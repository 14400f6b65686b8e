// bench.cpp: the benchmark workloads, one per run:  bench WORKLOAD [--repeats R]
//
// Each prints one line, "bench <name> <seconds> <metric>": the median time of R runs (each from
// the same seed) and the workload's metric from the last run, so that the same work in PyTorch
// (tests/bench/bench_torch.py) can be set beside it. The workloads:
//   mlp_ae_epoch  784-256-64-256-784 ReLU / sigmoid autoencoder, MSE, Adam 1e-3, batch 128, one
//                 epoch of the 60,000 MNIST training images; metric: the epoch's mean loss
//   tiny_838      Mitchell's 8-3-8 sigmoid autoencoder, full batch, SGD (lr 2, momentum 0.9),
//                 5,000 epochs: the cost of an op when the arithmetic is nothing; metric: final loss
//   conv_ae       conv 1->16->32 (3x3, stride 2, padding 1) and two transposed convs back, ReLU,
//                 sigmoid, MSE, Adam 1e-3, batch 128, the first 10,000 images; metric: mean loss
//   vae_epoch     MLP VAE 784-400-20-400-784, summed BCE + KL, Adam 1e-3, batch 128, one epoch;
//                 metric: the epoch's negative ELBO per image
//   sgemm         this library's matmul on the MLP's shapes against OpenBLAS called directly;
//                 prints sgemm_ours and sgemm_openblas, metric GFLOP/s
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/mlp_autoencoder.hpp"
#include "models/vae.hpp"
#include "io/io.hpp"
#include "nn/nn.hpp"

using namespace autograd;

// OpenBLAS's sgemm, called directly (direct_sgemm.cpp: cblas.h cannot share a file with xtensor-blas).
void direct_sgemm(int m, int n, int k, const float* a, const float* b, float* c);

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Runs `once` `repeats` times; returns the median time and the metric of the last run.
std::pair<double, double> measure(int repeats, const std::function<double(double&)>& once) {
    std::vector<double> times;
    double metric = 0.0;
    for (int r = 0; r < repeats; ++r) {
        double seconds = 0.0;
        metric = once(seconds);
        times.push_back(seconds);
    }
    std::sort(times.begin(), times.end());
    return {times[times.size() / 2], metric};
}

void report(const std::string& name, std::pair<double, double> result) {
    fmt::print("bench {} {:.4f} {:.6g}\n", name, result.first, result.second);
}

// One epoch of `step` over `loader`; returns the example-weighted mean of what step returns.
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

double mlp_ae_epoch(const nn::Dataset& train, double& seconds) {
    Generator gen(1);
    models::MLPAutoencoder model({784, 256, 64}, gen);
    nn::Adam adam(model.parameters(), 1e-3);
    nn::DataLoader loader(train, 128, true, 7);
    return epoch(loader, seconds, [&](const nn::Batch& b) {
        adam.zero_grad();
        Tensor loss = mse_loss(model(b.x), b.x);
        loss.backward();
        adam.step();
        return double(loss.item());
    });
}

double tiny_838(double& seconds) {
    Generator gen(1);
    nn::Sequential model(nn::Linear(8, 3, gen), nn::Sigmoid(), nn::Linear(3, 8, gen), nn::Sigmoid());
    nn::SGD sgd(model.parameters(), 2.0, 0.9);
    xt::xarray<float> eye = xt::zeros<float>({8, 8});
    for (std::size_t i = 0; i < 8; ++i) eye(i, i) = 1.0f;
    const Tensor x(eye);
    const Clock::time_point start = Clock::now();
    float last = 0.0f;
    for (int e = 0; e < 5000; ++e) {
        sgd.zero_grad();
        Tensor loss = mse_loss(model(x), x);
        loss.backward();
        sgd.step();
        last = loss.item();
    }
    seconds = seconds_since(start);
    return last;
}

double conv_ae(const nn::Dataset& first10k, double& seconds) {
    Generator gen(1);
    const ConvGeometry down{/*stride=*/2, /*padding=*/1}, up{/*stride=*/2, /*padding=*/1, /*dilation=*/1,
                                                             /*output_padding=*/1};
    nn::Sequential model(nn::Conv2d(1, 16, 3, gen, down), nn::ReLU(), nn::Conv2d(16, 32, 3, gen, down), nn::ReLU(),
                         nn::ConvTranspose2d(32, 16, 3, gen, up), nn::ReLU(), nn::ConvTranspose2d(16, 1, 3, gen, up),
                         nn::Sigmoid());
    nn::Adam adam(model.parameters(), 1e-3);
    nn::DataLoader loader(first10k, 128, true, 7);
    return epoch(loader, seconds, [&](const nn::Batch& b) {
        adam.zero_grad();
        const Tensor x = reshape(b.x, {b.labels.size(), 1, 28, 28});  // (B, 1, 28, 28)
        Tensor loss = mse_loss(model(x), x);
        loss.backward();
        adam.step();
        return double(loss.item());
    });
}

double vae_epoch(const nn::Dataset& train, double& seconds) {
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

// The MLP's forward products, batch 128: (128, 784) @ (784, 256), (128, 256) @ (256, 64) and back.
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
    auto ours_once = [&] {  // seconds for `rounds` rounds of this library's matmul
        NoGradGuard no_grad;
        const Clock::time_point start = Clock::now();
        for (int r = 0; r < rounds; ++r)
            for (std::size_t i = 0; i < shapes.size(); ++i) matmul(as[i], bs[i]);
        return seconds_since(start);
    };
    auto direct_once = [&] {  // the same products through cblas_sgemm
        const Clock::time_point start = Clock::now();
        for (int r = 0; r < rounds; ++r)
            for (std::size_t i = 0; i < shapes.size(); ++i)
                direct_sgemm(shapes[i].m, shapes[i].n, shapes[i].k, as[i].value().data(), bs[i].value().data(),
                             cs[i].data());
        return seconds_since(start);
    };
    // The two alternate, so that a machine whose speed drifts slows both alike.
    std::vector<double> t_ours, t_direct;
    for (int r = 0; r < repeats; ++r) {
        t_ours.push_back(ours_once());
        t_direct.push_back(direct_once());
    }
    std::sort(t_ours.begin(), t_ours.end());
    std::sort(t_direct.begin(), t_direct.end());
    const double median_ours = t_ours[t_ours.size() / 2], median_direct = t_direct[t_direct.size() / 2];
    const std::pair<double, double> ours{median_ours, flops * rounds / median_ours / 1e9};
    const std::pair<double, double> direct{median_direct, flops * rounds / median_direct / 1e9};
    report("sgemm_ours", ours);
    report("sgemm_openblas", direct);
}
}  // namespace

int main(int argc, char** argv) try {
    const std::vector<std::string> workloads{"mlp_ae_epoch", "tiny_838", "conv_ae", "vae_epoch", "sgemm"};
    if (argc < 2 || std::find(workloads.begin(), workloads.end(), argv[1]) == workloads.end()) {
        fmt::print(stderr, "usage: bench WORKLOAD [--repeats R]\n  workloads: {}\n", fmt::join(workloads, " "));
        return 2;
    }
    const std::string w = argv[1];
    int repeats = 3;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--repeats" && i + 1 < argc && std::atoi(argv[i + 1]) > 0)
            repeats = std::atoi(argv[++i]);
        else {
            fmt::print(stderr, "bench: unknown or incomplete argument '{}'\n", a);
            return 2;
        }
    }
    if (w == "tiny_838") return report(w, measure(repeats, tiny_838)), 0;
    if (w == "sgemm") return sgemm(repeats), 0;
    const nn::Dataset train = io::load_mnist(io::default_mnist_dir(), true, w == "conv_ae" ? 10000 : 0);
    if (w == "mlp_ae_epoch") report(w, measure(repeats, [&](double& s) { return mlp_ae_epoch(train, s); }));
    if (w == "conv_ae") report(w, measure(repeats, [&](double& s) { return conv_ae(train, s); }));
    if (w == "vae_epoch") report(w, measure(repeats, [&](double& s) { return vae_epoch(train, s); }));
    return 0;
} catch (const std::exception& e) {
    fmt::print(stderr, "bench: error: {}\n", e.what());
    return 2;
}
