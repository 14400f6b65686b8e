#include "nn/conv_layers.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "autograd/ops.hpp"
#include "autograd/shape.hpp"

namespace nn {

namespace {
// ", stride=2, padding=1": the settings that differ from the defaults, as PyTorch prints them.
std::string geometry_str(const autograd::ConvGeometry& geom) {
    std::string s;
    if (geom.stride != 1) s += fmt::format(", stride={}", geom.stride);
    if (geom.padding != 0) s += fmt::format(", padding={}", geom.padding);
    if (geom.dilation != 1) s += fmt::format(", dilation={}", geom.dilation);
    if (geom.output_padding != 0) s += fmt::format(", output_padding={}", geom.output_padding);
    return s;
}
}  // namespace

// ---- Conv2d ------------------------------------------------------------------------------------
Conv2d::Conv2d(std::size_t in_channels, std::size_t out_channels, std::size_t kernel_size, autograd::Generator& gen,
               autograd::ConvGeometry geom, Init init, bool with_bias)
    : geom_(geom) {
    if (geom.output_padding != 0)
        throw std::invalid_argument(
            fmt::format("Conv2d: output_padding = {} belongs to ConvTranspose2d (a convolution has none); leave it 0",
                        geom.output_padding));
    const std::size_t in = in_channels, out = out_channels, k = kernel_size;
    // PyTorch's fans for a (out, in, k, k) weight: fan_in = in k k, fan_out = out k k.
    weight = register_parameter("weight", init_weight(init, {out, in, k, k}, in * k * k, out * k * k, gen));
    if (with_bias) bias = register_parameter("bias", autograd::zeros({out}));
}

autograd::Tensor Conv2d::forward(const autograd::Tensor& x) { return autograd::conv2d(x, weight, bias, geom_); }
autograd::Tensor64 Conv2d::forward64(const autograd::Tensor64& x, const Params64& p) {
    return autograd::conv2d(x, p(weight), p(bias), geom_);
}

std::string Conv2d::type_name() const {
    const autograd::Shape s = weight.shape();
    return fmt::format("Conv2d({}, {}, {}{})", s[1], s[0], s[2], geometry_str(geom_));
}

// ---- ConvTranspose2d -------------------------------------------------------------------------------
ConvTranspose2d::ConvTranspose2d(std::size_t in_channels, std::size_t out_channels, std::size_t kernel_size,
                                 autograd::Generator& gen, autograd::ConvGeometry geom, Init init, bool with_bias)
    : geom_(geom) {
    const std::size_t in = in_channels, out = out_channels, k = kernel_size;
    // A (in, out, k, k) weight: PyTorch takes fan_in from dimension 1, out k k.
    weight = register_parameter("weight", init_weight(init, {in, out, k, k}, out * k * k, in * k * k, gen));
    if (with_bias) bias = register_parameter("bias", autograd::zeros({out}));
}

autograd::Tensor ConvTranspose2d::forward(const autograd::Tensor& x) {
    return autograd::conv_transpose2d(x, weight, bias, geom_);
}
autograd::Tensor64 ConvTranspose2d::forward64(const autograd::Tensor64& x, const Params64& p) {
    return autograd::conv_transpose2d(x, p(weight), p(bias), geom_);
}

std::string ConvTranspose2d::type_name() const {
    const autograd::Shape s = weight.shape();
    return fmt::format("ConvTranspose2d({}, {}, {}{})", s[0], s[1], s[2], geometry_str(geom_));
}

// ---- pooling, resizing, reshaping ---------------------------------------------------------------------
std::string MaxPool2d::type_name() const { return fmt::format("MaxPool2d({}, stride={})", k_, stride_ ? stride_ : k_); }
std::string AvgPool2d::type_name() const { return fmt::format("AvgPool2d({}, stride={})", k_, stride_ ? stride_ : k_); }

autograd::Tensor Upsample::forward(const autograd::Tensor& x) {
    return mode_ == Mode::Nearest ? autograd::upsample_nearest2d(x, factor_)
                                  : autograd::upsample_bilinear2d(x, factor_);
}
autograd::Tensor64 Upsample::forward64(const autograd::Tensor64& x, const Params64&) {
    return mode_ == Mode::Nearest ? autograd::upsample_nearest2d(x, factor_)
                                  : autograd::upsample_bilinear2d(x, factor_);
}

std::string Upsample::type_name() const {
    return fmt::format("Upsample({}, {})", factor_, mode_ == Mode::Nearest ? "nearest" : "bilinear");
}

namespace {
// (N, features) -> (N, per_example...), with the layer's name in the error.
template <class T>
autograd::BasicTensor<T> unflatten(const Module& layer, const autograd::BasicTensor<T>& x,
                                   const autograd::Shape& per_example) {
    if (x.dim() != 2 || x.shape()[1] != autograd::numel(per_example))
        throw autograd::ShapeError(fmt::format("{}: input of shape {}, expected (N, {})", layer.type_name(),
                                               autograd::shape_str(x.shape()), autograd::numel(per_example)));
    autograd::Shape s{x.shape()[0]};
    s.insert(s.end(), per_example.begin(), per_example.end());
    return autograd::reshape(x, s);
}
}  // namespace

autograd::Tensor Unflatten::forward(const autograd::Tensor& x) { return unflatten(*this, x, shape_); }
autograd::Tensor64 Unflatten::forward64(const autograd::Tensor64& x, const Params64&) {
    return unflatten(*this, x, shape_);
}

std::string Unflatten::type_name() const { return fmt::format("Unflatten{}", autograd::shape_str(shape_)); }

// ---- BatchNorm -------------------------------------------------------------------------------------------
BatchNorm::BatchNorm(std::size_t channels, std::size_t input_rank, double eps, double momentum)
    : channels_(channels), rank_(input_rank), eps_(eps), momentum_(momentum) {
    if (channels == 0) throw std::invalid_argument(fmt::format("{}: needs at least one channel", type_name()));
    weight = register_parameter("weight", autograd::ones({channels}));
    bias = register_parameter("bias", autograd::zeros({channels}));
    running_mean = register_buffer("running_mean", autograd::zeros({channels}));
    running_var = register_buffer("running_var", autograd::ones({channels}));
}

void BatchNorm::check_input(const autograd::Shape& shape) const {
    if (shape.size() != rank_ || shape[1] != channels_)
        throw autograd::ShapeError(
            fmt::format("{}: input of shape {}, expected {}", type_name(), autograd::shape_str(shape),
                        rank_ == 2 ? fmt::format("(N, {})", channels_) : fmt::format("(N, {}, H, W)", channels_)));
}

autograd::Tensor BatchNorm::forward(const autograd::Tensor& x) {
    check_input(x.shape());
    if (is_training()) {
        xt::xarray<float> mean, var;
        autograd::Tensor y = autograd::batch_norm(x, weight, bias, eps_, &mean, &var);
        const double n = static_cast<double>(x.size() / channels_);
        const float m = static_cast<float>(momentum_), unbias = static_cast<float>(n / (n - 1.0));
        running_mean.mutable_value() = (1.0f - m) * running_mean.value() + m * mean;
        running_var.mutable_value() = (1.0f - m) * running_var.value() + m * unbias * var;
        return y;
    }
    // Eval: the running statistics, as constants.
    return autograd::batch_norm_eval(x, weight, bias, autograd::Tensor(running_mean.value()),
                                     autograd::Tensor(running_var.value()), eps_);
}

autograd::Tensor64 BatchNorm::forward64(const autograd::Tensor64& x, const Params64& p) {
    check_input(x.shape());
    if (is_training()) return autograd::batch_norm(x, p(weight), p(bias), eps_);
    return autograd::batch_norm_eval(x, p(weight), p(bias), p(running_mean), p(running_var), eps_);
}

std::string BatchNorm::type_name() const { return fmt::format("BatchNorm{}d({})", rank_ == 2 ? 1 : 2, channels_); }

}  // namespace nn
