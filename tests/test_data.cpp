// nn/data.cpp: the DataLoader's epochs: coverage, batch shapes, seeded order, errors.
#include "check.hpp"
#include "temp_dir.hpp"
#include "toy_datasets.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include <xtensor/xmath.hpp>

#include "nn/data.hpp"

namespace fs = std::filesystem;
using autograd::Tensor;

namespace {

// The order of the rows in one epoch of `loader`.
std::vector<std::size_t> epoch_order(nn::DataLoader& loader) {
    std::vector<std::size_t> order;
    for (const nn::Batch& batch : loader) order.insert(order.end(), batch.index.begin(), batch.index.end());
    return order;
}

}  // namespace

// ---- the loader ----------------------------------------------------------------------------------
TEST_CASE("DataLoader: batch shapes, a smaller last batch, labels and rows that match") {
    const io::Dataset data = numbered(10, 3);
    nn::DataLoader loader(data, 4, /*shuffle=*/true, 7);
    CHECK_MESSAGE(loader.num_batches() == 3, "ceil(10 / 4) = 3, got " << loader.num_batches());
    CHECK(loader.batch_size() == 4);
    CHECK(loader.size() == 10);
    std::vector<std::size_t> sizes;
    for (const nn::Batch& batch : loader) {
        const std::size_t B = batch.index.size();
        sizes.push_back(B);
        REQUIRE(batch.x.shape() == autograd::Shape{B, 3});
        CHECK_FALSE(batch.x.requires_grad());
        REQUIRE(batch.labels.size() == B);
        for (std::size_t b = 0; b < B; ++b) {
            CHECK_MESSAGE(batch.x.value()(b, 2) == float(batch.index[b]),
                          "row " << b << " should be image " << batch.index[b] << ", got " << batch.x.value()(b, 2));
            CHECK(batch.labels[b] == batch.index[b] % 10);
        }
    }
    CHECK(sizes == std::vector<std::size_t>{4, 4, 2});

    nn::DataLoader exact(data, 5, false, 0);
    CHECK(exact.num_batches() == 2);
    CHECK(epoch_order(exact).size() == 10);
    nn::DataLoader one(data, 100, false, 0);
    CHECK(one.num_batches() == 1);
}

TEST_CASE("DataLoader covers every image exactly once per epoch") {
    const io::Dataset data = numbered(103);
    nn::DataLoader loader(data, 10, /*shuffle=*/true, 1);
    for (int epoch = 0; epoch < 3; ++epoch) {
        std::vector<std::size_t> order = epoch_order(loader);
        CHECK_MESSAGE(order.size() == 103, "epoch " << epoch << ": expected 103 images, got " << order.size());
        std::sort(order.begin(), order.end());
        for (std::size_t i = 0; i < order.size(); ++i)
            CHECK_MESSAGE(order[i] == i, "epoch " << epoch << ": sorted position " << i << " holds " << order[i]);
    }
}

TEST_CASE("DataLoader order: same seed same epochs, new epoch new order, no shuffle keeps order") {
    const io::Dataset data = numbered(50);
    nn::DataLoader a(data, 8, true, 42), b(data, 8, true, 42), c(data, 8, true, 43);
    const std::vector<std::size_t> a1 = epoch_order(a), a2 = epoch_order(a);
    const std::vector<std::size_t> b1 = epoch_order(b), b2 = epoch_order(b);
    CHECK_MESSAGE(a1 == b1, "epoch 1 differs between two loaders seeded 42");
    CHECK_MESSAGE(a2 == b2, "epoch 2 differs between two loaders seeded 42");
    CHECK_MESSAGE(a1 != a2, "epochs 1 and 2 drew the same order");
    CHECK_MESSAGE(a1 != epoch_order(c), "seeds 42 and 43 drew the same order");
    std::vector<std::size_t> identity(50);
    for (std::size_t i = 0; i < 50; ++i) identity[i] = i;
    CHECK_MESSAGE(a1 != identity, "a shuffled epoch came out in order");

    nn::DataLoader plain(data, 8, /*shuffle=*/false, 42);
    CHECK(epoch_order(plain) == identity);
    CHECK(epoch_order(plain) == identity);
}

TEST_CASE("DataLoader: an empty data set has no batches; bad arguments are errors") {
    const io::Dataset empty = numbered(0);
    nn::DataLoader loader(empty, 4, true, 0);
    CHECK(loader.num_batches() == 0);
    CHECK(epoch_order(loader).empty());
    CHECK(loader.begin() == loader.end());

    const io::Dataset data = numbered(5);
    CHECK_THROWS_CONTAINING(nn::DataLoader(data, 0, true, 0), "DataLoader", "batch_size", "got 0");
    io::Dataset unlabelled = numbered(5);
    unlabelled.labels.pop_back();
    CHECK_THROWS_CONTAINING(nn::DataLoader(unlabelled, 2, true, 0), "5 images but 4 labels");
}
