// Checkpoints: bit-exact round trip, mismatch errors, corrupt files, atomic replacement, and a
// file written by numpy.savez.
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "check.hpp"
#include "io/checkpoint.hpp"
#include "numpy_files.hpp"
#include "nn/layers.hpp"
#include "temp_dir.hpp"
#include "write_fault.hpp"

#include <xtensor/xnpy.hpp>

using namespace autograd;
namespace fs = std::filesystem;

namespace {

using numpy_files::from_hex;
using numpy_files::kNumpyCompressed;
using numpy_files::kNumpyFloat32;
using numpy_files::kNumpyFloat64;

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
    io::save_checkpoint(a, dir / "model.npz");
    io::load_checkpoint(b, dir / "model.npz");
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
    io::save_checkpoint(a, dir / "m.npz");
    nn::Sequential wider(nn::Linear(4, 5, gen), nn::ReLU(), nn::Linear(5, 2, gen));
    const xt::xarray<float> before = wider.parameters()[0].value();
    CHECK_THROWS_CONTAINING(io::load_checkpoint(wider, dir / "m.npz"), "m.npz", "'0.weight'", "(4, 3)", "(4, 5)");
    CHECK(wider.parameters()[0].value() == before);  // nothing was changed
    nn::Sequential deeper(nn::Linear(4, 3, gen), nn::ReLU(), nn::Linear(3, 2, gen), nn::ReLU(), nn::Linear(2, 2, gen));
    CHECK_THROWS_CONTAINING(io::load_checkpoint(deeper, dir / "m.npz"), "'4.weight'", "the checkpoint does not");
    nn::Sequential shallower(nn::Linear(4, 3, gen));
    CHECK_THROWS_CONTAINING(io::load_checkpoint(shallower, dir / "m.npz"), "'2.", "the model does not");
}

TEST_CASE("missing, empty, truncated and corrupt files are clear errors") {
    TempDir dir;
    Generator gen(3);
    nn::Sequential m = small_model(gen);
    CHECK_THROWS_CONTAINING(io::load_checkpoint(m, dir / "none.npz"), "none.npz", "cannot open");
    write_bytes(dir / "empty.npz", "");
    CHECK_THROWS_CONTAINING(io::load_checkpoint(m, dir / "empty.npz"), "empty.npz", "not a valid .npz");
    write_bytes(dir / "text.npz", std::string(200, 'x'));
    CHECK_THROWS_CONTAINING(io::load_checkpoint(m, dir / "text.npz"), "text.npz", "no zip directory");
    io::save_checkpoint(m, dir / "good.npz");
    const std::string good = read_bytes(dir / "good.npz");
    write_bytes(dir / "cut.npz", good.substr(0, good.size() / 2));
    CHECK_THROWS_CONTAINING(io::load_checkpoint(m, dir / "cut.npz"), "cut.npz");
    std::string flipped = good;
    const std::size_t second_member = flipped.find("PK\x03\x04", 4);
    REQUIRE(second_member != std::string::npos);
    flipped[second_member - 1] = static_cast<char>(flipped[second_member - 1] ^ 0x55);  // the first array's last byte
    write_bytes(dir / "flipped.npz", flipped);
    CHECK_THROWS_CONTAINING(io::load_checkpoint(m, dir / "flipped.npz"), "flipped.npz", "CRC");
    // Every prefix of a good file fails cleanly, never reads out of bounds.
    for (std::size_t n = 0; n < good.size(); n += 7) {
        write_bytes(dir / "prefix.npz", good.substr(0, n));
        CHECK_THROWS_AS(io::load_npz(dir / "prefix.npz"), io::CheckpointError);
    }
}

