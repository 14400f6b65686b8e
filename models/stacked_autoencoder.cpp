#include "models/stacked_autoencoder.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace models {

StackedAutoencoder::StackedAutoencoder(const std::vector<std::size_t>& widths, autograd::Generator& gen, bool tied,
                                       nn::Activation hidden, nn::Activation output, nn::Init init)
    : widths_(widths),
      tied_(tied),
      hidden_(hidden),
      output_(output),
      hidden_act_(register_module("hidden_act", nn::make_activation(hidden))),
      output_act_(register_module("output_act", nn::make_activation(output))) {
    if (widths.size() < 2)
        throw std::invalid_argument("StackedAutoencoder: needs at least two widths (input and code)");
    const std::size_t n = widths.size() - 1;
    // Registered in the order forward uses them: encoder1, encoder2, ..., decoder2, decoder1.
    for (std::size_t i = 0; i < n; ++i)
        encoders.push_back(register_module(fmt::format("encoder{}", i + 1),
                                           std::make_shared<nn::Linear>(widths[i], widths[i + 1], gen, init)));
    decoders.resize(n);
    for (std::size_t i = n; i-- > 0;) {
        std::shared_ptr<nn::Module> d;
        if (tied)
            d = std::make_shared<nn::TiedLinear>(encoders[i]);
        else
            d = std::make_shared<nn::Linear>(widths[i + 1], widths[i], gen, init);
        decoders[i] = register_module(fmt::format("decoder{}", i + 1), d);
    }
}

void StackedAutoencoder::check_level(std::size_t i) const {
    if (i >= levels())
        throw std::out_of_range(
            fmt::format("StackedAutoencoder: no level index {} (levels are numbered 0 to {})", i, levels() - 1));
}

autograd::Tensor StackedAutoencoder::encode_level(std::size_t i, const autograd::Tensor& x) {
    check_level(i);
    return (*hidden_act_)((*encoders[i])(x));
}

autograd::Tensor StackedAutoencoder::decode_level(std::size_t i, const autograd::Tensor& h) {
    check_level(i);
    return (*(i == 0 ? output_act_ : hidden_act_))((*decoders[i])(h));
}

autograd::Tensor StackedAutoencoder::reconstruct(const autograd::Tensor& x, std::size_t depth) {
    if (depth == 0 || depth > levels())
        throw std::out_of_range(fmt::format("StackedAutoencoder: depth {} is not between 1 and {}", depth, levels()));
    autograd::Tensor h = x;
    for (std::size_t i = 0; i < depth; ++i) h = encode_level(i, h);
    for (std::size_t i = depth; i-- > 0;) h = decode_level(i, h);
    return h;
}

autograd::Tensor StackedAutoencoder::encode(const autograd::Tensor& x) {
    autograd::Tensor h = x;
    for (std::size_t i = 0; i < levels(); ++i) h = encode_level(i, h);
    return h;
}

autograd::Tensor64 StackedAutoencoder::forward64(const autograd::Tensor64& x, const nn::Params64& p) {
    // reconstruct(x, levels()) in float64: every encoder, then every decoder back.
    autograd::Tensor64 h = x;
    for (std::size_t i = 0; i < levels(); ++i) h = hidden_act_->forward64(encoders[i]->forward64(h, p), p);
    for (std::size_t i = levels(); i-- > 0;)
        h = (i == 0 ? output_act_ : hidden_act_)->forward64(decoders[i]->forward64(h, p), p);
    return h;
}

void StackedAutoencoder::freeze_level(std::size_t i) {
    check_level(i);
    encoders[i]->freeze();
    decoders[i]->freeze();
}

void StackedAutoencoder::unfreeze_level(std::size_t i) {
    check_level(i);
    encoders[i]->unfreeze();
    decoders[i]->unfreeze();
}

autograd::Tensor StackedAutoencoder::decoder_bias(std::size_t i) const {
    check_level(i);
    for (const auto& [name, tensor] : decoders[i]->named_parameters())
        if (name == "bias") return tensor;
    throw std::logic_error("StackedAutoencoder: a decoder without a bias");
}

nn::Linear& StackedAutoencoder::untied_decoder(std::size_t i) const {
    check_level(i);
    if (tied_)
        throw std::logic_error(
            fmt::format("{}: decoder {} is a TiedLinear (its weight is encoders[{}]->weight); "
                        "use tied_decoder({})",
                        type_name(), i, i, i));
    return static_cast<nn::Linear&>(*decoders[i]);
}

nn::TiedLinear& StackedAutoencoder::tied_decoder(std::size_t i) const {
    check_level(i);
    if (!tied_)
        throw std::logic_error(fmt::format("{}: the model is untied, so decoder {} is a Linear; use untied_decoder({})",
                                           type_name(), i, i));
    return static_cast<nn::TiedLinear&>(*decoders[i]);
}

std::string StackedAutoencoder::type_name() const {
    return fmt::format("StackedAutoencoder({}{})", fmt::join(widths_, "-"), tied_ ? ", tied" : "");
}

StackedAutoencoder StackedAutoencoder::stack(const StackedAutoencoder& outer, const StackedAutoencoder& inner) {
    if (outer.widths_.back() != inner.widths_.front())
        throw std::invalid_argument(
            fmt::format("StackedAutoencoder::stack: the outer code has {} units but the inner "
                        "autoencoder takes {} inputs",
                        outer.widths_.back(), inner.widths_.front()));
    if (outer.tied_ != inner.tied_)
        throw std::invalid_argument("StackedAutoencoder::stack: one half is tied and the other is not");
    if (inner.hidden_ != outer.hidden_)
        throw std::invalid_argument("StackedAutoencoder::stack: the two halves have different hidden activations");
    if (inner.output_ != outer.hidden_)
        throw std::invalid_argument(
            fmt::format("StackedAutoencoder::stack: the inner autoencoder's output activation "
                        "must be the outer one's hidden activation (it follows decoder{} in "
                        "the stack)",
                        outer.levels() + 1));
    std::vector<std::size_t> widths = outer.widths_;
    widths.insert(widths.end(), inner.widths_.begin() + 1, inner.widths_.end());
    autograd::Generator unused(0);  // every weight is overwritten below
    StackedAutoencoder stacked(widths, unused, outer.tied_, outer.hidden_, outer.output_);
    // Copy each layer's parameters into the matching layer of the stack: the outer levels first,
    // then the inner ones. The widths were checked above, so every shape matches.
    auto copy = [](const nn::Module& from, nn::Module& to) {
        const auto src = from.named_parameters();
        auto dst = to.named_parameters();
        for (std::size_t k = 0; k < src.size(); ++k) {
            if (dst[k].first != src[k].first || dst[k].second.shape() != src[k].second.shape())
                throw std::logic_error("StackedAutoencoder::stack: parameter " + src[k].first + " does not fit");
            dst[k].second.mutable_value() = src[k].second.value();
        }
    };
    const std::size_t n_outer = outer.levels();
    for (std::size_t i = 0; i < n_outer; ++i) {
        copy(*outer.encoders[i], *stacked.encoders[i]);
        copy(*outer.decoders[i], *stacked.decoders[i]);
    }
    for (std::size_t i = 0; i < inner.levels(); ++i) {
        copy(*inner.encoders[i], *stacked.encoders[n_outer + i]);
        copy(*inner.decoders[i], *stacked.decoders[n_outer + i]);
    }
    return stacked;
}

}  // namespace models
