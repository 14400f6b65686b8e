// The stacked autoencoder: its levels, tying, partial reconstruction, freezing, and stacking two
// separately made halves without changing a weight.
#include "check.hpp"
#include "models/stacked_autoencoder.hpp"

#include <xtensor-blas/xlinalg.hpp>

using namespace autograd;
using models::StackedAutoencoder;

namespace {
bool same_values(const Tensor& a, const Tensor& b) { return a.shape() == b.shape() && a.value() == b.value(); }
}  // namespace

TEST_CASE("StackedAutoencoder counts its parameters, tied and untied") {
    Generator gen(1);
    StackedAutoencoder untied({784, 300, 150}, gen);
    StackedAutoencoder tied({784, 300, 150}, gen, /*tied=*/true);
    const std::size_t weights = 784 * 300 + 300 * 150, biases = 300 + 150 + 300 + 784;
    CHECK(untied.num_parameters() == 2 * weights + biases);
    CHECK(tied.num_parameters() == weights + biases);
    std::vector<std::string> names;
    for (const auto& p : tied.named_parameters()) names.push_back(p.first);
    CHECK(names == std::vector<std::string>{"encoder1.weight", "encoder1.bias", "encoder2.weight", "encoder2.bias",
                                            "decoder2.bias", "decoder1.bias"});
    CHECK(untied.type_name() == "StackedAutoencoder(784-300-150)");
    CHECK(tied.type_name() == "StackedAutoencoder(784-300-150, tied)");
}

TEST_CASE("StackedAutoencoder's forward is the levels composed, and reconstruct(x, 1) skips the inner ones") {
    Generator gen(2);
    StackedAutoencoder ae({12, 6, 3}, gen);
    const Tensor x = rand({4, 12}, gen);
    CHECK(ae.encode(x).shape() == Shape{4, 3});
    const Tensor full = ae.decode_level(0, ae.decode_level(1, ae.encode_level(1, ae.encode_level(0, x))));
    CHECK(same_values(ae(x), full));
    const Tensor outer = ae.decode_level(0, ae.encode_level(0, x));
    CHECK(same_values(ae.reconstruct(x, 1), outer));
    // The last layer is a sigmoid, so the reconstruction lies in (0, 1).
    CHECK(xt::all(ae(x).value() > 0.0f && ae(x).value() < 1.0f));
    CHECK_THROWS_CONTAINING(ae.reconstruct(x, 3), "depth 3 is not between 1 and 2");
    CHECK_THROWS_CONTAINING(ae.encode_level(2, x), "no level index 2 (levels are numbered 0 to 1)");
    CHECK_THROWS_CONTAINING(ae.freeze_level(2), "no level index 2");
    CHECK_THROWS_CONTAINING(ae.decoder_bias(5), "no level index 5");
    CHECK_THROWS_CONTAINING(StackedAutoencoder({12}, gen), "at least two widths");
    CHECK_THROWS_CONTAINING(ae(rand({4, 11}, gen)), "(N, 12)");
}

TEST_CASE("a tied StackedAutoencoder's decoder uses the transpose of its encoder's weight") {
    Generator gen(3);
    StackedAutoencoder ae({5, 4, 2}, gen, /*tied=*/true, nn::Activation::Identity, nn::Activation::Identity);
    const Tensor h = rand({3, 4}, gen);
    // decoder1(h) = h W1^T + c1, with c1 its own bias (5,).
    ae.decoder_bias(0).mutable_value() = xt::xarray<float>{0.5f, -1.0f, 2.0f, 0.0f, 3.0f};
    const xt::xarray<float> expected =
        xt::linalg::dot(h.value(), xt::transpose(ae.encoders[0]->weight.value())) + ae.decoder_bias(0).value();
    check_close((*ae.decoders[0])(h).value(), expected, 1e-6);
}

TEST_CASE("freezing a level leaves its parameters out of training") {
    Generator gen(4);
    StackedAutoencoder ae({6, 4, 2}, gen);
    ae.freeze_level(0);
    // Level 2's encoder and decoder, weight and bias each.
    CHECK(ae.trainable_parameters().size() == 4);
    const Tensor x = rand({3, 6}, gen);
    Tensor loss = mse_loss(ae(x), x);
    loss.backward();
    CHECK_FALSE(ae.encoders[0]->weight.grad().defined());
    CHECK(ae.encoders[1]->weight.grad().defined());
    ae.unfreeze_level(0);
    CHECK(ae.trainable_parameters().size() == 8);
}

TEST_CASE("freezing a tied level freezes the shared weight for both of its uses") {
    Generator gen(7);
    StackedAutoencoder ae({6, 4, 2}, gen, /*tied=*/true);
    ae.freeze_level(0);
    const Tensor x = rand({3, 6}, gen);
    Tensor loss = mse_loss(ae(x), x);
    loss.backward();
    CHECK_FALSE(ae.encoders[0]->weight.grad().defined());  // used by encoder1 and decoder1
    CHECK_FALSE(ae.decoder_bias(0).grad().defined());
    CHECK(ae.encoders[1]->weight.grad().defined());
    ae.unfreeze_level(0);
    ae.zero_grad();
    ae.freeze_level(1);
    Tensor loss2 = mse_loss(ae(x), x);
    loss2.backward();
    CHECK(ae.encoders[0]->weight.grad().defined());
    CHECK_FALSE(ae.encoders[1]->weight.grad().defined());
}

