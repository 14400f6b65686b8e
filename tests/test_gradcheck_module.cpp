// nn/gradcheck_module.cpp: a module's gradients checked in float64 through its forward64, for the
// layers of nn/ and the models built of them, and the ways the check fails when something is wrong.
#include "check.hpp"
#include "models/mlp_autoencoder.hpp"
#include "models/stacked_autoencoder.hpp"
#include "models/vae.hpp"
#include "nn/conv_layers.hpp"
#include "nn/gradcheck_module.hpp"
#include "nn/layers.hpp"

using namespace autograd;

// Checks a module first and (when `second`) second order; prints the report of a failure.
#define CHECK_MODULE(module, x, second)                                      \
    do {                                                                     \
        const GradcheckResult r1_ = nn::gradcheck_module(module, x);         \
        CHECK_MESSAGE(r1_.ok, r1_.report);                                   \
        CHECK(r1_.checked > 0);                                              \
        if (second) {                                                        \
            const GradcheckResult r2_ = nn::gradgradcheck_module(module, x); \
            CHECK_MESSAGE(r2_.ok, r2_.report);                               \
        }                                                                    \
    } while (0)

namespace {
// f(a) = a^2 with a wrong backward, 3a instead of 2a: what a student's first attempt might hold.
template <class T>
BasicTensor<T> bad_square(const BasicTensor<T>& a) {
    xt::xarray<T> out = a.value() * a.value();
    return record<T>("bad_square", std::move(out), {a}, [a](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{grad_out * a * 3.0};
    });
}

// h = bad_square(x W): a layer whose forward64 is its forward, and whose backward is wrong.
class BadLayer : public nn::Module {
public:
    explicit BadLayer(Generator& gen) { weight = register_parameter("weight", randn({3, 2}, gen)); }
    Tensor forward(const Tensor& x) override { return bad_square(matmul(x, weight)); }
    Tensor64 forward64(const Tensor64& x, const nn::Params64& p) override { return bad_square(matmul(x, p(weight))); }
    std::string type_name() const override { return "BadLayer"; }
    Tensor weight;
};

// A layer whose forward64 computes something else than its forward (x W against x W + 1).
class DriftingLayer : public nn::Module {
public:
    explicit DriftingLayer(Generator& gen) { weight = register_parameter("weight", randn({3, 2}, gen)); }
    Tensor forward(const Tensor& x) override { return matmul(x, weight); }
    Tensor64 forward64(const Tensor64& x, const nn::Params64& p) override { return matmul(x, p(weight)) + 1.0; }
    std::string type_name() const override { return "DriftingLayer"; }
    Tensor weight;
};

// A layer of one's own that has not written forward64.
class NoFloat64 : public nn::Module {
public:
    Tensor forward(const Tensor& x) override { return x * 2.0; }
    std::string type_name() const override { return "NoFloat64"; }
};
}  // namespace

TEST_CASE("Linear, TiedLinear and Conv2d gradcheck in float64, first and second order") {
    Generator gen(1);
    nn::Linear linear(4, 3, gen);
    CHECK_MODULE(linear, rnd(gen, {5, 4}), true);
    // Alone, TiedLinear's inputs are x and its bias; its encoder's weight reads as a constant.
    const auto encoder = std::make_shared<nn::Linear>(4, 3, gen);
    nn::TiedLinear tied(encoder);
    CHECK_MODULE(tied, rnd(gen, {5, 3}), true);
    // With its encoder in one model, the shared weight is an input and gets both of its uses.
    nn::Sequential pair(encoder, nn::Sigmoid(), std::make_shared<nn::TiedLinear>(encoder));
    CHECK(pair.parameters().size() == 3);  // W, b, c
    CHECK_MODULE(pair, rnd(gen, {5, 4}), true);
    ConvGeometry down;
    down.stride = 2;
    down.padding = 1;
    nn::Conv2d conv(2, 3, 3, gen, down);
    CHECK_MODULE(conv, rnd(gen, {2, 2, 5, 6}), true);
}

