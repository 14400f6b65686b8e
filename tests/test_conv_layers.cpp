// The image layers: shapes, parameter names and counts, initialisation, batch norm's two modes,
// and their parameters and buffers in checkpoints.
#include <filesystem>

#include "check.hpp"
#include "nn/checkpoint.hpp"
#include "nn/conv_layers.hpp"
#include "nn/layers.hpp"

using namespace autograd;

namespace {
double variance(const xt::xarray<float>& w) {
    double s = 0, s2 = 0;
    for (float v : w) s += v, s2 += double(v) * v;
    const double n = double(w.size());
    return s2 / n - (s / n) * (s / n);
}
}  // namespace

TEST_CASE("the convolutional autoencoder's layers: shapes and parameter counts as in PyTorch") {
    Generator gen(1);
    nn::Sequential ae(nn::Conv2d(1, 16, 3, gen, {2, 1, 1}), nn::ReLU(), nn::Conv2d(16, 32, 3, gen, {2, 1, 1}),
                      nn::ReLU(), nn::ConvTranspose2d(32, 16, 3, gen, {2, 1, 1, 1}), nn::ReLU(),
                      nn::ConvTranspose2d(16, 1, 3, gen, {2, 1, 1, 1}), nn::Sigmoid());
    // PyTorch: Conv2d(1,16,3) has 160 parameters, Conv2d(16,32,3) 4,640, ConvTranspose2d(32,16,3) 4,624,
    // ConvTranspose2d(16,1,3) 145.
    CHECK(ae.num_parameters() == 160 + 4640 + 4624 + 145);
    CHECK(ae.named_parameters()[4].first == "4.weight");
    CHECK(ae.named_parameters()[4].second.shape() == Shape{32, 16, 3, 3});
    CHECK(ae(zeros({2, 1, 28, 28})).shape() == Shape{2, 1, 28, 28});
    const std::string s = ae.summary({1, 1, 28, 28});
    CAPTURE(s);
    CHECK(s.find("Conv2d(1, 16, 3, stride=2, padding=1)") != std::string::npos);
    CHECK(s.find("(1, 32, 7, 7)") != std::string::npos);
    CHECK(s.find("ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1)") != std::string::npos);
}

TEST_CASE("He initialisation with PyTorch's fans for both weight layouts") {
    Generator gen(2);
    nn::Conv2d conv(32, 64, 3, gen);             // fan_in = 32 * 9
    nn::ConvTranspose2d deconv(64, 32, 3, gen);  // weight (64, 32, 3, 3): fan_in = 32 * 9 as well
    CHECK(variance(conv.weight.value()) == doctest::Approx(2.0 / (32 * 9)).epsilon(0.05));
    CHECK(variance(deconv.weight.value()) == doctest::Approx(2.0 / (32 * 9)).epsilon(0.05));
    nn::Conv2d xavier(32, 64, 3, gen, {}, nn::Init::Xavier);
    CHECK(variance(xavier.weight.value()) == doctest::Approx(2.0 / (32 * 9 + 64 * 9)).epsilon(0.05));
}

TEST_CASE("pooling, upsampling, flatten and unflatten modules") {
    const Tensor x = ones({2, 3, 8, 8});
    CHECK(nn::MaxPool2d(2)(x).shape() == Shape{2, 3, 4, 4});
    CHECK(nn::AvgPool2d(3, 1)(x).shape() == Shape{2, 3, 6, 6});
    CHECK(nn::Upsample(2)(x).shape() == Shape{2, 3, 16, 16});
    CHECK(nn::Upsample(2, nn::Upsample::Mode::Bilinear)(x).shape() == Shape{2, 3, 16, 16});
    const Tensor flat = nn::Flatten()(x);
    CHECK(flat.shape() == Shape{2, 192});
    CHECK(nn::Unflatten({3, 8, 8})(flat).value() == x.value());
    CHECK_THROWS_CONTAINING(nn::Unflatten({3, 8, 8})(ones({2, 100})), "Unflatten(3, 8, 8)", "(2, 100)", "(N, 192)");
}

