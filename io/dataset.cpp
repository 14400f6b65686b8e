#include "io/dataset.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace io {

std::size_t Dataset::size() const { return images.dimension() == 0 ? 0 : images.shape()[0]; }

autograd::Tensor Dataset::batch(const std::vector<std::size_t>& index) const {
    if (images.dimension() != 2)
        throw std::invalid_argument(
            fmt::format("Dataset::batch: images must be (N, D), they have {} dimensions", images.dimension()));
    const std::size_t N = images.shape()[0], D = images.shape()[1];
    xt::xarray<float> x = xt::xarray<float>::from_shape({index.size(), D});  // (B, D)
    for (std::size_t b = 0; b < index.size(); ++b) {
        if (index[b] >= N)
            throw std::out_of_range(
                fmt::format("Dataset::batch: index {} (at position {}) is out of range for {} "
                            "images",
                            index[b], b, N));
        std::copy_n(images.data() + index[b] * D, D, x.data() + b * D);
    }
    return autograd::Tensor(std::move(x), /*requires_grad=*/false);
}

}  // namespace io
