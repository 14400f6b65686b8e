// libFuzzer entry point for io::read_idx (built with clang: ./lab fuzz --libfuzzer); io::DataError is the
// documented outcome of a bad file (libfuzzer.hpp).
#include <cstddef>
#include <cstdint>

#include "io/idx.hpp"
#include "libfuzzer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::read_as_file<io::DataError>("idx", data, size,
                                             [](const std::string& path) { (void)io::read_idx(path); });
}
