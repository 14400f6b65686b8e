// nn/checkpoint.cpp: a module's checkpoint: bit-exact round trip, mismatch errors, missing and
// corrupt files, atomic replacement, a full disk.
#include <filesystem>
#include <fstream>
#include <limits>

#include <unistd.h>

#include "check.hpp"
#include "io/npz.hpp"
#include "nn/checkpoint.hpp"
#include "nn/layers.hpp"
#include "temp_dir.hpp"
#include "write_fault.hpp"

using namespace autograd;
namespace fs = std::filesystem;

namespace {
nn::Sequential small_model(Generator& gen) {
    return nn::Sequential(nn::Linear(4, 3, gen), nn::ReLU(), nn::Linear(3, 2, gen));
}
}  // namespace

TEST_CASE("save then load restores every parameter bit for bit") {
    TempDir dir;
    Generator gen(1);
    nn::Sequential a = small_model(gen), b = small_model(gen);
    a[0].named_parameters()[1].second.mutable_value() = xt::xarray<float>{0.1f, -0.2f, 1e-30f};  // bias, odd values
    REQUIRE_FALSE(a.parameters()[0].value() == b.parameters()[0].value());
    nn::save_checkpoint(a, dir / "model.npz");
    nn::load_checkpoint(b, dir / "model.npz");
    for (std::size_t i = 0; i < a.parameters().size(); ++i) {
        const std::string name = a.named_parameters()[i].first;
        CAPTURE(name);
        CHECK(a.parameters()[i].value() == b.parameters()[i].value());
    }
    const auto arrays = io::load_npz(dir / "model.npz");
    CHECK(arrays.size() == 4);
    CHECK(arrays.count("0.weight") == 1);
    CHECK(arrays.at("2.weight").shape()[0] == 3);
}

TEST_CASE("loading into a different model names the parameter") {
    TempDir dir;
    Generator gen(2);
    nn::Sequential a = small_model(gen);
    nn::save_checkpoint(a, dir / "m.npz");
    nn::Sequential wider(nn::Linear(4, 5, gen), nn::ReLU(), nn::Linear(5, 2, gen));
    const xt::xarray<float> before = wider.parameters()[0].value();
    CHECK_THROWS_CONTAINING(nn::load_checkpoint(wider, dir / "m.npz"), "m.npz", "'0.weight'", "(4, 3)", "(4, 5)");
    CHECK_THROWS_AS(nn::load_checkpoint(wider, dir / "m.npz"), io::CheckpointError);  // what a caller catches
    CHECK(wider.parameters()[0].value() == before);                                   // nothing was changed
    nn::Sequential deeper(nn::Linear(4, 3, gen), nn::ReLU(), nn::Linear(3, 2, gen), nn::ReLU(), nn::Linear(2, 2, gen));
    CHECK_THROWS_CONTAINING(nn::load_checkpoint(deeper, dir / "m.npz"), "'4.weight'", "the checkpoint does not");
    nn::Sequential shallower(nn::Linear(4, 3, gen));
    CHECK_THROWS_CONTAINING(nn::load_checkpoint(shallower, dir / "m.npz"), "'2.", "the model does not");
}

TEST_CASE("a checkpoint holding a NaN or an Inf is refused, naming the tensor and the element, and changes nothing") {
    // The right names and shapes are not enough: a diverged model's weights would load silently
    // and fail later inside some op, far from the file.
    TempDir dir;
    Generator gen(3);
    nn::Sequential a = small_model(gen), b = small_model(gen);
    const std::vector<xt::xarray<float>> before{b.parameters()[0].value(), b.parameters()[2].value()};
    for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity()}) {
        CAPTURE(bad);
        xt::xarray<float> w = a.parameters()[2].value();  // 2.weight (3, 2)
        w(2, 1) = bad;
        a.parameters()[2].mutable_value() = w;
        nn::save_checkpoint(a, dir / "diverged.npz");
        CHECK_THROWS_CONTAINING(nn::load_checkpoint(b, dir / "diverged.npz"), "diverged.npz", "'2.weight'",
                                "at element 5 of 6", "diverged or damaged");
        CHECK_THROWS_AS(nn::load_checkpoint(b, dir / "diverged.npz"), io::CheckpointError);
        CHECK(b.parameters()[0].value() == before[0]);  // nothing was changed, not even the tensors before it
        CHECK(b.parameters()[2].value() == before[1]);
    }
}

