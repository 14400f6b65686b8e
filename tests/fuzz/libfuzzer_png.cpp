// libFuzzer entry point for io::read_png_gray (built with clang: ./lab fuzz --libfuzzer). The
// reader takes a path, so each input is written to a file of this process first. io::ImageError is
// the documented outcome of a bad file; any other exception aborts, which libFuzzer reports with
// the input. A mutant's chunk CRCs are recomputed half of the time (LLVMFuzzerCustomMutator):
// libFuzzer alone almost never gets a changed chunk past its CRC to the decoder behind it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>
#include <zlib.h>

#include "io/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/libfuzzer-png-" + std::to_string(::getpid()) + ".bin";
    std::remove(path.c_str());  // a new file: ext4 flushes a truncated and rewritten one on closing it
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        (void)io::read_png_gray(path);
    } catch (const io::ImageError&) {
        // a bad file, reported as documented
    } catch (...) {
        std::abort();  // anything else is a bug
    }
    return 0;
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
