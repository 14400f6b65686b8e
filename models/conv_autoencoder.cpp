#include "models/conv_autoencoder.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace models {

using namespace autograd;

namespace {
const autograd::ConvGeometry kDown{/*stride=*/2, /*padding=*/1};  // k3: 28 -> 14 -> 7
const autograd::ConvGeometry kUp3{/*stride=*/2, /*padding=*/1, /*dilation=*/1,
                                  /*output_padding=*/1};          // k3: 7 -> 14 -> 28
const autograd::ConvGeometry kUp4{/*stride=*/2, /*padding=*/1};   // k4: 7 -> 14 -> 28
const autograd::ConvGeometry kSame{/*stride=*/1, /*padding=*/1};  // k3, size kept

// One x2 step of the decoder, in -> out channels.
void push_up(nn::Sequential& d, Upsampling u, std::size_t in, std::size_t out, autograd::Generator& gen) {
    switch (u) {
        case Upsampling::Transposed3: d.push_back(nn::ConvTranspose2d(in, out, 3, gen, kUp3)); break;
        case Upsampling::Transposed4: d.push_back(nn::ConvTranspose2d(in, out, 4, gen, kUp4)); break;
        case Upsampling::Nearest:
            d.push_back(nn::Upsample(2));
            d.push_back(nn::Conv2d(in, out, 3, gen, kSame));
            break;
    }
}
}  // namespace

std::string upsampling_name(Upsampling u) {
    switch (u) {
        case Upsampling::Transposed3: return "transposed k3 s2";
        case Upsampling::Transposed4: return "transposed k4 s2";
        case Upsampling::Nearest: return "nearest x2 + conv k3";
    }
    return "?";
}

ConvAutoencoder::ConvAutoencoder(std::size_t code_channels, Upsampling u, autograd::Generator& gen) {
    encoder = register_module("encoder", std::make_shared<nn::Sequential>(
                                             nn::Unflatten({1, 28, 28}), nn::Conv2d(1, 16, 3, gen, kDown), nn::ReLU(),
                                             nn::Conv2d(16, code_channels, 3, gen, kDown), nn::ReLU()));
    decoder = register_module("decoder", std::make_shared<nn::Sequential>());
    push_up(*decoder, u, code_channels, 16, gen);
    decoder->push_back(nn::ReLU());
    push_up(*decoder, u, 16, 1, gen);
    decoder->push_back(nn::Sigmoid());
    decoder->push_back(nn::Flatten());
}

autograd::Tensor ConvAutoencoder::encode(const autograd::Tensor& x) { return (*encoder)(x); }
autograd::Tensor ConvAutoencoder::decode(const autograd::Tensor& h) { return (*decoder)(h); }

autograd::Tensor64 ConvAutoencoder::forward64(const autograd::Tensor64& x, const nn::Params64& p) {
    return decoder->forward64(encoder->forward64(x, p), p);
}

std::string ConvAutoencoder::type_name() const { return "ConvAutoencoder"; }

xt::xarray<double> transposed_coverage(std::size_t in, std::size_t kernel, const autograd::ConvGeometry& geom) {
    if (geom.dilation != 1) throw std::invalid_argument("transposed_coverage: dilation 1 only");
    const std::size_t s = geom.stride, p = geom.padding;
    const std::size_t out = (in - 1) * s + kernel + geom.output_padding - 2 * p;
    xt::xarray<double> count = xt::zeros<double>({out});
    for (std::size_t i = 0; i < in; ++i)
        for (std::size_t a = 0; a < kernel; ++a) {
            const long y = static_cast<long>(s * i + a) - static_cast<long>(p);  // y = s i - p + a
            if (y >= 0 && y < static_cast<long>(out)) count(static_cast<std::size_t>(y)) += 1.0;
        }
    return count;
}

double checkerboard_energy(const xt::xarray<float>& images, std::size_t height, std::size_t width) {
    if (images.dimension() != 2 || images.shape(1) != height * width)
        throw std::invalid_argument(
            fmt::format("checkerboard_energy: images must be (N, {}), one row each", height * width));
    const std::size_t n = images.shape(0);
    double total = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
        double mean = 0.0;
        for (std::size_t j = 0; j < height * width; ++j) mean += images(k, j);
        mean /= static_cast<double>(height * width);
        double pp = 0.0, p0 = 0.0, q0 = 0.0, energy = 0.0;
        for (std::size_t m = 0; m < height; ++m)
            for (std::size_t c = 0; c < width; ++c) {
                const double v = images(k, m * width + c) - mean;
                const double sm = (m % 2 == 0) ? 1.0 : -1.0, sc = (c % 2 == 0) ? 1.0 : -1.0;
                pp += v * sm * sc;
                p0 += v * sm;
                q0 += v * sc;
                energy += v * v;
            }
        if (energy > 0.0) total += (pp * pp + p0 * p0 + q0 * q0) / (static_cast<double>(height * width) * energy);
    }
    return total / static_cast<double>(n);
}

}  // namespace models
