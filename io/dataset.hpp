// dataset.hpp: a labelled image set in memory, each image one flat row of pixels in [0, 1].
//
// io/mnist.hpp fills one from MNIST's or Fashion-MNIST's files; nn::DataLoader, a layer up, cuts
// one into minibatches.
//
// Dimension letters: N images in the data set, B in a batch, D = H*W pixels per image.
#pragma once

#include <cstddef>
#include <vector>

#include <xtensor/xarray.hpp>

#include "autograd/tensor.hpp"

namespace io {

// Images with their labels, one image per row.
struct Dataset {
    xt::xarray<float> images;          // (N, D): D = rows * cols pixels, scaled to [0, 1]
    std::vector<std::size_t> labels;   // (N): the class of each image, 0 to 9
    std::size_t rows = 28, cols = 28;  // the image size, to turn a row back into a picture

    // The number of images N.
    std::size_t size() const;
    // The images at rows `index` of `images`, in that order, as a constant (B, D) tensor (no grad).
    autograd::Tensor batch(const std::vector<std::size_t>& index) const;
};

}  // namespace io