TEST_CASE("files written by numpy.savez load; float64 and compressed ones are refused with the fix") {
    TempDir dir;
    write_bytes(dir / "np32.npz", from_hex(kNumpyFloat32));
    const auto arrays = io::load_npz(dir / "np32.npz");
    REQUIRE(arrays.size() == 2);
    CHECK(arrays.at("weight") == xt::xarray<float>{{1.5f, -2.0f, 0.25f}});
    CHECK(arrays.at("bias") == xt::xarray<float>{3.0f});
    write_bytes(dir / "np64.npz", from_hex(kNumpyFloat64));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "np64.npz"), "np64.npz", "'w'", "<f8", "astype(numpy.float32)");
    write_bytes(dir / "npc.npz", from_hex(kNumpyCompressed));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "npc.npz"), "npc.npz", "compressed", "numpy.savez");
}

TEST_CASE("saving replaces an existing checkpoint atomically and leaves no temporary file") {
    TempDir dir;
    Generator gen(4);
    nn::Sequential a = small_model(gen), b = small_model(gen);
    io::save_checkpoint(a, dir / "ckpt.npz");
    io::save_checkpoint(b, dir / "ckpt.npz");
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path)) {
        ++files;
        CHECK(entry.path().filename() == "ckpt.npz");
    }
    CHECK(files == 1);
    io::load_checkpoint(a, dir / "ckpt.npz");
    CHECK(a.parameters()[0].value() == b.parameters()[0].value());
    // A folder that does not exist yet is made; an unwritable place is an error naming it.
    io::save_checkpoint(a, dir / "sub/dir/ckpt.npz");
    CHECK(fs::exists(dir / "sub/dir/ckpt.npz"));
    CHECK_THROWS_CONTAINING(io::save_checkpoint(a, "/proc/no-such/ckpt.npz"), "/proc/no-such/ckpt.npz",
                            "cannot create the folder");
}

TEST_CASE("on a full disk a save fails with the system's reason, naming the file once, and the old checkpoint stays") {
    TempDir dir;
    Generator gen(19);
    nn::Sequential a = small_model(gen);
    nn::Linear big(784, 64, gen);  // 200 kB of weights: more than the 16 kB the child may write
    const std::string path = dir / "ckpt.npz";
    io::save_checkpoint(a, path);
    const std::string good = read_bytes(path);
    const std::string message = error_on_full_disk(16384, [&] {
        try {
            io::save_checkpoint(big, path);
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
    io::load_checkpoint(back, path);  // still the first model, whole
    CHECK(back.parameters()[0].value() == a.parameters()[0].value());
}

TEST_CASE("crafted archives: every byte of a good file changed, overlapping members, lying .npy headers") {
    TempDir dir;
    const xt::xarray<float> a{1.0f, 2.0f}, b = xt::ones<float>({1, 1});
    io::save_npz(dir / "good.npz", {{"a", a}, {"b", b}});
    const std::string good = read_bytes(dir / "good.npz");
    // Each byte set to 0x00 and to 0xFF: the result is the same arrays or a CheckpointError, never
    // a crash, another exception or a huge allocation (run under ./lab test --sanitize too).
    std::size_t refused = 0;
    for (std::size_t i = 0; i < good.size(); ++i)
        for (char v : {'\x00', '\xff'}) {
            std::string bad = good;
            bad[i] = v;
            write_bytes(dir / "bad.npz", bad);
            try {
                const auto arrays = io::load_npz(dir / "bad.npz");  // e.g. an entry count of 0: no arrays
                CHECK(arrays.size() <= 2);
            } catch (const io::CheckpointError&) {
                ++refused;
            }
        }
    CHECK(refused > good.size());  // most bytes matter
    // One member named a thousand times in the directory: refused, not copied a thousand times.
    const std::string npy = xt::dump_npy(a);
    std::vector<std::pair<std::string, std::string>> same(1000, {"a.npy", npy});
    write_bytes(dir / "many.npz", io::zip_stored(same));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "many.npz"), "many.npz");
    // .npy headers that lie about their length or their shape.
    const std::string huge_header = std::string("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12) + std::string(100, ' ');
    write_bytes(dir / "hdr.npz", io::zip_stored({{"w.npy", huge_header}}));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "hdr.npz"), "hdr.npz", "'w'", "header longer");
    const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }\n";
    std::string lying = std::string("\x93NUMPY\x01\x00", 8);
    lying += static_cast<char>(header.size() & 0xFF), lying += static_cast<char>(header.size() >> 8);
    lying += header + std::string(8, '\0');
    write_bytes(dir / "shape.npz", io::zip_stored({{"w.npy", lying}}));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "shape.npz"), "shape.npz", "'w'", "more than 2147483648 elements");
}

