// npy.cpp: an .npy file's header read by a bounded parser, then its float32 data; and the file
// of an array, written by xtensor.
#include "io/npy.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <fmt/format.h>
// xnpy.hpp's reader (not used here) parses headers with std::regex, whose inlined code draws
// false -Wmaybe-uninitialized warnings from GCC 12 in the sanitizer build.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <xtensor/xnpy.hpp>
#pragma GCC diagnostic pop

namespace io {

namespace {
constexpr std::size_t kMaxNpyHeader = 10000;                       // NumPy's own limit for headers it has not written
constexpr std::size_t kMaxNpyDims = 32;                            // NumPy's limit
constexpr std::uint64_t kMaxNpyElements = std::uint64_t(1) << 31;  // 8 GiB of float32
// The dtype this project writes and reads, then the ones it recognises to say how to convert them.
const char* const kFloat32 = "<f4";
const char* const kKnownDtypes[] = {"<f8", "<f2", ">f4", ">f8", "|u1", "|i1", "<i2", "<i4",
                                    "<i8", "<u2", "<u4", "<u8", "|b1", "<c8", "<c16"};

struct NpyHeader {
    std::string descr;
    bool fortran_order = false;
    std::vector<std::uint64_t> shape;
};

// Reads the header dict; `bad` makes the error naming the file and member.
template <class Bad>
NpyHeader parse_npy_header(const std::string& text, const Bad& bad) {
    std::size_t i = 0;
    auto spaces = [&] {
        while (i < text.size() && text[i] == ' ') ++i;
    };
    auto expect = [&](char c, const char* what) {
        spaces();
        if (i >= text.size() || text[i] != c)
            throw bad(fmt::format("has a header that is not an .npy dict (expected {} at byte {})", what, i));
        ++i;
    };
    auto quoted = [&](const char* what) {
        expect('\'', what);
        const std::size_t close = text.find('\'', i);
        if (close == std::string::npos) throw bad(fmt::format("has a header with an unterminated {}", what));
        std::string s = text.substr(i, close - i);
        i = close + 1;
        return s;
    };
    NpyHeader h;
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    expect('{', "'{'");
    for (spaces(); i < text.size() && text[i] != '}'; spaces()) {
        const std::string key = quoted("key");
        expect(':', "':'");
        spaces();
        if (key == "descr" && !seen_descr) {
            h.descr = quoted("'descr' value");
            seen_descr = true;
        } else if (key == "fortran_order" && !seen_fortran) {
            if (text.compare(i, 4, "True") == 0)
                h.fortran_order = true, i += 4;
            else if (text.compare(i, 5, "False") == 0)
                i += 5;
            else
                throw bad("has a header whose 'fortran_order' is neither True nor False");
            seen_fortran = true;
        } else if (key == "shape" && !seen_shape) {
            expect('(', "'(' opening the shape");
            for (spaces(); i < text.size() && text[i] != ')'; spaces()) {
                std::size_t digits = 0;
                std::uint64_t n = 0;
                for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 19; ++i, ++digits)
                    n = n * 10 + std::uint64_t(text[i] - '0');
                if (digits == 0 || (i < text.size() && text[i] >= '0' && text[i] <= '9'))
                    throw bad("has a header whose shape is not a tuple of sizes below 10^19");
                if (h.shape.size() == kMaxNpyDims)
                    throw bad(fmt::format("has a shape of more than {} dimensions", kMaxNpyDims));
                h.shape.push_back(n);
                spaces();
                if (i < text.size() && text[i] == ',')
                    ++i;
                else if (i < text.size() && text[i] != ')')
                    throw bad(fmt::format("has a header whose shape is not a tuple (byte {})", i));
            }
            expect(')', "')' closing the shape");
            seen_shape = true;
        } else {
            throw bad(fmt::format("has a header with an unexpected or repeated key '{}'",
                                  key.size() > 40 ? key.substr(0, 40) + "..." : key));
        }
        spaces();
        if (i < text.size() && text[i] == ',')
            ++i;
        else if (i < text.size() && text[i] != '}')
            throw bad(fmt::format("has a header that is not an .npy dict (byte {})", i));
    }
    expect('}', "'}'");
    spaces();
    if (i + 1 != text.size() || text[i] != '\n')
        throw bad("has a header that does not end with the dict and a newline");
    if (!seen_descr || !seen_fortran || !seen_shape)
        throw bad("has a header without all of 'descr', 'fortran_order' and 'shape'");
    return h;
}
}  // namespace

