// io/mnist.cpp: MNIST's layout read from a tiny fake folder (never the real files): shapes, pixels,
// labels, limits, and the errors for missing or mismatched files, which say what to run.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "check.hpp"
#include "io/idx.hpp"
#include "io/mnist.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using autograd::Tensor;

namespace {

// The pixel byte of image i at flat position k in the fake files.
std::uint8_t pixel(std::size_t i, std::size_t k) { return static_cast<std::uint8_t>((i * 31 + k * 7) % 256); }

// Writes `prefix`-images-idx3-ubyte with n images of H x W (28x28 unless given) and
// `prefix`-labels-idx1-ubyte with `labels`.
void write_split(const TempDir& dir, const std::string& prefix, std::size_t n, const std::vector<int>& labels,
                 std::size_t H = 28, std::size_t W = 28) {
    xt::xarray<std::uint8_t> images = xt::xarray<std::uint8_t>::from_shape({n, H, W});  // (N, H, W)
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < H * W; ++k) images.data()[i * H * W + k] = pixel(i, k);
    xt::xarray<std::uint8_t> y = xt::xarray<std::uint8_t>::from_shape({labels.size()});
    for (std::size_t i = 0; i < labels.size(); ++i) y(i) = static_cast<std::uint8_t>(labels[i]);
    io::write_idx(dir / (prefix + "-images-idx3-ubyte"), images);
    io::write_idx(dir / (prefix + "-labels-idx1-ubyte"), y);
}

// A fake MNIST folder: 5 training images labelled 3 1 4 1 5, 3 test images labelled 9 2 6.
void write_fake_mnist(const TempDir& dir) {
    write_split(dir, "train", 5, {3, 1, 4, 1, 5});
    write_split(dir, "t10k", 3, {9, 2, 6});
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

TEST_CASE("load_mnist reads a fake folder: shapes, pixels scaled to [0, 1], labels") {
    TempDir dir;
    write_fake_mnist(dir);
    const io::Dataset train = io::load_mnist(dir.path.string(), /*train=*/true);
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

    const io::Dataset test = io::load_mnist(dir.path.string(), /*train=*/false);
    CHECK_MESSAGE(test.size() == 3, "the test split (t10k files) has 3 images, got " << test.size());
    CHECK(test.labels == std::vector<std::size_t>{9, 2, 6});
}

TEST_CASE("load_mnist with a limit keeps the first images") {
    TempDir dir;
    write_fake_mnist(dir);
    const io::Dataset two = io::load_mnist(dir.path.string(), true, /*limit=*/2);
    CHECK_MESSAGE(two.size() == 2, "expected 2 images, got " << two.size());
    CHECK(two.labels == std::vector<std::size_t>{3, 1});
    CHECK(two.images(1, 100) == static_cast<float>(pixel(1, 100)) / 255.0f);
    const io::Dataset all = io::load_mnist(dir.path.string(), true, /*limit=*/100);
    CHECK_MESSAGE(all.size() == 5, "a limit above N keeps all 5, got " << all.size());
}

TEST_CASE("load_fashion_mnist reads the same layout") {
    TempDir dir;
    write_fake_mnist(dir);
    const io::Dataset data = io::load_fashion_mnist(dir.path.string(), true, 4);
    CHECK(data.size() == 4);
    CHECK(data.labels == std::vector<std::size_t>{3, 1, 4, 1});
}

TEST_CASE("a missing folder or file says to run ./lab fetch") {
    TempDir dir;
    const std::string none = dir / "no-mnist-here";
    CHECK_THROWS_CONTAINING(io::load_mnist(none, true), "no-mnist-here", "no such folder", "./lab fetch mnist",
                            "MNIST_DIR");
    CHECK_THROWS_CONTAINING(io::load_fashion_mnist(none, false), "no-mnist-here", "./lab fetch fashion-mnist",
                            "FASHION_MNIST_DIR");
    CHECK_THROWS_AS(io::load_mnist(none, true), io::DataError);
    write_split(dir, "train", 2, {0, 1});  // no t10k files
    CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), false), "t10k-images-idx3-ubyte", "missing",
                            "./lab fetch mnist");
    fs::remove(dir / "train-labels-idx1-ubyte");
    CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), true), "train-labels-idx1-ubyte", "missing",
                            "./lab fetch mnist");
}

