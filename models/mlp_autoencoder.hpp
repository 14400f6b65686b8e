// mlp_autoencoder.hpp: the fully connected autoencoder of Scott's slides 4-8.
//
// widths {784, 256, 64} gives the encoder 784 -> 256 -> 64 and the mirrored decoder
// 64 -> 256 -> 784. Every layer but the last is followed by `hidden` (the code layer too);
// the last by `output` (sigmoid for pixels in [0, 1]).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "nn/layers.hpp"
#include "nn/module.hpp"

namespace models {

class MLPAutoencoder : public nn::Module {
public:
    MLPAutoencoder(const std::vector<std::size_t>& widths, autograd::Generator& gen,
                   nn::Activation hidden = nn::Activation::ReLU, nn::Activation output = nn::Activation::Sigmoid,
                   nn::Init init = nn::Init::Xavier);

    autograd::Tensor encode(const autograd::Tensor& x) { return (*encoder)(x); }  // (N, D) -> (N, code)
    autograd::Tensor decode(const autograd::Tensor& h) { return (*decoder)(h); }  // (N, code) -> (N, D)
    autograd::Tensor forward(const autograd::Tensor& x) override { return decode(encode(x)); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const nn::Params64& p) override {
        return decoder->forward64(encoder->forward64(x, p), p);
    }
    std::string type_name() const override;

    // The i-th Linear layer of each half, in the order data goes through them: encoder_layer(0)
    // takes widths[0] to widths[1] (its weight is the first filter bank, Scott slide 11),
    // decoder_layer(0) starts from the code. std::out_of_range past the last.
    nn::Linear& encoder_layer(std::size_t i) const;
    nn::Linear& decoder_layer(std::size_t i) const;

    std::shared_ptr<nn::Sequential> encoder, decoder;  // each: Linear, activation, Linear, ...

private:
    std::vector<std::size_t> widths_;
    std::vector<std::shared_ptr<nn::Linear>> encoder_layers_, decoder_layers_;
};

}  // namespace models
