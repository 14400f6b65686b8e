// numbered_dataset.hpp: a small data set whose rows say which image they are, for the tests of
// io::Dataset (test_dataset.cpp) and nn::DataLoader (test_data.cpp).
#pragma once

#include <cstddef>

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