std::string npy_bytes(const xt::xarray<float>& array) { return xt::dump_npy(array); }

xt::xarray<float> parse_npy(const std::string& bytes, const std::string& label) {
    auto bad = [&](const std::string& what) { return CheckpointError(fmt::format("{} {}", label, what)); };
    // ---- the magic, the version and the header's length ----
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw bad("is not a .npy array (no NUMPY magic)");
    const int major = static_cast<unsigned char>(bytes[6]), minor = static_cast<unsigned char>(bytes[7]);
    const std::size_t field = major == 1 ? 2 : major == 2 ? 4 : 0;
    if (field == 0 || minor != 0)
        throw bad(fmt::format("has .npy format version {}.{}, which is not supported (1.0 and 2.0 are)", major, minor));
    if (bytes.size() < 8 + field) throw bad("is truncated inside its header");
    std::uint64_t header_len = 0;
    for (std::size_t i = field; i-- > 0;) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
    const std::size_t start = 8 + field;
    if (header_len > bytes.size() - start) throw bad("has a header longer than the member (truncated or corrupt)");
    if (header_len > kMaxNpyHeader)
        throw bad(fmt::format("has a header of {} bytes, more than the {} an .npy header may have here", header_len,
                              kMaxNpyHeader));

    // ---- the header: dtype, order, shape ----
    const NpyHeader h = parse_npy_header(bytes.substr(start, header_len), bad);
    if (h.descr != kFloat32) {
        bool known = false;
        for (const char* d : kKnownDtypes) known = known || h.descr == d;
        if (!known)
            throw bad(
                fmt::format("has a 'descr' of {} characters ('{}{}') that is not a NumPy dtype read here; "
                            "expected float32 ('{}')",
                            h.descr.size(), h.descr.substr(0, 20), h.descr.size() > 20 ? "..." : "", kFloat32));
        throw bad(fmt::format("holds dtype '{}', expected float32 ('{}'); convert it with a.astype(numpy.float32)",
                              h.descr, kFloat32));
    }
    if (h.fortran_order) throw bad("is in Fortran order; save a C-ordered array");
    // The product of the sizes other than 0 is bounded too: xtensor's strides are products of
    // trailing sizes, and an array of 0 elements may still declare absurd ones.
    std::uint64_t nonzero = 1;
    bool empty = false;
    for (std::uint64_t d : h.shape) {
        if (d == 0) {
            empty = true;
            continue;
        }
        if (nonzero > kMaxNpyElements / d)
            throw bad(fmt::format("has a shape of more than {} elements (2^31; corrupt header?)", kMaxNpyElements));
        nonzero *= d;
    }
    const std::uint64_t count = empty ? 0 : nonzero;
    const std::size_t data_start = start + header_len, data_bytes = bytes.size() - data_start;
    if (count > data_bytes / 4) throw bad("has a shape larger than its data (corrupt header)");
    if (count * 4 != data_bytes)
        throw bad(
            fmt::format("has {} bytes of data for a shape of {} floats (truncated or corrupt)", data_bytes, count));

    // ---- the data: little-endian float32, in C order ----
    const std::vector<std::size_t> shape(h.shape.begin(), h.shape.end());
    xt::xarray<float> a = xt::xarray<float>::from_shape(shape);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + data_start;
    for (std::size_t k = 0; k < count; ++k, p += 4) {
        const std::uint32_t bits =
            std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
        std::memcpy(a.data() + k, &bits, sizeof bits);
    }
    return a;
}

}  // namespace io
