// TrainLog: the epoch means it returns and the line it prints; reconstruction_mse and fit_autoencoder.
#include <cmath>
#include <cstdio>

#include <unistd.h>

#include "check.hpp"
#include "nn/layers.hpp"
#include "nn/train.hpp"

TEST_CASE("end_epoch returns the example-weighted mean loss and keeps the curve") {
    nn::TrainLog log(2, 2, /*quiet=*/true);
    log.start_epoch();
    log.batch(1.0, 3);
    log.batch(2.0, 1);
    CHECK(log.end_epoch() == doctest::Approx((1.0 * 3 + 2.0 * 1) / 4));
    log.start_epoch();
    log.batch(0.5, 4);
    CHECK(log.end_epoch() == doctest::Approx(0.5));
    CHECK(log.epoch_losses() == std::vector<double>{1.25, 0.5});
    CHECK(log.elapsed() >= 0.0);
}

TEST_CASE("the epoch line names the epoch, the loss, the extra figures and the throughput") {
    // Capture stdout in a temporary file.
    std::fflush(stdout);
    std::FILE* tmp = std::tmpfile();
    REQUIRE(tmp);
    const int saved = ::dup(STDOUT_FILENO);
    ::dup2(::fileno(tmp), STDOUT_FILENO);
    nn::TrainLog log(10, 1);
    log.start_epoch();
    log.batch(0.123456, 100);
    log.end_epoch("test 0.2");
    std::fflush(stdout);
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    std::rewind(tmp);
    char buffer[256] = {};
    const std::size_t n = std::fread(buffer, 1, sizeof(buffer) - 1, tmp);
    std::fclose(tmp);
    const std::string line(buffer, n);
    CAPTURE(line);
    CHECK(line.find("epoch  1/10") != std::string::npos);
    CHECK(line.find("loss 0.12346") != std::string::npos);
    CHECK(line.find("test 0.2") != std::string::npos);
    CHECK(line.find("img/s") != std::string::npos);
}

TEST_CASE("misuse is an error") {
    nn::TrainLog log(1, 1, true);
    CHECK_THROWS_CONTAINING(log.batch(1.0, 1), "start_epoch");
    log.start_epoch();
    CHECK_THROWS_CONTAINING(log.end_epoch(), "no batch");
}

namespace {
// Returns x in eval mode and zeros in train mode, so the test can see which mode was used.
class ModeProbe : public nn::Module {
public:
    autograd::Tensor forward(const autograd::Tensor& x) override {
        return is_training() ? autograd::Tensor(xt::xarray<float>(xt::zeros<float>(x.shape()))) : x * 0.5;
    }
    std::string type_name() const override { return "ModeProbe"; }
};
}  // namespace

TEST_CASE("reconstruction_mse: the mean squared error per pixel, in eval mode, the mode put back") {
    io::Dataset data;
    data.images = xt::xarray<float>{{0.2f, 0.4f}, {1.0f, 0.0f}, {0.6f, 0.8f}};
    data.labels = {0, 1, 2};
    ModeProbe probe;
    // Eval mode: r = x / 2, so the error is mean((x / 2)^2) over all six values; batches of 2
    // (a last batch of 1) must give the same.
    const double expected = (0.01 + 0.04 + 0.25 + 0.0 + 0.09 + 0.16) / 6.0;
    CHECK(nn::reconstruction_mse(probe, data) == doctest::Approx(expected).epsilon(1e-6));
    CHECK(nn::reconstruction_mse(probe, data, 2) == doctest::Approx(expected).epsilon(1e-6));
    CHECK(probe.is_training());
    probe.eval();
    nn::reconstruction_mse(probe, data);
    CHECK_FALSE(probe.is_training());
    CHECK_THROWS_CONTAINING(nn::reconstruction_mse(probe, io::Dataset{}), "empty");
}

TEST_CASE("fit_autoencoder: the test curve falls, ends at reconstruction_mse, and a seed repeats it") {
    // 64 points on a line in 4-D: a 4-1-4 linear autoencoder can reconstruct them exactly.
    io::Dataset data;
    data.images = xt::zeros<float>({64, 4});
    for (std::size_t i = 0; i < 64; ++i)
        for (std::size_t j = 0; j < 4; ++j)
            data.images(i, j) = static_cast<float>(i) / 64.0f * static_cast<float>(j + 1) / 4.0f;
    data.labels.assign(64, 0);
    const auto run = [&](std::uint64_t seed) {
        autograd::Generator gen(3);
        nn::Sequential ae(nn::Linear(4, 1, gen), nn::Linear(1, 4, gen));
        nn::FitOptions fit;
        fit.epochs = 30;
        fit.batch_size = 16;
        fit.lr = 1e-2;
        fit.seed = seed;
        const std::vector<double> curve = nn::fit_autoencoder(ae, data, data, fit);
        CHECK(curve.back() == doctest::Approx(nn::reconstruction_mse(ae, data)).epsilon(1e-12));
        return curve;
    };
    const std::vector<double> curve = run(5);
    REQUIRE(curve.size() == 30);
    CHECK(curve.back() < 0.1 * curve.front());
    CHECK(run(5) == curve);
}

TEST_CASE("a NaN or Inf loss stops training with the epoch, the batch, the value and --detect-anomaly") {
    nn::TrainLog log(3, 5, /*quiet=*/true);
    log.start_epoch();
    log.batch(0.5, 4);
    log.end_epoch();
    log.start_epoch();
    log.batch(0.4, 4);
    CHECK_THROWS_AS(log.batch(std::nan(""), 4), nn::NonFiniteLoss);
    nn::TrainLog log2(3, 5, /*quiet=*/true);
    log2.start_epoch();
    log2.batch(0.5, 4);
    CHECK_THROWS_CONTAINING(log2.batch(std::nan(""), 4), "epoch 1/3, batch 2/5", "the loss is nan", "stopped",
                            "--detect-anomaly");
    CHECK_THROWS_CONTAINING(log2.batch(HUGE_VAL, 4), "the loss is inf");
}

TEST_CASE("fit_autoencoder stops at the first batch whose loss is NaN, before its step spoils the weights") {
    io::Dataset data;
    data.images = xt::xarray<float>::from_shape({32, 4});
    data.images.fill(0.5f);
    data.images(20, 1) = std::nanf("");  // one NaN pixel: the batch that holds image 20 has a NaN loss
    data.labels.assign(32, 0);
    autograd::Generator gen(3);
    nn::Sequential ae(nn::Linear(4, 2, gen), nn::Linear(2, 4, gen));
    nn::FitOptions fit;
    fit.epochs = 2;
    fit.batch_size = 8;
    fit.lr = 1e-2;
    fit.seed = 1;
    CHECK_THROWS_CONTAINING(nn::fit_autoencoder(ae, data, data, fit), "epoch 1/2, batch ", "the loss is nan");
    for (const autograd::Tensor& p : ae.parameters())
        CHECK_MESSAGE(xt::all(xt::isfinite(p.value())), "a parameter was updated from a NaN loss");
}
