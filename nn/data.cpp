#include "nn/data.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace nn {

// ---- the loader ----------------------------------------------------------------------------------
DataLoader::DataLoader(const io::Dataset& data, std::size_t batch_size, bool shuffle, std::uint64_t seed)
    : data_(&data), batch_size_(batch_size), shuffle_(shuffle), gen_(seed) {
    if (batch_size == 0) throw std::invalid_argument("DataLoader: batch_size must be at least 1, got 0");
    if (data.images.dimension() != 2)
        throw std::invalid_argument(
            fmt::format("DataLoader: the images must be (N, D), they have {} dimensions", data.images.dimension()));
    if (data.labels.size() != data.size())
        throw std::invalid_argument(
            fmt::format("DataLoader: {} images but {} labels", data.size(), data.labels.size()));
}

std::size_t DataLoader::size() const { return data_->size(); }

std::size_t DataLoader::num_batches() const { return (size() + batch_size_ - 1) / batch_size_; }

DataLoader::Iterator DataLoader::begin() {
    std::vector<std::size_t> order;
    if (shuffle_) {
        order = gen_.permutation(size());
    } else {
        order.resize(size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    }
    return Iterator(data_, batch_size_, std::make_shared<const std::vector<std::size_t>>(std::move(order)), 0);
}

DataLoader::Iterator DataLoader::end() const { return Iterator(data_, batch_size_, nullptr, num_batches()); }

DataLoader::Iterator::Iterator(const io::Dataset* data, std::size_t batch_size,
                               std::shared_ptr<const std::vector<std::size_t>> order, std::size_t position)
    : data_(data), batch_size_(batch_size), order_(std::move(order)), position_(position) {
    load();
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
    ++position_;
    load();
    return *this;
}

void DataLoader::Iterator::load() {
    const std::size_t start = position_ * batch_size_;
    if (order_ == nullptr || start >= order_->size()) {  // the end: no batch
        batch_ = Batch{};
        return;
    }
    const std::size_t B = std::min(batch_size_, order_->size() - start);
    batch_.index.assign(order_->begin() + static_cast<std::ptrdiff_t>(start),
                        order_->begin() + static_cast<std::ptrdiff_t>(start + B));
    batch_.labels.resize(B);
    for (std::size_t b = 0; b < B; ++b) batch_.labels[b] = data_->labels[batch_.index[b]];
    batch_.x = data_->batch(batch_.index);  // (B, D)
}

}  // namespace nn
