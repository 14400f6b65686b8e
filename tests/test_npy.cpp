// io/npy.cpp: .npy headers read by a bounded parser; the data read back bit for bit.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "check.hpp"
#include "io/npy.hpp"
#include "io/npz.hpp"
#include "io/zip.hpp"
#include "temp_dir.hpp"

namespace {
// An .npz of one member "w.npy": a version 1.0 .npy with this header (the '\n' is added) and data.
std::string npz_with_header(const std::string& dict, const std::string& data) {
    const std::string header = dict + "\n";
    std::string npy = std::string("\x93NUMPY\x01\x00", 8);
    npy += static_cast<char>(header.size() & 0xFF), npy += static_cast<char>((header.size() >> 8) & 0xFF);
    return io::zip_stored({{"w.npy", npy + header + data}});
}
}  // namespace

TEST_CASE(".npy headers are read by a bounded parser before anything is allocated") {
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

TEST_CASE("parse_npy reads back what npy_bytes wrote, bit for bit, at any shape") {
    const float inf = std::numeric_limits<float>::infinity();
    const float denormal = std::numeric_limits<float>::denorm_min();
    float nan = 0.0f;
    const std::uint32_t nan_bits = 0x7fc01234u;  // a NaN with a payload
    std::memcpy(&nan, &nan_bits, sizeof nan);
    const xt::xarray<float> a = {{0.0f, -0.0f, denormal, inf}, {-inf, nan, std::numeric_limits<float>::max(), -1.5f}};
    const xt::xarray<float> back = io::parse_npy(io::npy_bytes(a), "a.npz: 'a'");
    REQUIRE(back.shape() == a.shape());
    CHECK(std::memcmp(back.data(), a.data(), a.size() * sizeof(float)) == 0);
    // The data are little-endian float32: 1.0f is 00 00 80 3f, the last four bytes of its file.
    const std::string one = io::npy_bytes(xt::xarray<float>{1.0f});
    CHECK(one.substr(one.size() - 4) == std::string("\x00\x00\x80\x3f", 4));
    // No dimensions (one number), and no elements.
    const xt::xarray<float> scalar = 2.5f;
    const xt::xarray<float> scalar_back = io::parse_npy(io::npy_bytes(scalar), "s");
    CHECK(scalar_back.dimension() == 0);
    CHECK(scalar_back() == 2.5f);
    const xt::xarray<float> empty = xt::zeros<float>({0, 3});
    CHECK(io::parse_npy(io::npy_bytes(empty), "e").shape() == empty.shape());
    // The label starts every error.
    CHECK_THROWS_CONTAINING(io::parse_npy("not an array", "m.npz: 'w'"), "m.npz: 'w' is not a .npy array");
}
