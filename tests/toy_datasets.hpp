// toy_datasets.hpp: small data sets made in memory for the tests: one whose rows say which image
// they are (io::Dataset, test_dataset.cpp; nn::DataLoader, test_data.cpp), and two kinds of 28x28
// "digits" a classifier or a GAN can tell apart (test_gan.cpp, test_gan_metrics.cpp).
#pragma once

#include <cstddef>

#include "autograd/random.hpp"
#include "io/dataset.hpp"

// A data set of n images of d pixels; every pixel of image i is i, and its label is i % 10.
inline io::Dataset numbered(std::size_t n, std::size_t d = 3) {
    io::Dataset data;
    data.images = xt::xarray<float>::from_shape({n, d});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < d; ++k) data.images(i, k) = static_cast<float>(i);
        data.labels.push_back(i % 10);
    }
    data.rows = 1, data.cols = d;
    return data;
}

// n images (N, 784) of two kinds, labelled i % 2: uniform noise on the left half of the picture
// (label 0) or on the right half (label 1), the rest black.
inline io::Dataset left_or_right_images(std::size_t n, autograd::Generator& gen) {
    io::Dataset data;
    data.images = xt::zeros<float>({n, std::size_t{784}});
    for (std::size_t i = 0; i < n; ++i) {
        data.labels.push_back(i % 2);
        for (std::size_t r = 0; r < 28; ++r)
            for (std::size_t c = 0; c < 14; ++c) data.images(i, r * 28 + c + 14 * (i % 2)) = float(gen.uniform());
    }
    return data;
}