TEST_CASE("files that do not belong together are DataErrors naming them") {
    TempDir dir;
    SUBCASE("counts disagree") {
        write_split(dir, "train", 5, {1, 2, 3, 4});
        CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), true), "train-images-idx3-ubyte holds 5 images",
                                "train-labels-idx1-ubyte holds 4 labels");
    }
    SUBCASE("a label above 9") {
        write_split(dir, "train", 3, {1, 12, 3});
        CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), true), "train-labels-idx1-ubyte",
                                "label 12 of image 1");
    }
    SUBCASE("images that are not 3-D") {
        write_split(dir, "train", 2, {1, 2});
        io::write_idx(dir / "train-images-idx3-ubyte", xt::xarray<std::uint8_t>::from_shape({2, 784}));
        CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), true), "train-images-idx3-ubyte", "2 dimensions",
                                "expected 3");
    }
    SUBCASE("labels that are not 1-D") {
        write_split(dir, "train", 2, {1, 2});
        io::write_idx(dir / "train-labels-idx1-ubyte", xt::xarray<std::uint8_t>::from_shape({2, 1}));
        CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), true), "train-labels-idx1-ubyte", "2 dimensions",
                                "expected 1");
    }
    SUBCASE("more labels than images") {
        write_split(dir, "t10k", 2, {1, 2, 3});
        CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), false), "t10k-images-idx3-ubyte holds 2 images",
                                "t10k-labels-idx1-ubyte holds 3 labels");
    }
    SUBCASE("a corrupt file: the IDX reader's error comes through") {
        write_split(dir, "train", 2, {1, 2});
        fs::resize_file(dir / "train-images-idx3-ubyte", 100);
        CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), true), "train-images-idx3-ubyte", "truncated");
    }
}

TEST_CASE("the default folders follow MNIST_DIR and FASHION_MNIST_DIR") {
    {
        ScopedEnv a("MNIST_DIR", nullptr), b("FASHION_MNIST_DIR", nullptr);
        CHECK(io::default_mnist_dir() == "data/mnist");
        CHECK(io::default_fashion_mnist_dir() == "data/fashion-mnist");
    }
    {
        ScopedEnv a("MNIST_DIR", "/somewhere/mnist"), b("FASHION_MNIST_DIR", "/elsewhere/f");
        CHECK(io::default_mnist_dir() == "/somewhere/mnist");
        CHECK(io::default_fashion_mnist_dir() == "/elsewhere/f");
    }
}

TEST_CASE("data of the wrong shape fails at loading, naming the file, not later in a layer") {
    TempDir dir;
    SUBCASE("10x10 images: MNIST_DIR names another data set") {
        write_split(dir, "train", 4, {1, 2, 3, 4}, /*H=*/10, /*W=*/10);
        const std::string expected = "expected 28x28 images, found 10x10 in " + (dir / "train-images-idx3-ubyte");
        CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), true), expected.c_str());
        CHECK_THROWS_AS(io::load_mnist(dir.path.string(), true), io::DataError);
        // Fashion-MNIST's images are 28x28 too; a limit does not skip the check.
        CHECK_THROWS_CONTAINING(io::load_fashion_mnist(dir.path.string(), true, /*limit=*/1), expected.c_str(),
                                "Fashion-MNIST");
    }
    SUBCASE("28 rows of 27 columns: each side is checked") {
        write_split(dir, "t10k", 2, {1, 2}, /*H=*/28, /*W=*/27);
        CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), false), "expected 28x28 images, found 28x27 in",
                                "t10k-images-idx3-ubyte");
    }
    SUBCASE("no images: an error now rather than a -nan% after training on nothing") {
        write_split(dir, "train", 0, {});
        CHECK_THROWS_CONTAINING(io::load_mnist(dir.path.string(), true), "train-images-idx3-ubyte", "no images",
                                "./lab fetch mnist");
        CHECK_THROWS_CONTAINING(io::load_fashion_mnist(dir.path.string(), true), "no images",
                                "./lab fetch fashion-mnist");
    }
}

TEST_CASE("the folder named by MNIST_DIR, as the lectures load it, gets the same checks") {
    TempDir dir;
    write_split(dir, "train", 3, {1, 2, 3}, /*H=*/10, /*W=*/10);
    ScopedEnv env("MNIST_DIR", dir.path.c_str());
    const std::string expected = "expected 28x28 images, found 10x10 in " + (dir / "train-images-idx3-ubyte");
    CHECK_THROWS_CONTAINING(io::load_mnist(io::default_mnist_dir(), true), expected.c_str());
}
