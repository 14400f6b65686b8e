// libFuzzer entry point for io::read_png_gray (built with clang: ./lab fuzz --libfuzzer). The reader takes a
// path, so each input is written to a file of this process first. io::ImageError is the documented
// outcome of a bad file; any other exception aborts, which libFuzzer reports with the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

#include "io/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/libfuzzer-png-" + std::to_string(::getpid()) + ".bin";
    std::ofstream(path, std::ios::binary | std::ios::trunc)
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
