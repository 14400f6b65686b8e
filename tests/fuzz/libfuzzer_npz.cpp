// libFuzzer entry point for io::load_npz (built with clang: ./lab fuzz --libfuzzer). The reader takes a
// path, so each input is written to a file of this process first. io::CheckpointError is the documented
// outcome of a bad file; any other exception aborts, which libFuzzer reports with the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

#include "io/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/libfuzzer-npz-" + std::to_string(::getpid()) + ".bin";
    std::remove(path.c_str());  // a new file: ext4 flushes a truncated and rewritten one on closing it
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        (void)io::load_npz(path);
    } catch (const io::CheckpointError&) {
        // a bad file, reported as documented
    } catch (...) {
        std::abort();  // anything else is a bug
    }
    return 0;
}
