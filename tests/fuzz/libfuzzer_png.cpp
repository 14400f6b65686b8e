// libFuzzer entry point for io::read_png_gray (built with clang: ./lab fuzz --libfuzzer);
// io::ImageError is the documented outcome of a bad file (libfuzzer.hpp). A mutant's chunk CRCs
// are recomputed half of the time (LLVMFuzzerCustomMutator): libFuzzer alone almost never gets a
// changed chunk past its CRC to the decoder behind it.
#include <cstddef>
#include <cstdint>

#include <zlib.h>

#include "io/image.hpp"
#include "libfuzzer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::read_as_file<io::ImageError>(
        "png", data, size, [](const std::string& path) { (void)io::read_png_gray(path); });
}

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
    size = LLVMFuzzerMutate(data, size, max_size);
    if (seed % 2 == 0) return size;
    // Each chunk whose length stays inside the input gets the CRC of its type and data.
    for (std::size_t at = 8; at + 12 <= size;) {
        const std::uint32_t length = (std::uint32_t(data[at]) << 24) | (std::uint32_t(data[at + 1]) << 16) |
                                     (std::uint32_t(data[at + 2]) << 8) | std::uint32_t(data[at + 3]);
        if (length > size - at - 12) break;
        const auto crc = static_cast<std::uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), data + at + 4, 4 + length));
        for (int i = 0; i < 4; ++i)
            data[at + 8 + length + std::size_t(i)] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
        at += 12 + std::size_t(length);
    }
    return size;
}
