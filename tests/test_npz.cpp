// io/npz.cpp: files written by numpy.savez, and crafted archives: every byte of a good file
// changed, overlapping members, lying .npy headers.
#include <string>
#include <utility>
#include <vector>

#include "check.hpp"
#include "io/npz.hpp"
#include "io/zip.hpp"
#include "numpy_files.hpp"
#include "temp_dir.hpp"

#include <xtensor/xnpy.hpp>

TEST_CASE("files written by numpy.savez load; float64 and compressed ones are refused with the fix") {
    TempDir dir;
    write_bytes(dir / "np32.npz", numpy_files::from_hex(numpy_files::kNumpyFloat32));
    const auto arrays = io::load_npz(dir / "np32.npz");
    REQUIRE(arrays.size() == 2);
    CHECK(arrays.at("weight") == xt::xarray<float>{{1.5f, -2.0f, 0.25f}});
    CHECK(arrays.at("bias") == xt::xarray<float>{3.0f});
    write_bytes(dir / "np64.npz", numpy_files::from_hex(numpy_files::kNumpyFloat64));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "np64.npz"), "np64.npz", "'w'", "<f8", "astype(numpy.float32)");
    write_bytes(dir / "npc.npz", numpy_files::from_hex(numpy_files::kNumpyCompressed));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "npc.npz"), "npc.npz", "compressed", "numpy.savez");
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