namespace {
// An .npz of one member "w.npy": a version 1.0 .npy with this header (the '\n' is added) and data.
std::string npz_with_header(const std::string& dict, const std::string& data) {
    const std::string header = dict + "\n";
    std::string npy = std::string("\x93NUMPY\x01\x00", 8);
    npy += static_cast<char>(header.size() & 0xFF), npy += static_cast<char>((header.size() >> 8) & 0xFF);
    return io::zip_stored({{"w.npy", npy + header + data}});
}
}  // namespace

TEST_CASE(".npy headers are read by a bounded parser before xtensor sees them") {
    TempDir dir;
    // The CheckpointError's message for an .npz whose one member has this header, or "" when it loads.
    auto refused = [&](const std::string& dict, const std::string& data = std::string(8, '\0')) {
        write_bytes(dir / "h.npz", npz_with_header(dict, data));
        try {
            io::load_npz(dir / "h.npz");
        } catch (const io::CheckpointError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    // What numpy.save writes reads.
    CHECK(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }").empty());
    CHECK(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }   ").empty());
    // A 'descr' of 30,000 characters: std::regex in xtensor's parser overflowed the stack on it.
    // Refused for the header's length; one of 5,000 (under the bound) for not being a dtype.
    const std::string long30k = refused("{'descr': '<" + std::string(30000, 'f') +
                                        "', 'fortran_order': False, "
                                        "'shape': (2,), }");
    CHECK_MESSAGE(long30k.find("h.npz: 'w' has a header of 30") != std::string::npos, long30k);
    CHECK_MESSAGE(long30k.find("more than the 10000") != std::string::npos, long30k);
    const std::string long5k =
        refused("{'descr': '<" + std::string(5000, '4') + "', 'fortran_order': False, 'shape': (2,), }");
    CHECK_MESSAGE(long5k.find("h.npz: 'w' has a 'descr' of 5001 characters ('<4444") != std::string::npos, long5k);
    CHECK_MESSAGE(long5k.find("not a NumPy dtype read here") != std::string::npos, long5k);
    CHECK(refused("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }").find("'<i4'") != std::string::npos);
    CHECK(refused("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }")
              .find("expected 'descr' value at byte") != std::string::npos);
    // Shapes: too many dimensions, a size of 20 digits, absurd sizes next to a 0, a lying product.
    std::string dims33 = "(";
    for (int d = 0; d < 33; ++d) dims33 += "1, ";
    CHECK(refused("{'descr': '<f4', 'fortran_order': False, 'shape': " + dims33 + "), }").find("more than 32 dim") !=
          std::string::npos);
    CHECK(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }")
              .find("sizes below 10^19") != std::string::npos);
    CHECK(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967295, 4294967295), }", "")
              .find("more than 2147483648 elements") != std::string::npos);
    CHECK(
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }").find("8 bytes of data for a shape of 1") !=
        std::string::npos);
    // Keys missing, repeated, unknown; Fortran order; not a dict; no newline at the end.
    CHECK(refused("{'descr': '<f4', 'shape': (2,), }").find("without all of") != std::string::npos);
    CHECK(refused("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }")
              .find("repeated key 'descr'") != std::string::npos);
    CHECK(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}").find("key 'x'") !=
          std::string::npos);
    CHECK(refused("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }").find("Fortran order") !=
          std::string::npos);
    CHECK(refused("['descr', '<f4']").find("not an .npy dict") != std::string::npos);
    CHECK(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x").find("does not end with") !=
          std::string::npos);
}
