// Linear, TiedLinear, activations, Dropout, initialisers.
#include "check.hpp"
#include "nn/layers.hpp"

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xsort.hpp>

using namespace autograd;

TEST_CASE("Linear computes x W + b with W of shape (in, out)") {
    Generator gen(1);
    nn::Linear layer(3, 2, gen);
    CHECK(layer.weight.shape() == Shape{3, 2});
    CHECK(layer.bias.shape() == Shape{2});
    layer.bias.mutable_value() = xt::xarray<float>{0.5f, -1.0f};
    const Tensor x(xt::xarray<float>{{1.0f, 2.0f, 3.0f}});
    const xt::xarray<float> y = layer(x).value();
    const xt::xarray<float>& W = layer.weight.value();
    for (std::size_t j = 0; j < 2; ++j) {
        const float expected = W(0, j) + 2.0f * W(1, j) + 3.0f * W(2, j) + (j == 0 ? 0.5f : -1.0f);
        CAPTURE(j);
        CHECK(y(0, j) == doctest::Approx(expected).epsilon(1e-6));
    }
    CHECK(layer.num_parameters() == 8);
    nn::Linear no_bias(3, 2, gen, nn::Init::Xavier, false);
    CHECK(no_bias.num_parameters() == 6);
    CHECK_THROWS_CONTAINING(layer(ones({4, 5})), "Linear(3, 2)", "(4, 5)", "(N, 3)");
}

TEST_CASE("TiedLinear stores no weight and uses the transpose of its encoder's") {
    Generator gen(3);
    auto enc = std::make_shared<nn::Linear>(5, 3, gen);
    nn::TiedLinear dec(enc);
    CHECK(dec.num_parameters() == 5);  // its own bias only: biases are never tied
    CHECK(dec.named_parameters()[0].first == "bias");
    nn::Sequential ae(enc, nn::Sigmoid(), std::make_shared<nn::TiedLinear>(enc));
    CHECK(ae.num_parameters() == 5 * 3 + 3 + 5);
    const Tensor h = randn({2, 3}, gen);
    const xt::xarray<float> expected = xt::linalg::dot(h.value(), xt::transpose(enc->weight.value()));
    check_close(dec(h).value(), expected, 1e-5);
    CHECK_THROWS_CONTAINING(dec(ones({2, 5})), "TiedLinear(3, 5)", "(2, 5)", "(N, 3)");
}

TEST_CASE("a tied weight's gradient is the sum of its encoder and decoder contributions") {
    Generator gen(4);
    auto enc = std::make_shared<nn::Linear>(4, 3, gen);
    nn::TiedLinear dec(enc);
    const Tensor x = rand({5, 4}, gen);
    auto loss_of = [&](const Tensor& W_enc, const Tensor& W_dec) {
        // The same model with the two uses of W as separate tensors.
        const Tensor h = sigmoid(matmul(x, W_enc) + enc->bias);
        return mse_loss(gemm(h, W_dec, false, true) + dec.bias, x);
    };
    // Tied: one tensor, used twice.
    mse_loss(dec(sigmoid((*enc)(x))), x).backward();
    const xt::xarray<float> tied = enc->weight.grad().value();
    // Untied copies: each gets one contribution.
    Tensor W1(xt::xarray<float>(enc->weight.value()), true), W2(xt::xarray<float>(enc->weight.value()), true);
    loss_of(W1, W2).backward();
    const xt::xarray<float> sum_of_both = W1.grad().value() + W2.grad().value();
    check_close(tied, sum_of_both, 1e-6);
    CHECK(xt::amax(xt::abs(W2.grad().value()))() > 1e-4);  // the decoder's share is not nothing
}

TEST_CASE("activation modules and make_activation") {
    const Tensor x(xt::xarray<float>{-2.0f, 0.0f, 3.0f});
    CHECK(nn::ReLU()(x).value() == xt::xarray<float>{0.0f, 0.0f, 3.0f});
    CHECK(nn::Identity()(x).value() == x.value());
    check_close(nn::LeakyReLU(0.1)(x).value(), xt::xarray<float>{-0.2f, 0.0f, 3.0f}, 1e-7);
    check_close(nn::Sigmoid()(x).value(), sigmoid(x).value(), 0);
    check_close(nn::Tanh()(x).value(), tanh(x).value(), 0);
    check_close(nn::Softplus()(x).value(), softplus(x).value(), 0);
    CHECK(nn::make_activation(nn::Activation::Tanh)->type_name() == "Tanh");
    CHECK(nn::make_activation(nn::Activation::LeakyReLU)->type_name() == "LeakyReLU(0.01)");
}

TEST_CASE("Dropout zeroes about p of the inputs in train mode, scales the rest, and passes through in eval") {
    Generator gen(5);
    nn::Dropout drop(0.25, gen);
    const Tensor x = ones({100, 100});
    const xt::xarray<float> y = drop(x).value();
    std::size_t zeros_seen = 0;
    for (float v : y) {
        if (v == 0.0f)
            ++zeros_seen;
        else
            CHECK(v == doctest::Approx(1.0 / 0.75));
    }
    CHECK(double(zeros_seen) / 10000.0 == doctest::Approx(0.25).epsilon(0.08));
    CHECK_FALSE(drop(x).value() == y);  // a new mask each call
    drop.eval();
    CHECK(drop(x).value() == x.value());
    CHECK_THROWS_CONTAINING(nn::Dropout(1.0, gen), "Dropout", "p = 1");
    // Gradients flow through the kept elements only, scaled alike.
    drop.train();
    Tensor w = ones({1, 8}).requires_grad_();
    sum(drop(w)).backward();
    for (float g : w.grad().value()) CHECK((g == 0.0f || g == doctest::Approx(1.0 / 0.75)));
}