TEST_CASE("missing, empty, truncated and corrupt files are clear errors") {
    TempDir dir;
    Generator gen(3);
    nn::Sequential m = small_model(gen);
    CHECK_THROWS_CONTAINING(nn::load_checkpoint(m, dir / "none.npz"), "none.npz", "cannot open");
    const std::string folder = dir.path.string();
    CHECK_THROWS_CONTAINING(nn::load_checkpoint(m, folder), folder.c_str(), "is a folder");
    write_bytes(dir / "empty.npz", "");
    CHECK_THROWS_CONTAINING(nn::load_checkpoint(m, dir / "empty.npz"), "empty.npz", "not a valid .npz");
    write_bytes(dir / "text.npz", std::string(200, 'x'));
    CHECK_THROWS_CONTAINING(nn::load_checkpoint(m, dir / "text.npz"), "text.npz", "no zip directory");
    nn::save_checkpoint(m, dir / "good.npz");
    const std::string good = read_bytes(dir / "good.npz");
    write_bytes(dir / "cut.npz", good.substr(0, good.size() / 2));
    CHECK_THROWS_CONTAINING(nn::load_checkpoint(m, dir / "cut.npz"), "cut.npz");
    std::string flipped = good;
    const std::size_t second_member = flipped.find("PK\x03\x04", 4);
    REQUIRE(second_member != std::string::npos);
    flipped[second_member - 1] = static_cast<char>(flipped[second_member - 1] ^ 0x55);  // the first array's last byte
    write_bytes(dir / "flipped.npz", flipped);
    CHECK_THROWS_CONTAINING(nn::load_checkpoint(m, dir / "flipped.npz"), "flipped.npz", "CRC");
    // Every prefix of a good file fails cleanly, never reads out of bounds.
    for (std::size_t n = 0; n < good.size(); n += 7) {
        write_bytes(dir / "prefix.npz", good.substr(0, n));
        CHECK_THROWS_AS(io::load_npz(dir / "prefix.npz"), io::CheckpointError);
    }
}

TEST_CASE("saving replaces an existing checkpoint atomically and leaves no temporary file") {
    TempDir dir;
    Generator gen(4);
    nn::Sequential a = small_model(gen), b = small_model(gen);
    nn::save_checkpoint(a, dir / "ckpt.npz");
    nn::save_checkpoint(b, dir / "ckpt.npz");
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path)) {
        ++files;
        CHECK(entry.path().filename() == "ckpt.npz");
    }
    CHECK(files == 1);
    nn::load_checkpoint(a, dir / "ckpt.npz");
    CHECK(a.parameters()[0].value() == b.parameters()[0].value());
    // A folder that does not exist yet is made; an unwritable place is an error naming it.
    nn::save_checkpoint(a, dir / "sub/dir/ckpt.npz");
    CHECK(fs::exists(dir / "sub/dir/ckpt.npz"));
    CHECK_THROWS_CONTAINING(nn::save_checkpoint(a, "/proc/no-such/ckpt.npz"), "/proc/no-such/ckpt.npz",
                            "cannot create the folder");
}

TEST_CASE("on a full disk a save fails with the system's reason, naming the file once, and the old checkpoint stays") {
    TempDir dir;
    Generator gen(19);
    nn::Sequential a = small_model(gen);
    nn::Linear big(784, 64, gen);  // 200 kB of weights: more than the 16 kB the child may write
    const std::string path = dir / "ckpt.npz";
    nn::save_checkpoint(a, path);
    const std::string good = read_bytes(path);
    const std::string message = error_on_full_disk(16384, [&] {
        try {
            nn::save_checkpoint(big, path);
        } catch (const io::CheckpointError& e) {  // the type callers catch
            throw std::runtime_error(std::string("CheckpointError: ") + e.what());
        }
    });
    CHECK(message == "CheckpointError: " + path + ": cannot write: " + file_too_large());
    CHECK(occurrences(message, "ckpt.npz") == 1);
    CHECK(message.find("disk full or no permission") == std::string::npos);  // the system's reason, not a guess
    CHECK(read_bytes(path) == good);
    CHECK(names_in(dir.path) == std::set<std::string>{"ckpt.npz"});
    nn::Sequential back = small_model(gen);
    nn::load_checkpoint(back, path);  // still the first model, whole
    CHECK(back.parameters()[0].value() == a.parameters()[0].value());
}

TEST_CASE("a path that names no file is a CheckpointError when saving") {
    TempDir dir;
    Generator gen(4);
    nn::Sequential m = small_model(gen);
    CHECK_THROWS_AS(nn::save_checkpoint(m, ""), io::CheckpointError);
    CHECK_THROWS_CONTAINING(nn::save_checkpoint(m, ""), "cannot save a checkpoint to an empty path");
    CHECK_THROWS_AS(nn::save_checkpoint(m, dir / "sub/"), io::CheckpointError);
    CHECK_THROWS_CONTAINING(nn::save_checkpoint(m, dir / "sub/"), "sub/", "not a file name to write to");
}
