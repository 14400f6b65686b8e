// png.cpp: the one file that compiles stb_image_write (and the only one that includes it).
#include "io/png.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "io/atomic_file.hpp"
// The implementation, compiled here once. Included nowhere else: a unity build puts several files
// in one translation unit, and a header shared with another file could bring the declarations in
// first, without the implementation.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace io {

void write_png_rgb(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgb) {
    if (width <= 0 || height <= 0 || rgb.size() != std::size_t(width) * std::size_t(height) * 3)
        throw std::invalid_argument(
            fmt::format("write_png_rgb: {} bytes are not a {}x{} RGB picture", rgb.size(), width, height));
    // Encoded in memory first: stb's own file writer checks none of its writes, and a full disk
    // would leave a truncated PNG where the last good one was.
    std::string png;
    auto append = [](void* context, void* data, int size) {
        static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
    };
    if (!stbi_write_png_to_func(append, &png, width, height, 3, rgb.data(), width * 3))
        throw std::runtime_error(fmt::format("{}: cannot encode the {}x{} PNG", path, width, height));
    write_file_atomically(path, png);
}

}  // namespace io
