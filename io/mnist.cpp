#include "io/mnist.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "io/idx.hpp"

namespace io {

namespace {
namespace fs = std::filesystem;

// What differs between the data sets that share MNIST's format: names in the error messages, and
// the image size every program that reads them is built for (Linear(784, ...), 28x28 pictures).
struct Source {
    const char* name;        // "MNIST"
    const char* fetch;       // "./lab fetch mnist"
    const char* env;         // "MNIST_DIR"
    const char* classes;     // what a label is, "a digit"
    std::size_t rows, cols;  // 28, 28
};

const Source kMnist{"MNIST", "./lab fetch mnist", "MNIST_DIR", "a digit", 28, 28};
const Source kFashionMnist{"Fashion-MNIST", "./lab fetch fashion-mnist", "FASHION_MNIST_DIR", "a class", 28, 28};

std::string dir_from_env(const char* env, const char* fallback) {
    const char* value = std::getenv(env);
    return value != nullptr && *value != '\0' ? std::string(value) : std::string(fallback);
}

// Reads the images and labels of one split and checks that they belong together and have the
// shape the programs expect, so that a wrong folder fails here, naming the file, rather than
// later inside a layer (a 10x10 image meeting Linear(784, 256)) or as a -nan% over no images.
Dataset load_idx_pair(const std::string& dir, bool train, std::size_t limit, const Source& source) {
    const std::string prefix = train ? "train" : "t10k";
    const std::string images_path = (fs::path(dir) / (prefix + "-images-idx3-ubyte")).string();
    const std::string labels_path = (fs::path(dir) / (prefix + "-labels-idx1-ubyte")).string();
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw DataError(
            fmt::format("{}: no such folder, so {} is not there: run `{}` to download it (or set {} to "
                        "the folder that holds it)",
                        dir, source.name, source.fetch, source.env));
    for (const std::string& path : {images_path, labels_path})
        if (!fs::exists(path, ec))
            throw DataError(fmt::format("{}: missing, so {} is incomplete: run `{}` to download it", path, source.name,
                                        source.fetch));

    const xt::xarray<std::uint8_t> images = read_idx(images_path);  // (N, H, W)
    const xt::xarray<std::uint8_t> labels = read_idx(labels_path);  // (N)
    if (images.dimension() != 3)
        throw DataError(
            fmt::format("{}: {} dimensions, expected 3 (images, rows, columns)", images_path, images.dimension()));
    if (labels.dimension() != 1)
        throw DataError(
            fmt::format("{}: {} dimensions, expected 1 (one label per image)", labels_path, labels.dimension()));
    if (images.shape()[1] != source.rows || images.shape()[2] != source.cols)
        throw DataError(fmt::format("expected {}x{} images, found {}x{} in {}: is {} the {} folder?", source.rows,
                                    source.cols, images.shape()[1], images.shape()[2], images_path, dir, source.name));
    const std::size_t total = images.shape()[0];
    if (labels.shape()[0] != total)
        throw DataError(fmt::format("{} holds {} images but {} holds {} labels: the counts must agree", images_path,
                                    total, labels_path, labels.shape()[0]));
    if (total == 0)
        throw DataError(
            fmt::format("{}: no images (its header says 0): {} has nothing to train or test on; run "
                        "`{}` to download it again",
                        images_path, source.name, source.fetch));
    for (std::size_t i = 0; i < total; ++i)
        if (labels(i) >= 10)
            throw DataError(fmt::format("{}: label {} of image {} is not {} from 0 to 9", labels_path, int(labels(i)),
                                        i, source.classes));

    Dataset data;
    data.rows = images.shape()[1];
    data.cols = images.shape()[2];
    const std::size_t n = limit > 0 ? std::min(limit, total) : total;
    const std::size_t D = data.rows * data.cols;
    data.images = xt::xarray<float>::from_shape({n, D});  // (N, D)
    const std::uint8_t* in = images.data();
    float* out = data.images.data();
    for (std::size_t k = 0; k < n * D; ++k) out[k] = static_cast<float>(in[k]) / 255.0f;
    data.labels.assign(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n));
    return data;
}
}  // namespace

Dataset load_mnist(const std::string& dir, bool train, std::size_t limit) {
    return load_idx_pair(dir, train, limit, kMnist);
}

Dataset load_fashion_mnist(const std::string& dir, bool train, std::size_t limit) {
    return load_idx_pair(dir, train, limit, kFashionMnist);
}

std::string default_mnist_dir() { return dir_from_env("MNIST_DIR", "data/mnist"); }

std::string default_fashion_mnist_dir() { return dir_from_env("FASHION_MNIST_DIR", "data/fashion-mnist"); }

}  // namespace io
