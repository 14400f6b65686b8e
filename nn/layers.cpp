#include "nn/layers.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace nn {

namespace {
// A layer's input must be (N, features).
template <class T>
void check_input(const Module& layer, const autograd::BasicTensor<T>& x, std::size_t features) {
    if (x.dim() != 2 || x.shape()[1] != features)
        throw autograd::ShapeError(fmt::format("{}: input of shape {}, expected (N, {})", layer.type_name(),
                                               autograd::shape_str(x.shape()), features));
}
}  // namespace

// ---- Linear ----------------------------------------------------------------------------------
Linear::Linear(std::size_t in_features, std::size_t out_features, autograd::Generator& gen, Init init, bool with_bias)
    : in_(in_features), out_(out_features) {
    weight =
        register_parameter("weight", init_weight(init, {in_features, out_features}, in_features, out_features, gen));
    if (with_bias) bias = register_parameter("bias", autograd::zeros({out_features}));
}

autograd::Tensor Linear::forward(const autograd::Tensor& x) {
    check_input(*this, x, in_);
    return autograd::linear(x, weight, bias);  // (N, H) = (N, D) @ (D, H) + (H,)
}

autograd::Tensor64 Linear::forward64(const autograd::Tensor64& x, const Params64& p) {
    check_input(*this, x, in_);
    return autograd::linear(x, p(weight), p(bias));
}

std::string Linear::type_name() const { return fmt::format("Linear({}, {})", in_, out_); }

// ---- TiedLinear ------------------------------------------------------------------------------
TiedLinear::TiedLinear(std::shared_ptr<Linear> encoder_layer) : encoder_(std::move(encoder_layer)) {
    if (!encoder_) throw std::invalid_argument("TiedLinear: the encoder layer is null");
    bias = register_parameter("bias", autograd::zeros({encoder_->in_features()}));
}

autograd::Tensor TiedLinear::forward(const autograd::Tensor& h) {
    check_input(*this, h, encoder_->out_features());
    return autograd::tied_linear(h, encoder_->weight, bias);  // (N, D) = (N, H) @ (D, H)^T + (D,)
}

autograd::Tensor64 TiedLinear::forward64(const autograd::Tensor64& h, const Params64& p) {
    check_input(*this, h, encoder_->out_features());
    return autograd::tied_linear(h, p(encoder_->weight), p(bias));
}

std::string TiedLinear::type_name() const {
    return fmt::format("TiedLinear({}, {})", encoder_->out_features(), encoder_->in_features());
}

// ---- activations -----------------------------------------------------------------------------
std::string LeakyReLU::type_name() const { return fmt::format("LeakyReLU({})", slope_); }

std::shared_ptr<Module> make_activation(Activation a) {
    switch (a) {
        case Activation::Identity: return std::make_shared<Identity>();
        case Activation::Sigmoid: return std::make_shared<Sigmoid>();
        case Activation::Tanh: return std::make_shared<Tanh>();
        case Activation::ReLU: return std::make_shared<ReLU>();
        case Activation::LeakyReLU: return std::make_shared<LeakyReLU>();
        case Activation::Softplus: return std::make_shared<Softplus>();
    }
    throw std::invalid_argument("make_activation: unknown activation");
}

// ---- Dropout ---------------------------------------------------------------------------------
Dropout::Dropout(double p, autograd::Generator& gen) : p_(p), gen_(gen.next_u64()) {
    if (!(p >= 0.0 && p < 1.0)) throw std::invalid_argument(fmt::format("Dropout: p = {} is not in [0, 1)", p));
}

autograd::Tensor Dropout::forward(const autograd::Tensor& x) {
    if (!is_training() || p_ == 0.0) return x;
    // mask_i = 1 / (1 - p) with probability 1 - p, else 0: E[mask_i x_i] = x_i.
    xt::xarray<float> mask = xt::xarray<float>::from_shape(x.shape());
    const float keep = static_cast<float>(1.0 / (1.0 - p_));
    for (float& m : mask) m = gen_.uniform() < p_ ? 0.0f : keep;
    return x * autograd::Tensor(std::move(mask));
}

autograd::Tensor64 Dropout::forward64(const autograd::Tensor64& x, const Params64&) {
    if (is_training() && p_ != 0.0)
        throw std::logic_error(
            fmt::format("{}: draws a random mask in train mode; call eval() to check the model's "
                        "gradients",
                        type_name()));
    return x;
}

std::string Dropout::type_name() const { return fmt::format("Dropout({})", p_); }

}  // namespace nn
