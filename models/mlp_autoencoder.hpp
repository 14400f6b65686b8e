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

using autograd::Tensor;

class MLPAutoencoder : public nn::Module {
public:
    MLPAutoencoder(const std::vector<std::size_t>& widths, autograd::Generator& gen,
                   nn::Activation hidden = nn::Activation::ReLU, nn::Activation output = nn::Activation::Sigmoid,
                   nn::Init init = nn::Init::Xavier);

    Tensor encode(const Tensor& x) { return (*encoder)(x); }  // (N, D) -> (N, code)
    Tensor decode(const Tensor& h) { return (*decoder)(h); }  // (N, code) -> (N, D)
    Tensor forward(const Tensor& x) override { return decode(encode(x)); }
    std::string type_name() const override;

    std::shared_ptr<nn::Sequential> encoder, decoder;

private:
    std::vector<std::size_t> widths_;
};

}  // namespace models
