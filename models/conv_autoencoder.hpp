// conv_autoencoder.hpp: a convolutional autoencoder for 28x28 digits with interchangeable decoders
// (Lamúrias, "Convolutional Autoencoders"; Scott, slides 14-18), and the coverage count that
// explains the checkerboard artifacts of transposed convolutions (Odena et al. 2016).
//
// Dimension letters: N images, C channels, H x W pixels.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <xtensor/xarray.hpp>

#include "nn/nn.hpp"

namespace models {

// How a decoder goes from 7x7 back to 28x28, in two steps of x2.
enum class Upsampling {
    Transposed3,  // transposed convolutions, kernel 3, stride 2 (padding 1, output_padding 1)
    Transposed4,  // transposed convolutions, kernel 4, stride 2 (padding 1)
    Nearest,      // nearest-neighbour upsampling x2, then a 3x3 stride-1 convolution (padding 1)
};
std::string upsampling_name(Upsampling u);

// An encoder (N, 784) -> (N, code, 7, 7) and a decoder back to (N, 784) in [0, 1]:
//   encoder: (N, 1, 28, 28) -> Conv 1->16 k3 s2 p1, ReLU -> (N, 16, 14, 14)
//                           -> Conv 16->code k3 s2 p1, ReLU -> (N, code, 7, 7)
//   decoder: (N, code, 7, 7) -> up x2 code->16, ReLU -> (N, 16, 14, 14) -> up x2 16->1 -> sigmoid
// so the code holds code * 49 numbers.
class ConvAutoencoder : public nn::Module {
public:
    ConvAutoencoder(std::size_t code_channels, Upsampling decoder, autograd::Generator& gen);
    autograd::Tensor encode(const autograd::Tensor& x);  // (N, 784) -> (N, code, 7, 7)
    autograd::Tensor decode(const autograd::Tensor& h);  // (N, code, 7, 7) -> (N, 784)
    autograd::Tensor forward(const autograd::Tensor& x) override { return decode(encode(x)); }
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const nn::Params64& p) override;
    std::string type_name() const override;

    std::shared_ptr<nn::Sequential> encoder, decoder;
};

// How many times a transposed convolution of an input of `in` pixels with kernel `kernel` and
// geometry `geom` writes each output pixel, along one axis (the counts of a 2-D map are the
// products of two such): output pixel y is written by input i through tap a when
// y = s i - p + a, 0 <= i < in, 0 <= a < kernel (dilation 1). With an all-ones kernel and an
// all-ones input, the transposed convolution's output is exactly these counts.
xt::xarray<double> transposed_coverage(std::size_t in, std::size_t kernel, const autograd::ConvGeometry& geom);

// The share of an image's energy, its mean removed, at the three frequencies of a 2x2 checkerboard:
// (|X(pi, pi)|^2 + |X(pi, 0)|^2 + |X(0, pi)|^2) / (H W sum (x - mean)^2), where
// X(pi, pi) = sum x[m, n] (-1)^(m + n), X(pi, 0) = sum x (-1)^m, X(0, pi) = sum x (-1)^n. By
// Parseval's theorem the shares of all H W frequencies add to 1, so white noise gives each about
// 1 / (H W) (3 / 784 = 0.0038 for the three together on 28x28). An image of (N, H * W) rows gives
// the mean share over the N images; a constant image counts 0.
double checkerboard_energy(const xt::xarray<float>& images, std::size_t height, std::size_t width);

}  // namespace models
