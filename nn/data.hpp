// data.hpp: the minibatch loader: an io::Dataset (io/dataset.hpp, a labelled image set in
// memory) cut into minibatches, one epoch per loop.
//
// Dimension letters: N images in the data set, B in a batch, D = H*W pixels per image.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <vector>

#include "autograd/random.hpp"
#include "autograd/tensor.hpp"
#include "io/dataset.hpp"

namespace nn {

// One minibatch: the images, their labels, and which rows of the data set they are.
struct Batch {
    autograd::Tensor x;               // (B, D): a constant tensor (no grad)
    std::vector<std::size_t> labels;  // (B)
    std::vector<std::size_t> index;   // (B): the rows of the data set, in batch order
};

// Cuts a data set into minibatches, one epoch per range-for loop:
//     nn::DataLoader loader(train, 128, /*shuffle=*/true, seed);
//     for (const nn::Batch& batch : loader) { ... }
// Every loop (every begin()) is a new epoch; with shuffle, it draws a new order from the
// loader's own generator, seeded once here, so epoch k's order is the same on every run with
// the same seed. Without shuffle, the batches follow the data set's order. The last batch
// holds what is left, so it may be smaller than batch_size, but is never empty.
// The loader keeps a pointer to `data`: the data set must outlive it.
class DataLoader {
public:
    class Iterator;

    // batch_size 0 is a std::invalid_argument.
    DataLoader(const io::Dataset& data, std::size_t batch_size, bool shuffle, std::uint64_t seed);

    // The number of batches in an epoch: ceil(N / batch_size).
    std::size_t num_batches() const;
    // The batch size given at construction (the last batch may be smaller).
    std::size_t batch_size() const { return batch_size_; }
    // The number of images in the data set.
    std::size_t size() const;

    // Starts a new epoch (drawing a new order when shuffling) and returns its first batch.
    Iterator begin();
    // The end of the epoch.
    Iterator end() const;

private:
    const io::Dataset* data_;
    std::size_t batch_size_;
    bool shuffle_;
    autograd::Generator gen_;
};

// Walks the batches of one epoch; holds the epoch's order and the current batch.
class DataLoader::Iterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using pointer = const Batch*;
    using reference = const Batch&;

    // The current batch.
    const Batch& operator*() const { return batch_; }
    // The current batch's members.
    const Batch* operator->() const { return &batch_; }
    // Moves on to the next batch of the epoch.
    Iterator& operator++();
    // Iterators are equal when they stand at the same batch number.
    bool operator==(const Iterator& other) const { return position_ == other.position_; }
    // Not at the same batch number.
    bool operator!=(const Iterator& other) const { return position_ != other.position_; }

private:
    friend class DataLoader;
    Iterator(const io::Dataset* data, std::size_t batch_size, std::shared_ptr<const std::vector<std::size_t>> order,
             std::size_t position);
    void load();  // fills batch_ for position_

    const io::Dataset* data_ = nullptr;
    std::size_t batch_size_ = 0;
    std::shared_ptr<const std::vector<std::size_t>> order_;  // (N): this epoch's order of the rows
    std::size_t position_ = 0;                               // the batch number in the epoch
    Batch batch_;
};

}  // namespace nn
