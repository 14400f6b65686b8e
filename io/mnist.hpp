// mnist.hpp: MNIST and Fashion-MNIST from their files into a Dataset (io/dataset.hpp).
//
// Both data sets are four IDX files (idx.hpp) in one folder, under the same names:
//   train-images-idx3-ubyte (60000, 28, 28)   train-labels-idx1-ubyte (60000)
//   t10k-images-idx3-ubyte  (10000, 28, 28)   t10k-labels-idx1-ubyte  (10000)
// `./lab fetch mnist` and `./lab fetch fashion-mnist` put them in data/mnist/ and
// data/fashion-mnist/.
#pragma once

#include <cstddef>
#include <string>

#include "io/dataset.hpp"
#include "io/idx.hpp"

namespace io {

// MNIST's training set (60,000 images) or test set (10,000) from the IDX files in `dir`; with a
// `limit` above 0, only the first `limit` images (or all, when there are fewer). A missing
// folder or file is a DataError that says to run `./lab fetch mnist`; so is a file that loads
// but does not fit: images other than 28x28, a labels count unlike the images count, no images.
Dataset load_mnist(const std::string& dir, bool train, std::size_t limit = 0);

// Fashion-MNIST (Xiao et al. 2017): clothes in the same format, sizes and file names as MNIST.
// A missing folder or file, or files that do not fit (as above), is a DataError that says to run
// `./lab fetch fashion-mnist`.
Dataset load_fashion_mnist(const std::string& dir, bool train, std::size_t limit = 0);

// $MNIST_DIR when set, else "data/mnist" (relative to the working folder: the project root).
std::string default_mnist_dir();

// $FASHION_MNIST_DIR when set, else "data/fashion-mnist".
std::string default_fashion_mnist_dir();

}  // namespace io
