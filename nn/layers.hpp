// layers.hpp: Linear, the tied decoder layer, activations, Dropout.
//
// Dimension letters: N examples in a batch, D inputs of a layer, H its outputs.
//
// A note for PyTorch users: Linear keeps its weight as (D, H), in the slides' orientation, and
// computes h = x W + b. PyTorch keeps the transpose, (H, D), and computes x W^T + b; a
// checkpoint's "weight" is therefore the transpose of PyTorch's for the same layer.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "autograd/random.hpp"
#include "nn/init.hpp"
#include "nn/module.hpp"

namespace nn {

// h = x W + b: x (N, D), W (D, H), b (H,), computed by autograd::linear. Xavier initialisation
// unless told otherwise; the bias starts at zero.
class Linear : public Module {
public:
    Linear(std::size_t in_features, std::size_t out_features, autograd::Generator& gen, Init init = Init::Xavier,
           bool with_bias = true);
    autograd::Tensor forward(const autograd::Tensor& x) override;  // (N, D) -> (N, H)
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64& p) override;
    std::string type_name() const override;

    std::size_t in_features() const { return in_; }
    std::size_t out_features() const { return out_; }
    autograd::Tensor weight;  // (D, H)
    autograd::Tensor bias;    // (H,), undefined when made without a bias

private:
    std::size_t in_, out_;
};

// The decoder half of a tied pair (Scott slide 8, W4 = W1^T; Silva, "Tying Weights"):
// y = h W^T + c (autograd::tied_linear), where W is the encoder layer's weight (D, H). It stores
// no weight of its own;
// its bias c (D,) is its own ("biases are never tied"). Because W is used twice in one graph,
// backward() gives W the sum of the encoder's and the decoder's contributions.
class TiedLinear : public Module {
public:
    explicit TiedLinear(std::shared_ptr<Linear> encoder_layer);
    autograd::Tensor forward(const autograd::Tensor& h) override;  // (N, H) -> (N, D)
    autograd::Tensor64 forward64(const autograd::Tensor64& h, const Params64& p) override;
    std::string type_name() const override;

    const Linear& tied_to() const { return *encoder_; }
    autograd::Tensor bias;  // (D,)

private:
    std::shared_ptr<Linear> encoder_;  // shared, not registered: its weight is counted once, there
};

// ---- activations (no parameters) ---------------------------------------------------------------
class Sigmoid : public Module {
public:
    autograd::Tensor forward(const autograd::Tensor& x) override { return autograd::sigmoid(x); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override { return autograd::sigmoid(x); }
    std::string type_name() const override { return "Sigmoid"; }
};

class Tanh : public Module {
public:
    autograd::Tensor forward(const autograd::Tensor& x) override { return autograd::tanh(x); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override { return autograd::tanh(x); }
    std::string type_name() const override { return "Tanh"; }
};

class ReLU : public Module {
public:
    autograd::Tensor forward(const autograd::Tensor& x) override { return autograd::relu(x); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override { return autograd::relu(x); }
    std::string type_name() const override { return "ReLU"; }
};

class LeakyReLU : public Module {
public:
    explicit LeakyReLU(double slope = 0.01) : slope_(slope) {}
    autograd::Tensor forward(const autograd::Tensor& x) override { return autograd::leaky_relu(x, slope_); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override {
        return autograd::leaky_relu(x, slope_);
    }
    std::string type_name() const override;

private:
    double slope_;
};

class Softplus : public Module {
public:
    autograd::Tensor forward(const autograd::Tensor& x) override { return autograd::softplus(x); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override {
        return autograd::softplus(x);
    }
    std::string type_name() const override { return "Softplus"; }
};

class Identity : public Module {
public:
    autograd::Tensor forward(const autograd::Tensor& x) override { return x; }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override { return x; }
    std::string type_name() const override { return "Identity"; }
};

// The activations by name, for models whose activation is a setting.
enum class Activation { Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Softplus };
std::shared_ptr<Module> make_activation(Activation a);

// ---- Dropout ---------------------------------------------------------------------------------
// In train mode each element is zeroed with probability p and the survivors are scaled by
// 1 / (1 - p), so the expected value is unchanged ("inverted" dropout); in eval mode it passes
// x through. Its masks come from a generator of its own, seeded from `gen` when it is made.
class Dropout : public Module {
public:
    Dropout(double p, autograd::Generator& gen);
    autograd::Tensor forward(const autograd::Tensor& x) override;
    // Eval mode (or p = 0) only: in train mode the mask is random, so there is nothing to check.
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override;
    std::string type_name() const override;

private:
    double p_;
    autograd::Generator gen_;
};

}  // namespace nn
