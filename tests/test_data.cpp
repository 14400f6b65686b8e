// Data sets and the loader: MNIST's layout read from a tiny fake folder (never the real files),
// the checks on it, and the DataLoader's epochs: coverage, batch shapes, seeded order.
#include "check.hpp"
#include "temp_dir.hpp"

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

// The pixel byte of image i at flat position k in the fake files.
std::uint8_t pixel(std::size_t i, std::size_t k) { return static_cast<std::uint8_t>((i * 31 + k * 7) % 256); }

// Writes `prefix`-images-idx3-ubyte with n 28x28 images and `prefix`-labels-idx1-ubyte with `labels`.
void write_split(const TempDir& dir, const std::string& prefix, std::size_t n, const std::vector<int>& labels) {
    xt::xarray<std::uint8_t> images = xt::xarray<std::uint8_t>::from_shape({n, 28, 28});
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < 784; ++k) images.data()[i * 784 + k] = pixel(i, k);
    xt::xarray<std::uint8_t> y = xt::xarray<std::uint8_t>::from_shape({labels.size()});
    for (std::size_t i = 0; i < labels.size(); ++i) y(i) = static_cast<std::uint8_t>(labels[i]);
    nn::write_idx(dir / (prefix + "-images-idx3-ubyte"), images);
    nn::write_idx(dir / (prefix + "-labels-idx1-ubyte"), y);
}

// A fake MNIST folder: 5 training images labelled 3 1 4 1 5, 3 test images labelled 9 2 6.
void write_fake_mnist(const TempDir& dir) {
    write_split(dir, "train", 5, {3, 1, 4, 1, 5});
    write_split(dir, "t10k", 3, {9, 2, 6});
}

// A data set of n images of d pixels; every pixel of image i is i, and its label is i % 10.
nn::Dataset numbered(std::size_t n, std::size_t d = 3) {
    nn::Dataset data;
    data.images = xt::xarray<float>::from_shape({n, d});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < d; ++k) data.images(i, k) = static_cast<float>(i);
        data.labels.push_back(i % 10);
    }
    data.rows = 1, data.cols = d;
    return data;
}

// The order of the rows in one epoch of `loader`.
std::vector<std::size_t> epoch_order(nn::DataLoader& loader) {
    std::vector<std::size_t> order;
    for (const nn::Batch& batch : loader) order.insert(order.end(), batch.index.begin(), batch.index.end());
    return order;
}

// Sets an environment variable for the life of the object, then puts back what was there.
struct ScopedEnv {
    std::string name;
    bool had;
    std::string old;
    ScopedEnv(const char* n, const char* value) : name(n), had(std::getenv(n) != nullptr) {
        if (had) old = std::getenv(n);
        if (value)
            ::setenv(n, value, 1);
        else
            ::unsetenv(n);
    }
    ~ScopedEnv() {
        if (had)
            ::setenv(name.c_str(), old.c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};
}  // namespace

// ---- loading -------------------------------------------------------------------------------------
TEST_CASE("load_mnist reads a fake folder: shapes, pixels scaled to [0, 1], labels") {
    TempDir dir;
    write_fake_mnist(dir);
    const nn::Dataset train = nn::load_mnist(dir.path.string(), /*train=*/true);
    CHECK_MESSAGE(train.size() == 5, "expected 5 images, got " << train.size());
    REQUIRE(train.images.dimension() == 2);
    CHECK(train.images.shape()[0] == 5);
    CHECK(train.images.shape()[1] == 784);
    CHECK(train.rows == 28);
    CHECK(train.cols == 28);
    CHECK(train.labels == std::vector<std::size_t>{3, 1, 4, 1, 5});
    int wrong = 0;
    for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t k = 0; k < 784; ++k) wrong += train.images(i, k) != static_cast<float>(pixel(i, k)) / 255.0f;
    CHECK_MESSAGE(wrong == 0, wrong << " pixels differ from byte / 255");
    CHECK(xt::amax(train.images)() <= 1.0f);
    CHECK(xt::amin(train.images)() >= 0.0f);

    const nn::Dataset test = nn::load_mnist(dir.path.string(), /*train=*/false);
    CHECK_MESSAGE(test.size() == 3, "the test split (t10k files) has 3 images, got " << test.size());
    CHECK(test.labels == std::vector<std::size_t>{9, 2, 6});
}

TEST_CASE("load_mnist with a limit keeps the first images") {
    TempDir dir;
    write_fake_mnist(dir);
    const nn::Dataset two = nn::load_mnist(dir.path.string(), true, /*limit=*/2);
    CHECK_MESSAGE(two.size() == 2, "expected 2 images, got " << two.size());
    CHECK(two.labels == std::vector<std::size_t>{3, 1});
    CHECK(two.images(1, 100) == static_cast<float>(pixel(1, 100)) / 255.0f);
    const nn::Dataset all = nn::load_mnist(dir.path.string(), true, /*limit=*/100);
    CHECK_MESSAGE(all.size() == 5, "a limit above N keeps all 5, got " << all.size());
}

TEST_CASE("load_fashion_mnist reads the same layout") {
    TempDir dir;
    write_fake_mnist(dir);
    const nn::Dataset data = nn::load_fashion_mnist(dir.path.string(), true, 4);
    CHECK(data.size() == 4);
    CHECK(data.labels == std::vector<std::size_t>{3, 1, 4, 1});
}

