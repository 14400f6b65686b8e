// libFuzzer entry point for io::load_npz (built with clang: ./lab fuzz --libfuzzer);
// io::CheckpointError is the documented outcome of a bad file (libfuzzer.hpp).
#include <cstddef>
#include <cstdint>

#include "io/npz.hpp"
#include "libfuzzer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::read_as_file<io::CheckpointError>("npz", data, size,
                                                   [](const std::string& path) { (void)io::load_npz(path); });
}
