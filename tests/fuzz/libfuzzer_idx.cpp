// libFuzzer entry point for io::read_idx (built with clang: ./lab fuzz --libfuzzer). The reader takes a
// path, so each input is written to a file of this process first. io::DataError is the documented
// outcome of a bad file; any other exception aborts, which libFuzzer reports with the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

#include "io/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/libfuzzer-idx-" + std::to_string(::getpid()) + ".bin";
    std::remove(path.c_str());  // a new file: ext4 flushes a truncated and rewritten one on closing it
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        (void)io::read_idx(path);
    } catch (const io::DataError&) {
        // a bad file, reported as documented
    } catch (...) {
        std::abort();  // anything else is a bug
    }
    return 0;
}
