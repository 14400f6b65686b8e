// png.hpp: an 8-bit RGB picture written as a PNG file, encoded by stb_image_write (Debian's
// libstb-dev) and written atomically (io/atomic_file.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace io {

// Writes `rgb` (height rows of width pixels, 3 bytes each, top row first) to `path` as a PNG. A
// failed write is an io::WriteError naming the path and the system's reason, and the file that
// was there stays.
void write_png_rgb(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgb);

}  // namespace io
