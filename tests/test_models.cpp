// The MLP autoencoder: its layers, and that it learns (loss falls on a small fixed problem).
#include "check.hpp"
#include "models/mlp_autoencoder.hpp"
#include "nn/optim.hpp"

#include <xtensor/xbuilder.hpp>

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