TEST_CASE("stack() assembles two halves with their weights kept exactly") {
    for (bool tied : {false, true}) {
        CAPTURE(tied);
        Generator gen(5);
        StackedAutoencoder outer({10, 6}, gen, tied);
        StackedAutoencoder inner({6, 3}, gen, tied, nn::Activation::ReLU, /*output=*/nn::Activation::ReLU);
        // Give the biases values too, so a bias copied to the wrong place would show.
        for (auto& p : outer.named_parameters()) p.second.mutable_value() = rand(p.second.shape(), gen).value();
        for (auto& p : inner.named_parameters()) p.second.mutable_value() = rand(p.second.shape(), gen).value();
        StackedAutoencoder stacked = StackedAutoencoder::stack(outer, inner);
        CHECK(stacked.widths() == std::vector<std::size_t>{10, 6, 3});
        CHECK(stacked.tied() == tied);
        CHECK(same_values(stacked.encoders[0]->weight, outer.encoders[0]->weight));
        CHECK(same_values(stacked.encoders[0]->bias, outer.encoders[0]->bias));
        CHECK(same_values(stacked.encoders[1]->weight, inner.encoders[0]->weight));
        CHECK(same_values(stacked.encoders[1]->bias, inner.encoders[0]->bias));
        const auto dec_params = [](const nn::Module& m) { return m.named_parameters(); };
        const auto s1 = dec_params(*stacked.decoders[0]), o1 = dec_params(*outer.decoders[0]);
        const auto s2 = dec_params(*stacked.decoders[1]), i1 = dec_params(*inner.decoders[0]);
        REQUIRE(s1.size() == o1.size());
        REQUIRE(s2.size() == i1.size());
        for (std::size_t k = 0; k < s1.size(); ++k) CHECK(same_values(s1[k].second, o1[k].second));
        for (std::size_t k = 0; k < s2.size(); ++k) CHECK(same_values(s2[k].second, i1[k].second));
        // And so it computes outer.decode(inner(outer.encode(x))), to the last bit.
        const Tensor x = rand({4, 10}, gen);
        const Tensor composed = outer.decode_level(0, inner(outer.encode_level(0, x)));
        CHECK(same_values(stacked(x), composed));
        // The copies are copies: changing a half afterwards leaves the stack alone.
        outer.encoders[0]->weight.mutable_value().fill(0.0f);
        CHECK_FALSE(same_values(stacked.encoders[0]->weight, outer.encoders[0]->weight));
    }
}

TEST_CASE("stack() refuses halves that do not fit") {
    Generator gen(6);
    StackedAutoencoder outer({10, 6}, gen);
    StackedAutoencoder wrong_width({5, 3}, gen, false, nn::Activation::ReLU, nn::Activation::ReLU);
    StackedAutoencoder tied({6, 3}, gen, true, nn::Activation::ReLU, nn::Activation::ReLU);
    StackedAutoencoder sigmoid_out({6, 3}, gen);  // output sigmoid, but the stack puts ReLU there
    StackedAutoencoder tanh_hidden({6, 3}, gen, false, nn::Activation::Tanh, nn::Activation::ReLU);
    CHECK_THROWS_CONTAINING(StackedAutoencoder::stack(outer, wrong_width), "outer code has 6 units");
    CHECK_THROWS_CONTAINING(StackedAutoencoder::stack(outer, tied), "one half is tied");
    CHECK_THROWS_CONTAINING(StackedAutoencoder::stack(outer, sigmoid_out), "output activation");
    CHECK_THROWS_CONTAINING(StackedAutoencoder::stack(outer, sigmoid_out), "decoder2");
    CHECK_THROWS_CONTAINING(StackedAutoencoder::stack(outer, tanh_hidden), "different hidden activations");
}

TEST_CASE("stack() takes an inner half of more than one level") {
    Generator gen(8);
    StackedAutoencoder outer({12, 8}, gen);
    StackedAutoencoder inner({8, 5, 3}, gen, false, nn::Activation::ReLU, nn::Activation::ReLU);
    StackedAutoencoder stacked = StackedAutoencoder::stack(outer, inner);
    CHECK(stacked.widths() == std::vector<std::size_t>{12, 8, 5, 3});
    const Tensor x = rand({2, 12}, gen);
    CHECK(same_values(stacked(x), outer.decode_level(0, inner(outer.encode_level(0, x)))));
}

TEST_CASE("untied_decoder and tied_decoder give each decoder as the layer it is, or say which it is") {
    Generator gen(20);
    StackedAutoencoder untied({8, 5, 3}, gen), tied({8, 5, 3}, gen, /*tied=*/true);
    CHECK(untied.untied_decoder(0).weight.shape() == Shape{5, 8});
    CHECK(untied.untied_decoder(1).weight.shape() == Shape{3, 5});
    CHECK(&tied.tied_decoder(1).tied_to() == tied.encoders[1].get());
    CHECK(tied.tied_decoder(0).bias.shape() == Shape{8});
    CHECK_THROWS_CONTAINING(tied.untied_decoder(0), "tied", "TiedLinear", "tied_decoder(0)");
    CHECK_THROWS_CONTAINING(untied.tied_decoder(1), "untied", "Linear", "untied_decoder(1)");
    CHECK_THROWS_CONTAINING(untied.untied_decoder(2), "no level index 2");
}
