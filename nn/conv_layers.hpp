// conv_layers.hpp: the image layers, NCHW: Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d,
// Upsample, Flatten, Unflatten, BatchNorm1d, BatchNorm2d.
//
// Weights are laid out as PyTorch lays them out, so shapes can be compared with its documentation:
// Conv2d (out, in, kh, kw), ConvTranspose2d (in, out, kh, kw). He initialisation is the default
// (these layers are usually followed by ReLU), with the fans PyTorch computes for each layout.
#pragma once

#include <cstddef>
#include <string>

#include "autograd/ops_conv.hpp"
#include "autograd/ops_norm.hpp"
#include "autograd/ops_pool.hpp"
#include "nn/init.hpp"
#include "nn/module.hpp"

namespace nn {

// y = x * W + b: (N, in, H, W) -> (N, out, Ho, Wo).
class Conv2d : public Module {
public:
    // geom.output_padding must be 0 (it belongs to ConvTranspose2d).
    Conv2d(std::size_t in_channels, std::size_t out_channels, std::size_t kernel_size, autograd::Generator& gen,
           autograd::ConvGeometry geom = {}, Init init = Init::He, bool with_bias = true);
    autograd::Tensor forward(const autograd::Tensor& x) override;
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64& p) override;
    std::string type_name() const override;
    autograd::Tensor weight;  // (out, in, k, k)
    autograd::Tensor bias;    // (out,), undefined without a bias

private:
    autograd::ConvGeometry geom_;
};

// The transpose of Conv2d (Scott slides 14-18): (N, in, H, W) -> (N, out, Ho, Wo) with
// Ho = (H - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1, all from `geom`.
class ConvTranspose2d : public Module {
public:
    ConvTranspose2d(std::size_t in_channels, std::size_t out_channels, std::size_t kernel_size,
                    autograd::Generator& gen, autograd::ConvGeometry geom = {}, Init init = Init::He,
                    bool with_bias = true);
    autograd::Tensor forward(const autograd::Tensor& x) override;
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64& p) override;
    std::string type_name() const override;
    autograd::Tensor weight;  // (in, out, k, k)
    autograd::Tensor bias;    // (out,)

private:
    autograd::ConvGeometry geom_;
};

// Max or mean over k x k windows, moved by `stride` (0: stride = k).
class MaxPool2d : public Module {
public:
    explicit MaxPool2d(std::size_t k, std::size_t stride = 0) : k_(k), stride_(stride) {}
    autograd::Tensor forward(const autograd::Tensor& x) override { return autograd::max_pool2d(x, k_, stride_); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override {
        return autograd::max_pool2d(x, k_, stride_);
    }
    std::string type_name() const override;

private:
    std::size_t k_, stride_;
};

class AvgPool2d : public Module {
public:
    explicit AvgPool2d(std::size_t k, std::size_t stride = 0) : k_(k), stride_(stride) {}
    autograd::Tensor forward(const autograd::Tensor& x) override { return autograd::avg_pool2d(x, k_, stride_); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override {
        return autograd::avg_pool2d(x, k_, stride_);
    }
    std::string type_name() const override;

private:
    std::size_t k_, stride_;
};

// Enlarges H and W by an integer factor: "nearest" or "bilinear" (align_corners=False).
class Upsample : public Module {
public:
    enum class Mode { Nearest, Bilinear };
    explicit Upsample(std::size_t factor, Mode mode = Mode::Nearest) : factor_(factor), mode_(mode) {}
    autograd::Tensor forward(const autograd::Tensor& x) override;
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64& p) override;
    std::string type_name() const override;

private:
    std::size_t factor_;
    Mode mode_;
};

// (N, C, H, W) -> (N, C H W), as between the convolutional and the dense part of a network.
class Flatten : public Module {
public:
    autograd::Tensor forward(const autograd::Tensor& x) override { return autograd::flatten(x); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64&) override { return autograd::flatten(x); }
    std::string type_name() const override { return "Flatten"; }
};

// (N, C H W) -> (N, C, H, W): the inverse of Flatten.
class Unflatten : public Module {
public:
    explicit Unflatten(autograd::Shape per_example) : shape_(std::move(per_example)) {}
    autograd::Tensor forward(const autograd::Tensor& x) override;
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64& p) override;
    std::string type_name() const override;

private:
    autograd::Shape shape_;
};

// Batch normalisation (Ioffe and Szegedy, 2015) of (N, C) [BatchNorm1d] or (N, C, H, W)
// [BatchNorm2d] inputs. Train mode normalises with the batch's mean and variance and updates
// the running averages running = (1 - momentum) running + momentum batch (the variance
// unbiased, as PyTorch keeps it); eval mode normalises with the running averages.
class BatchNorm : public Module {
public:
    BatchNorm(std::size_t channels, std::size_t input_rank, double eps = 1e-5, double momentum = 0.1);
    autograd::Tensor forward(const autograd::Tensor& x) override;
    // Train mode: the batch's statistics (the running averages are not touched); eval: the running ones.
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64& p) override;
    std::string type_name() const override;
    autograd::Tensor weight, bias;               // (C,): the scale gamma and shift beta of the paper (PyTorch's names)
    autograd::Tensor running_mean, running_var;  // (C,) buffers

private:
    void check_input(const autograd::Shape& shape) const;

    std::size_t channels_, rank_;
    double eps_, momentum_;
};

class BatchNorm1d : public BatchNorm {
public:
    explicit BatchNorm1d(std::size_t features, double eps = 1e-5, double momentum = 0.1)
        : BatchNorm(features, 2, eps, momentum) {}
};

class BatchNorm2d : public BatchNorm {
public:
    explicit BatchNorm2d(std::size_t channels, double eps = 1e-5, double momentum = 0.1)
        : BatchNorm(channels, 4, eps, momentum) {}
};

}  // namespace nn
