// Module and Sequential: names, counts, train / eval, freezing, the summary.
#include "check.hpp"
#include "nn/layers.hpp"

using namespace autograd;

namespace {
// A model with a nested child, as lectures build them.
struct TwoPart : nn::Module {
    std::shared_ptr<nn::Sequential> encoder, decoder;
    explicit TwoPart(Generator& gen) {
        encoder = register_module(
            "encoder", std::make_shared<nn::Sequential>(nn::Linear(6, 4, gen), nn::ReLU(), nn::Linear(4, 2, gen)));
        decoder = register_module("decoder", std::make_shared<nn::Sequential>(nn::Linear(2, 6, gen), nn::Sigmoid()));
    }
    Tensor forward(const Tensor& x) override { return (*decoder)((*encoder)(x)); }
    std::string type_name() const override { return "TwoPart"; }
};

std::vector<std::string> names(const nn::Module& m) {
    std::vector<std::string> out;
    for (const auto& p : m.named_parameters()) out.push_back(p.first);
    return out;
}
}  // namespace

TEST_CASE("parameters are named by their path, in registration order") {
    Generator gen(1);
    TwoPart model(gen);
    const std::vector<std::string> expected{"encoder.0.weight", "encoder.0.bias",   "encoder.2.weight",
                                            "encoder.2.bias",   "decoder.0.weight", "decoder.0.bias"};
    CHECK(names(model) == expected);
    CHECK(model.num_parameters() == (6 * 4 + 4) + (4 * 2 + 2) + (2 * 6 + 6));
    CHECK(model.parameters().size() == 6);
    for (const Tensor& p : model.parameters()) CHECK(p.requires_grad());
    CHECK(model.named_children().size() == 2);
    CHECK((*model.encoder)[1].type_name() == "ReLU");
}

TEST_CASE("zero_grad clears every parameter's gradient") {
    Generator gen(2);
    TwoPart model(gen);
    sum(model(randn({3, 6}, gen))).backward();
    for (const Tensor& p : model.parameters()) CHECK(p.grad().defined());
    model.zero_grad();
    for (const Tensor& p : model.parameters()) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("train and eval reach every child") {
    Generator gen(3);
    TwoPart model(gen);
    CHECK(model.is_training());
    model.eval();
    CHECK_FALSE(model.is_training());
    CHECK_FALSE((*model.encoder)[0].is_training());
    CHECK_FALSE((*model.decoder)[1].is_training());
    model.train();
    CHECK((*model.decoder)[1].is_training());
}

TEST_CASE("freezing: no gradient reaches frozen parameters, and they leave trainable_parameters") {
    Generator gen(4);
    TwoPart model(gen);
    model.encoder->freeze();
    CHECK(model.trainable_parameters().size() == 2);
    sum(model(randn({3, 6}, gen))).backward();
    for (const auto& [name, p] : model.named_parameters())
        CHECK_MESSAGE(p.grad().defined() == (name.rfind("decoder", 0) == 0), name);
    model.encoder->unfreeze();
    CHECK(model.trainable_parameters().size() == 6);
}

TEST_CASE("a layer shared by two parents is counted once") {
    Generator gen(5);
    auto shared = std::make_shared<nn::Linear>(3, 3, gen);
    nn::Sequential both(shared, nn::ReLU(), shared);
    CHECK(both.named_parameters().size() == 2);
    CHECK(both.num_parameters() == 12);
    CHECK(both.named_parameters()[0].first == "0.weight");
}

TEST_CASE("summary lists each layer with its output shape and parameter count") {
    Generator gen(6);
    TwoPart model(gen);
    const std::string s = model.summary({1, 6});
    CAPTURE(s);
    CHECK(s.find("encoder.0") != std::string::npos);
    CHECK(s.find("Linear(6, 4)") != std::string::npos);
    CHECK(s.find("(1, 4)") != std::string::npos);
    CHECK(s.find("decoder.1") != std::string::npos);
    CHECK(s.find("Sigmoid") != std::string::npos);
    CHECK(s.find("28") != std::string::npos);  // encoder.0: 6 * 4 + 4
    CHECK(s.find(std::to_string(model.num_parameters())) != std::string::npos);
    // The summary runs without recording: the model's parameters got no gradient graph.
    for (const Tensor& p : model.parameters()) CHECK_FALSE(p.grad().defined());
    CHECK_THROWS_CONTAINING(model.summary({1, 5}), "Linear(6, 4)", "(1, 5)", "(N, 6)");
}

TEST_CASE("registration errors") {
    struct Bad : nn::Module {
        Tensor forward(const Tensor& x) override { return x; }
        std::string type_name() const override { return "Bad"; }
        void twice() {
            register_parameter("w", zeros({2}));
            register_parameter("w", zeros({2}));
        }
        void dotted() { register_parameter("a.b", zeros({2})); }
    };
    Bad bad;
    CHECK_THROWS_CONTAINING(bad.twice(), "register_parameter", "'w'", "twice");
    CHECK_THROWS_CONTAINING(bad.dotted(), "register_parameter", "'a.b'");
    nn::Sequential empty;
    CHECK_THROWS_CONTAINING(empty[0], "Sequential", "layer 0 of 0");
}

TEST_CASE("a shared layer is named by its first place in the summary; parameter and buffer names cannot collide") {
    Generator gen(7);
    auto shared = std::make_shared<nn::Linear>(3, 3, gen);
    nn::Sequential both(shared, nn::ReLU(), shared);
    const std::string s = both.summary({1, 3});
    CAPTURE(s);
    const std::size_t first_row = s.find('\n') + 1;
    CHECK(s.compare(first_row, 2, "0 ") == 0);
    struct Clash : nn::Module {
        Tensor forward(const Tensor& x) override { return x; }
        std::string type_name() const override { return "Clash"; }
        void make() {
            register_parameter("w", zeros({1}));
            register_buffer("w", zeros({1}));
        }
    };
    Clash c;
    CHECK_THROWS_CONTAINING(c.make(), "register_buffer", "'w'");
}

TEST_CASE("state_dict holds every parameter's value by name; load_state_dict checks them all before it sets any") {
    Generator gen(5);
    TwoPart a(gen), b(gen);
    const nn::StateDict state = a.state_dict();
    CHECK(state.size() == a.named_parameters().size());
    CHECK(state.at("decoder.0.bias") == a.decoder->named_parameters()[1].second.value());
    b.load_state_dict(state);
    for (std::size_t i = 0; i < a.parameters().size(); ++i)
        CHECK(b.parameters()[i].value() == a.parameters()[i].value());
    nn::StateDict wrong = state;
    wrong["decoder.0.bias"] = xt::zeros<float>({5});
    wrong["encoder.0.bias"] = xt::ones<float>({4});  // would be set first, if anything were
    CHECK_THROWS_CONTAINING(b.load_state_dict(wrong), "'decoder.0.bias' has shape (5,) in the checkpoint but (6,)");
    CHECK(b.state_dict().at("encoder.0.bias") == state.at("encoder.0.bias"));  // nothing changed
    nn::StateDict missing = state, extra = state;
    missing.erase("encoder.2.weight");
    CHECK_THROWS_CONTAINING(b.load_state_dict(missing), "the model has 'encoder.2.weight' but the checkpoint does not");
    extra["encoder.9.weight"] = xt::zeros<float>({1});
    CHECK_THROWS_CONTAINING(b.load_state_dict(extra), "the checkpoint has 'encoder.9.weight' but the model does not");
}
