// Reading checks the header against the file's size before allocating or reading anything, so
// that a corrupt or hostile file gives a DataError that says what is wrong, and never a huge
// allocation, a crash or a read past the end.
#include "io/idx.hpp"

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "io/atomic_file.hpp"
#include "io/regular_file.hpp"

namespace io {

namespace {
constexpr unsigned char kUnsignedByte = 0x08;
constexpr std::size_t kMaxDims = 4;
// The most elements (bytes) an IDX file read here may hold: 2 GiB, 45 times MNIST's training images.
constexpr std::uint64_t kMaxElements = std::uint64_t(1) << 31;

// The name of an IDX type byte, for error messages.
const char* type_name(unsigned char type) {
    switch (type) {
        case 0x08: return "unsigned byte";
        case 0x09: return "signed byte";
        case 0x0B: return "int16";
        case 0x0C: return "int32";
        case 0x0D: return "float32";
        case 0x0E: return "float64";
        default: return "not an IDX type";
    }
}

std::uint32_t big_endian32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

// The size of `path` in bytes; a DataError when it is missing or not a regular file (a folder,
// a FIFO, a device, a symbolic link loop).
std::uint64_t file_size_of(const std::string& path) {
    const std::string what = not_a_regular_file(path);
    if (!what.empty()) throw DataError(fmt::format("{}: {}", path, what));
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) throw DataError(fmt::format("{}: cannot read the file size: {}", path, ec.message()));
    return size;
}

// Reads exactly n bytes or throws: the file may have changed since its size was taken.
void read_exactly(std::ifstream& in, const std::string& path, char* out, std::uint64_t n) {
    in.read(out, static_cast<std::streamsize>(n));
    if (static_cast<std::uint64_t>(in.gcount()) != n)
        throw DataError(
            fmt::format("{}: read {} of {} bytes (did the file change while being read?)", path, in.gcount(), n));
}
}  // namespace

xt::xarray<std::uint8_t> read_idx(const std::string& path) {
    const std::uint64_t file_size = file_size_of(path);
    if (file_size == 0) throw DataError(fmt::format("{}: empty file (0 bytes), not an IDX file", path));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(fmt::format("{}: cannot open the file", path));

    // ---- the four fixed bytes: magic, type, number of dimensions ----
    if (file_size < 4)
        throw DataError(fmt::format("{}: truncated: {} bytes, shorter than the 4-byte IDX header", path, file_size));
    unsigned char head[4];
    read_exactly(in, path, reinterpret_cast<char*>(head), 4);
    if (head[0] != 0 || head[1] != 0)
        throw DataError(
            fmt::format("{}: bad magic: the file starts with 0x{:02X} 0x{:02X}, an IDX file with 0x00 0x00 "
                        "(is it still gzipped?)",
                        path, head[0], head[1]));
    if (head[2] != kUnsignedByte)
        throw DataError(fmt::format("{}: unsupported type byte 0x{:02X} ({}): only 0x08 (unsigned byte) is supported",
                                    path, head[2], type_name(head[2])));
    const std::size_t ndim = head[3];
    if (ndim < 1 || ndim > kMaxDims)
        throw DataError(fmt::format("{}: {} dimensions: expected 1 to {}", path, ndim, kMaxDims));

    // ---- the sizes, and the data size they promise ----
    const std::uint64_t header_size = 4 + 4 * ndim;
    if (file_size < header_size)
        throw DataError(
            fmt::format("{}: truncated: the header promises {} dimension sizes ({} header bytes), "
                        "the file holds {} bytes",
                        path, ndim, header_size, file_size));
    unsigned char size_bytes[4 * kMaxDims];
    read_exactly(in, path, reinterpret_cast<char*>(size_bytes), 4 * ndim);
    // Bounded before anything else: xtensor computes strides as products of the trailing sizes in
    // signed integers, so even a file of 0 elements, e.g. sizes (0, 2^32-1, 2^32-1, 2^32-1), must
    // not reach it with sizes whose product is absurd. The product of the sizes other than 0 is at
    // most kMaxElements; then the data they promise must be exactly what the file holds.
    std::vector<std::size_t> shape(ndim);
    std::uint64_t nonzero_product = 1;
    bool empty = false, too_large = false;
    for (std::size_t d = 0; d < ndim; ++d) {
        shape[d] = big_endian32(size_bytes + 4 * d);
        if (shape[d] == 0) {
            empty = true;
            continue;
        }
        // Both factors are below 2^32 here, so the product cannot wrap before it is compared.
        nonzero_product *= shape[d];
        if (nonzero_product > kMaxElements) too_large = true, nonzero_product = kMaxElements + 1;
    }
    if (too_large)
        throw DataError(
            fmt::format("{}: the header's sizes {} describe more than {} elements (2^31), the most an IDX "
                        "file read here may hold (corrupt header?)",
                        path, fmt::join(shape, " x "), kMaxElements));
    const std::uint64_t promised = empty ? 0 : nonzero_product, held = file_size - header_size;
    if (held < promised)
        throw DataError(fmt::format("{}: truncated: the header promises {} bytes of data, the file holds {} (sizes {})",
                                    path, promised, held, fmt::join(shape, " x ")));
    if (held > promised)
        throw DataError(
            fmt::format("{}: trailing bytes: the header promises {} bytes of data, the file holds {} "
                        "({} too many; sizes {})",
                        path, promised, held, held - promised, fmt::join(shape, " x ")));

    // ---- the data: sizes and file agree, so this allocates no more than the file holds ----
    xt::xarray<std::uint8_t> a = xt::xarray<std::uint8_t>::from_shape(shape);
    read_exactly(in, path, reinterpret_cast<char*>(a.data()), promised);
    return a;
}

void write_idx(const std::string& path, const xt::xarray<std::uint8_t>& a) {
    if (a.dimension() < 1 || a.dimension() > kMaxDims)
        throw DataError(
            fmt::format("{}: cannot write {} dimensions: IDX files here have 1 to {}", path, a.dimension(), kMaxDims));
    std::string header = {0, 0, static_cast<char>(kUnsignedByte), static_cast<char>(a.dimension())};
    for (std::size_t n : a.shape()) {
        if (n > std::numeric_limits<std::uint32_t>::max())
            throw DataError(fmt::format("{}: cannot write a dimension of size {}: IDX sizes are 32-bit", path, n));
        for (int shift = 24; shift >= 0; shift -= 8) header += static_cast<char>((n >> shift) & 0xFF);
    }
    std::string bytes = std::move(header);
    bytes.append(reinterpret_cast<const char*>(a.data()), a.size());
    write_file_atomically(path, bytes);
}

}  // namespace io