TEST_CASE("BatchNorm2d: batch statistics in train mode, running averages in eval mode") {
    Generator gen(3);
    nn::BatchNorm2d bn(2);
    CHECK(bn.num_parameters() == 4);
    CHECK(bn.named_buffers().size() == 2);
    // Channel 0 holds 1..8, channel 1 holds 10 everywhere... plus noise so the variance is not 0.
    xt::xarray<float> v = xt::xarray<float>::from_shape({2, 2, 2, 2});
    for (std::size_t i = 0; i < 8; ++i) v.data()[(i / 4) * 8 + i % 4] = float(i + 1);  // channel 0 of both images
    for (std::size_t i = 0; i < 8; ++i) v.data()[(i / 4) * 8 + 4 + i % 4] = 10.0f + (i % 2 ? 1.0f : -1.0f);
    const Tensor x(v);
    const Tensor y = bn(x);
    // Channel 0: mean 4.5, biased variance 5.25, unbiased 6.0.
    CHECK(y.value()(0, 0, 0, 0) == doctest::Approx((1.0 - 4.5) / std::sqrt(5.25 + 1e-5)).epsilon(1e-5));
    CHECK(bn.running_mean.value()(0) == doctest::Approx(0.1 * 4.5));
    CHECK(bn.running_var.value()(0) == doctest::Approx(0.9 + 0.1 * 6.0));
    CHECK(bn.running_mean.value()(1) == doctest::Approx(0.1 * 10.0));
    // Eval mode uses the running averages and changes nothing.
    bn.eval();
    const Tensor z = bn(x);
    CHECK(z.value()(0, 0, 0, 0) == doctest::Approx((1.0 - 0.45) / std::sqrt(1.5 + 1e-5)).epsilon(1e-5));
    CHECK(bn.running_mean.value()(0) == doctest::Approx(0.45));
    // Gradients reach gamma and beta.
    bn.train();
    sum(bn(x) * Tensor(v)).backward();
    CHECK(bn.weight.grad().defined());
    CHECK(bn.bias.grad().value()(0) == doctest::Approx(36.0));  // sum of channel 0's values
    CHECK_THROWS_CONTAINING(bn(ones({2, 3, 4, 4})), "BatchNorm2d(2)", "(2, 3, 4, 4)", "(N, 2, H, W)");
    CHECK_THROWS_CONTAINING(nn::BatchNorm1d(4)(ones({2, 3})), "BatchNorm1d(4)", "(N, 4)");
}

TEST_CASE("a checkpoint holds the conv weights and batch norm's running statistics") {
    Generator gen(4);
    nn::Sequential a(nn::Conv2d(1, 4, 3, gen), nn::BatchNorm2d(4)), b(nn::Conv2d(1, 4, 3, gen), nn::BatchNorm2d(4));
    a(randn({3, 1, 5, 5}, gen));  // moves the running statistics away from 0 and 1
    const std::string path = (std::filesystem::temp_directory_path() / "conv-layers-test.npz").string();
    nn::save_checkpoint(a, path);
    nn::load_checkpoint(b, path);
    std::filesystem::remove(path);
    for (std::size_t i = 0; i < a.named_buffers().size(); ++i) {
        const std::string name = a.named_buffers()[i].first;
        CAPTURE(name);
        CHECK(a.named_buffers()[i].second.value() == b.named_buffers()[i].second.value());
    }
    CHECK(b.named_buffers()[0].first == "1.running_mean");
    CHECK(a.parameters()[0].value() == b.parameters()[0].value());
}

TEST_CASE("summary runs in eval mode: batch norm's statistics stay as they were, and train mode comes back") {
    Generator gen(6);
    nn::Sequential model(nn::Conv2d(1, 2, 3, gen), nn::BatchNorm2d(2));
    const xt::xarray<float> var_before = model.named_buffers()[1].second.value();
    const std::string s = model.summary({1, 1, 5, 5});  // one image: train-mode batch norm would refuse it
    CHECK(s.find("BatchNorm2d(2)") != std::string::npos);
    CHECK(model.named_buffers()[1].second.value() == var_before);
    CHECK(model.is_training());
    CHECK(model[1].is_training());
    nn::Sequential mlp(nn::Linear(3, 4, gen), nn::BatchNorm1d(4));
    CHECK(mlp.summary({1, 3}).find("BatchNorm1d(4)") != std::string::npos);
}

TEST_CASE("Conv2d refuses an output_padding, which belongs to ConvTranspose2d") {
    Generator gen(7);
    CHECK_THROWS_CONTAINING(nn::Conv2d(1, 2, 3, gen, {2, 1, 1, 1}), "Conv2d", "output_padding = 1", "ConvTranspose2d");
}
