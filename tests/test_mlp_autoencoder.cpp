// models/mlp_autoencoder.cpp: the MLP autoencoder's layers, its typed accessors, and that it learns
// (the loss falls on a small fixed problem).
#include <xtensor/xbuilder.hpp>

#include "check.hpp"
#include "models/mlp_autoencoder.hpp"
#include "nn/optim.hpp"

using namespace autograd;

TEST_CASE("MLPAutoencoder mirrors its widths") {
    Generator gen(1);
    models::MLPAutoencoder ae({784, 256, 64}, gen);
    std::vector<std::string> names;
    for (const auto& p : ae.named_parameters()) names.push_back(p.first);
    const std::vector<std::string> expected{"encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
                                            "decoder.0.weight", "decoder.0.bias", "decoder.2.weight", "decoder.2.bias"};
    CHECK(names == expected);
    CHECK(ae.num_parameters() == 2 * (784 * 256 + 256 * 64) + 256 + 64 + 256 + 784);
    CHECK(ae.encoder->size() == 4);
    CHECK((*ae.decoder)[3].type_name() == "Sigmoid");
    CHECK((*ae.decoder)[1].type_name() == "ReLU");
    const Tensor x = rand({5, 784}, gen);
    CHECK(ae.encode(x).shape() == Shape{5, 64});
    CHECK(ae(x).shape() == Shape{5, 784});
    CHECK_THROWS_CONTAINING(models::MLPAutoencoder({784}, gen), "at least two widths");
}

TEST_CASE("a small autoencoder trained with Adam reconstructs better than at the start") {
    Generator gen(2);
    models::MLPAutoencoder ae({8, 3}, gen, nn::Activation::Sigmoid);
    const Tensor x(xt::xarray<float>(xt::eye<float>(8)));  // Mitchell's eight one-hot vectors
    nn::Adam opt(ae.parameters(), 0.05);
    const float start = mse_loss(ae(x), x).item();
    for (int step = 0; step < 1500; ++step) {
        opt.zero_grad();
        Tensor loss = mse_loss(ae(x), x);
        loss.backward();
        opt.step();
    }
    const float end = mse_loss(ae(x), x).item();
    CHECK_MESSAGE(end < start / 10, "loss went from " << start << " to " << end);
}

TEST_CASE("encoder_layer and decoder_layer give the Linear layers in the order data goes through them") {
    Generator gen(3);
    models::MLPAutoencoder ae({10, 6, 4}, gen);
    CHECK(ae.encoder_layer(0).weight.shape() == Shape{10, 6});
    CHECK(ae.encoder_layer(1).weight.shape() == Shape{6, 4});
    CHECK(ae.decoder_layer(0).weight.shape() == Shape{4, 6});
    CHECK(ae.decoder_layer(1).weight.shape() == Shape{6, 10});
    CHECK(ae.encoder_layer(0).weight.node() == ae.named_parameters()[0].second.node());  // encoder.0.weight
    CHECK(&ae.decoder_layer(1) == &(*ae.decoder)[2]);
    CHECK_THROWS_CONTAINING(ae.encoder_layer(2), "MLPAutoencoder(10-6-4)", "no encoder layer 2", "there are 2");
    CHECK_THROWS_CONTAINING(ae.decoder_layer(5), "no decoder layer 5");
}