TEST_CASE("the other image layers, and BatchNorm in both modes without touching its running statistics") {
    Generator gen(2);
    ConvGeometry up{/*stride=*/2, /*padding=*/1, /*dilation=*/1, /*output_padding=*/1};
    nn::ConvTranspose2d deconv(3, 2, 3, gen, up);
    CHECK_MODULE(deconv, rnd(gen, {2, 3, 3, 3}), false);
    nn::Sequential images(nn::Upsample(2, nn::Upsample::Mode::Bilinear), nn::AvgPool2d(2), nn::Flatten(),
                          nn::Unflatten({2, 3, 3}), nn::Upsample(2), nn::MaxPool2d(3, 2));
    CHECK_MODULE(images, rnd(gen, {2, 2, 3, 3}), false);
    nn::BatchNorm2d bn(3);
    bn.running_mean.mutable_value() = xt::xarray<float>{0.5f, -0.2f, 0.1f};
    const xt::xarray<float> mean_before = bn.running_mean.value(), var_before = bn.running_var.value();
    CHECK_MODULE(bn, rnd(gen, {4, 3, 2, 2}), true);  // train mode: the batch's statistics
    CHECK(bn.running_mean.value() == mean_before);
    CHECK(bn.running_var.value() == var_before);
    CHECK(bn.is_training());
    bn.eval();
    CHECK_MODULE(bn, rnd(gen, {4, 3, 2, 2}), true);  // eval mode: the running ones
}

TEST_CASE("the models: an MLP autoencoder, a tied stacked autoencoder, a VAE's mean reconstruction") {
    Generator gen(3);
    models::MLPAutoencoder mlp({6, 4, 2}, gen, nn::Activation::Tanh);
    CHECK_MODULE(mlp, rnd(gen, {3, 6}), false);
    models::StackedAutoencoder stacked({6, 4, 3}, gen, /*tied=*/true, nn::Activation::Sigmoid);
    CHECK_MODULE(stacked, rnd(gen, {3, 6}), false);
    models::VAE vae(5, 4, 2, gen);
    CHECK_MODULE(vae, rnd(gen, {3, 5}), false);
}

TEST_CASE("a frozen parameter is read as a constant, and a Dropout in train mode is refused") {
    Generator gen(4);
    nn::Sequential model(nn::Linear(3, 2, gen), nn::Dropout(0.5, gen));
    CHECK_THROWS_CONTAINING(nn::gradcheck_module(model, rnd(gen, {2, 3})), "Dropout(0.5)", "eval()");
    model.eval();
    (*model.named_children()[0].second).freeze();
    const GradcheckResult r = nn::gradcheck_module(model, rnd(gen, {2, 3}));
    CHECK(r.ok);
    CHECK(r.checked == 4 * 6);  // d out / d x only: 4 outputs by the 6 entries of x
}

TEST_CASE("the check fails on a wrong backward, naming the inputs, and on a forward64 that differs") {
    Generator gen(5);
    BadLayer bad(gen);
    const GradcheckResult r = nn::gradcheck_module(bad, rnd(gen, {4, 3}));
    CHECK_FALSE(r.ok);
    CHECK_MESSAGE(r.report.find("BadLayer: inputs: 0 x, 1 weight") != std::string::npos, r.report);
    CHECK_MESSAGE(r.report.find("expected (numeric)") != std::string::npos, r.report);
    DriftingLayer drifting(gen);
    const GradcheckResult d = nn::gradcheck_module(drifting, rnd(gen, {4, 3}));
    CHECK_FALSE(d.ok);
    CHECK_MESSAGE(d.report.find("DriftingLayer: forward64 differs from forward") != std::string::npos, d.report);
    NoFloat64 plain;
    CHECK_THROWS_CONTAINING(nn::gradcheck_module(plain, rnd(gen, {2, 2})), "NoFloat64", "no float64 forward",
                            "override forward64");
}