TEST_CASE("a missing folder or file says to run ./lab fetch") {
    TempDir dir;
    const std::string none = dir / "no-mnist-here";
    CHECK_THROWS_CONTAINING(nn::load_mnist(none, true), "no-mnist-here", "no such folder", "./lab fetch mnist",
                            "MNIST_DIR");
    CHECK_THROWS_CONTAINING(nn::load_fashion_mnist(none, false), "no-mnist-here", "./lab fetch fashion-mnist",
                            "FASHION_MNIST_DIR");
    CHECK_THROWS_AS(nn::load_mnist(none, true), nn::DataError);
    write_split(dir, "train", 2, {0, 1});  // no t10k files
    CHECK_THROWS_CONTAINING(nn::load_mnist(dir.path.string(), false), "t10k-images-idx3-ubyte", "missing",
                            "./lab fetch mnist");
    fs::remove(dir / "train-labels-idx1-ubyte");
    CHECK_THROWS_CONTAINING(nn::load_mnist(dir.path.string(), true), "train-labels-idx1-ubyte", "missing",
                            "./lab fetch mnist");
}

TEST_CASE("files that do not belong together are DataErrors naming them") {
    TempDir dir;
    SUBCASE("counts disagree") {
        write_split(dir, "train", 5, {1, 2, 3, 4});
        CHECK_THROWS_CONTAINING(nn::load_mnist(dir.path.string(), true), "train-images-idx3-ubyte holds 5 images",
                                "train-labels-idx1-ubyte holds 4 labels");
    }
    SUBCASE("a label above 9") {
        write_split(dir, "train", 3, {1, 12, 3});
        CHECK_THROWS_CONTAINING(nn::load_mnist(dir.path.string(), true), "train-labels-idx1-ubyte",
                                "label 12 of image 1");
    }
    SUBCASE("images that are not 3-D") {
        write_split(dir, "train", 2, {1, 2});
        nn::write_idx(dir / "train-images-idx3-ubyte", xt::xarray<std::uint8_t>::from_shape({2, 784}));
        CHECK_THROWS_CONTAINING(nn::load_mnist(dir.path.string(), true), "train-images-idx3-ubyte", "2 dimensions",
                                "expected 3");
    }
    SUBCASE("labels that are not 1-D") {
        write_split(dir, "train", 2, {1, 2});
        nn::write_idx(dir / "train-labels-idx1-ubyte", xt::xarray<std::uint8_t>::from_shape({2, 1}));
        CHECK_THROWS_CONTAINING(nn::load_mnist(dir.path.string(), true), "train-labels-idx1-ubyte", "2 dimensions",
                                "expected 1");
    }
    SUBCASE("a corrupt file: the IDX reader's error comes through") {
        write_split(dir, "train", 2, {1, 2});
        fs::resize_file(dir / "train-images-idx3-ubyte", 100);
        CHECK_THROWS_CONTAINING(nn::load_mnist(dir.path.string(), true), "train-images-idx3-ubyte", "truncated");
    }
}

TEST_CASE("the default folders follow MNIST_DIR and FASHION_MNIST_DIR") {
    {
        ScopedEnv a("MNIST_DIR", nullptr), b("FASHION_MNIST_DIR", nullptr);
        CHECK(nn::default_mnist_dir() == "data/mnist");
        CHECK(nn::default_fashion_mnist_dir() == "data/fashion-mnist");
    }
    {
        ScopedEnv a("MNIST_DIR", "/somewhere/mnist"), b("FASHION_MNIST_DIR", "/elsewhere/f");
        CHECK(nn::default_mnist_dir() == "/somewhere/mnist");
        CHECK(nn::default_fashion_mnist_dir() == "/elsewhere/f");
    }
}

TEST_CASE("Dataset::batch takes the given rows, in order, as a constant tensor") {
    const nn::Dataset data = numbered(10, 4);
    const Tensor x = data.batch({7, 0, 7, 3});
    REQUIRE(x.shape() == autograd::Shape{4, 4});
    CHECK_FALSE(x.requires_grad());
    const std::vector<float> expected = {7, 0, 7, 3};
    for (std::size_t b = 0; b < 4; ++b)
        for (std::size_t k = 0; k < 4; ++k)
            CHECK_MESSAGE(x.value()(b, k) == expected[b],
                          "row " << b << ": expected " << expected[b] << ", got " << x.value()(b, k));
    CHECK(data.batch({}).shape() == autograd::Shape{0, 4});
    CHECK_THROWS_CONTAINING(data.batch({1, 10}), "index 10", "out of range for 10 images");
}

// ---- the loader ----------------------------------------------------------------------------------
TEST_CASE("DataLoader: batch shapes, a smaller last batch, labels and rows that match") {
    const nn::Dataset data = numbered(10, 3);
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
    const nn::Dataset data = numbered(103);
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
    const nn::Dataset data = numbered(50);
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
    const nn::Dataset empty = numbered(0);
    nn::DataLoader loader(empty, 4, true, 0);
    CHECK(loader.num_batches() == 0);
    CHECK(epoch_order(loader).empty());
    CHECK(loader.begin() == loader.end());

    const nn::Dataset data = numbered(5);
    CHECK_THROWS_CONTAINING(nn::DataLoader(data, 0, true, 0), "DataLoader", "batch_size", "got 0");
    nn::Dataset unlabelled = numbered(5);
    unlabelled.labels.pop_back();
    CHECK_THROWS_CONTAINING(nn::DataLoader(unlabelled, 2, true, 0), "5 images but 4 labels");
}
