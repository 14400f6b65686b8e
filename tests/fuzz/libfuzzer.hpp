// libfuzzer.hpp: what the two libFuzzer entry points share (libfuzzer_idx.cpp, ...). The readers
// take a path, so each input is written to a file of this process first; the reader's documented
// error is the outcome of a bad file, and any other exception aborts, which libFuzzer reports with
// the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

namespace fuzz {

// Writes the input to /tmp/libfuzzer-NAME-PID.bin and calls read(path), catching DocumentedError.
template <class DocumentedError, class Read>
int read_as_file(const char* name, const std::uint8_t* data, std::size_t size, Read read) {
    static const std::string path = "/tmp/libfuzzer-" + std::string(name) + "-" + std::to_string(::getpid()) + ".bin";
    std::remove(path.c_str());  // a new file: ext4 flushes a truncated and rewritten one on closing it
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        read(path);
    } catch (const DocumentedError&) {
        // a bad file, reported as documented
    } catch (...) {
        std::abort();  // anything else is a bug
    }
    return 0;
}

}  // namespace fuzz
