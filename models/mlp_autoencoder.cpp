#include "models/mlp_autoencoder.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace models {

MLPAutoencoder::MLPAutoencoder(const std::vector<std::size_t>& widths, autograd::Generator& gen, nn::Activation hidden,
                               nn::Activation output, nn::Init init)
    : widths_(widths) {
    if (widths.size() < 2) throw std::invalid_argument("MLPAutoencoder: needs at least two widths (input and code)");
    encoder = register_module("encoder", std::make_shared<nn::Sequential>());
    decoder = register_module("decoder", std::make_shared<nn::Sequential>());
    const std::size_t layers = widths.size() - 1;
    for (std::size_t i = 0; i < layers; ++i) {  // 784 -> 256 -> 64
        encoder_layers_.push_back(encoder->push_back(nn::Linear(widths[i], widths[i + 1], gen, init)));
        encoder->push_back(nn::make_activation(hidden));
    }
    for (std::size_t i = layers; i > 0; --i) {  // 64 -> 256 -> 784
        decoder_layers_.push_back(decoder->push_back(nn::Linear(widths[i], widths[i - 1], gen, init)));
        decoder->push_back(nn::make_activation(i > 1 ? hidden : output));
    }
}

nn::Linear& MLPAutoencoder::encoder_layer(std::size_t i) const {
    if (i >= encoder_layers_.size())
        throw std::out_of_range(
            fmt::format("{}: no encoder layer {} (there are {})", type_name(), i, encoder_layers_.size()));
    return *encoder_layers_[i];
}

nn::Linear& MLPAutoencoder::decoder_layer(std::size_t i) const {
    if (i >= decoder_layers_.size())
        throw std::out_of_range(
            fmt::format("{}: no decoder layer {} (there are {})", type_name(), i, decoder_layers_.size()));
    return *decoder_layers_[i];
}

std::string MLPAutoencoder::type_name() const { return fmt::format("MLPAutoencoder({})", fmt::join(widths_, "-")); }

}  // namespace models
