// stacked_autoencoder.hpp: the stacked autoencoder of Scott slides 8-12, kept as levels so that
// it can be tied, trained level by level, frozen, and assembled from separately trained halves.
//
// widths {784, 300, 150} makes two levels:
//   level 1: encoder1 784 -> 300 and decoder1 300 -> 784 (the outer pair)
//   level 2: encoder2 300 -> 150 and decoder2 150 -> 300 (the inner pair)
// and forward runs x -> encoder1 -> encoder2 -> decoder2 -> decoder1, each followed by `hidden`
// except decoder1, followed by `output`. In Scott's names the weights are W1, W2, W3, W4 in that
// order; tied, W3 = W2^T and W4 = W1^T (slide 8): decoder i is then a TiedLinear that reuses
// encoder i's weight and keeps only its own bias (Silva: "biases are never tied").
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "nn/layers.hpp"
#include "nn/module.hpp"

namespace models {

class StackedAutoencoder : public nn::Module {
public:
    StackedAutoencoder(const std::vector<std::size_t>& widths, autograd::Generator& gen, bool tied = false,
                       nn::Activation hidden = nn::Activation::ReLU, nn::Activation output = nn::Activation::Sigmoid,
                       nn::Init init = nn::Init::Xavier);

    // The number of levels (widths.size() - 1).
    std::size_t levels() const { return encoders.size(); }
    const std::vector<std::size_t>& widths() const { return widths_; }
    bool tied() const { return tied_; }

    // Levels are indexed from 0 in code: level index i is the pair encoder{i+1} / decoder{i+1}
    // (so "level 1" of the slides, the outer pair, is index 0).
    // One level's halves: encoder i with its activation, decoder i with its own (`output` for
    // index 0, `hidden` for the others). An index >= levels() is a std::out_of_range.
    autograd::Tensor encode_level(std::size_t i, const autograd::Tensor& x);  // (N, widths[i]) -> (N, widths[i + 1])
    autograd::Tensor decode_level(std::size_t i, const autograd::Tensor& h);  // (N, widths[i + 1]) -> (N, widths[i])

    // Through the first `depth` levels and back: reconstruct(x, 1) skips the inner levels
    // (Scott slide 10, phase 1); reconstruct(x, levels()) is forward(x).
    autograd::Tensor reconstruct(const autograd::Tensor& x, std::size_t depth);
    autograd::Tensor encode(const autograd::Tensor& x);  // (N, widths[0]) -> (N, widths.back()): the code
    autograd::Tensor forward(const autograd::Tensor& x) override { return reconstruct(x, levels()); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const nn::Params64& p) override;
    std::string type_name() const override;

    // Freezes (unfreezes) level i's encoder and decoder: their parameters stop (start again)
    // requiring grad. In a tied model the shared weight belongs to the encoder.
    void freeze_level(std::size_t i);
    void unfreeze_level(std::size_t i);
    // Decoder i's own bias (tied or not), (widths[i],).
    autograd::Tensor decoder_bias(std::size_t i) const;
    // Decoder i as the layer it is: a Linear in an untied model, a TiedLinear in a tied one (asking
    // for the other kind is a std::logic_error that says which the model has).
    nn::Linear& untied_decoder(std::size_t i) const;
    nn::TiedLinear& tied_decoder(std::size_t i) const;

    // Scott slide 9: the model whose outer levels are `outer`'s and inner levels are `inner`'s,
    // with their weights copied exactly. `inner` must have been trained on outer's codes:
    // inner.widths().front() == outer.widths().back(), both tied or both untied, the same hidden
    // activation, and inner's output activation equal to outer's hidden one (in the
    // stack, the inner decoders are followed by it).
    static StackedAutoencoder stack(const StackedAutoencoder& outer, const StackedAutoencoder& inner);

    std::vector<std::shared_ptr<nn::Linear>> encoders;  // encoders[i]: widths[i] -> widths[i + 1]
    std::vector<std::shared_ptr<nn::Module>> decoders;  // decoders[i]: widths[i + 1] -> widths[i]

private:
    void check_level(std::size_t i) const;

    std::vector<std::size_t> widths_;
    bool tied_;
    nn::Activation hidden_, output_;
    std::shared_ptr<nn::Module> hidden_act_, output_act_;
};

}  // namespace models
