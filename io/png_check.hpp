// png_check.hpp (internal to io/): checks a PNG file's structure before stb_image decodes it.
//
// stb_image trusts what a file says about itself: a corrupt chunk length or an absurd size in the
// header makes it read out of bounds or ask for gigabytes. So read_png_gray first walks the file
// here, with nothing but bounds-checked reads and zlib:
//   - the 8-byte signature, and a file of at most kMaxPngFileBytes;
//   - IHDR first: width and height from 1 to kMaxPngSide (8192) each, a valid pair of bit depth
//     and colour type, compression, filter and interlace methods that exist;
//   - every chunk: its length within the file, its type four ASCII letters, its CRC-32 (zlib's
//     crc32, the PNG polynomial) matching; no unknown critical chunk; PLTE and tRNS where the
//     colour type allows them, before the image data;
//   - IDAT present, its chunks consecutive, and their zlib stream inflating (Adler-32 checked) to
//     exactly the bytes the header's size promises, each row starting with a filter type 0 to 4;
//   - IEND last, empty, with nothing after it.
// Every failure is an ImageError naming the file and what is wrong.
#pragma once

#include <cstdint>
#include <string>

namespace io {

// The largest width and height read_png_gray accepts, in pixels (a 64-megapixel picture at most;
// a phone's photo is about 4000 x 3000).
constexpr std::uint32_t kMaxPngSide = 8192;
// The largest PNG file read_png_gray accepts: 1 GiB, above any compressed picture of that size.
constexpr std::uint64_t kMaxPngFileBytes = std::uint64_t(1) << 30;

// What IHDR says, once checked.
struct PngHeader {
    std::uint32_t width = 0, height = 0;
    int bit_depth = 0, colour_type = 0;
    bool interlaced = false;
};

// Checks `bytes`, the whole content of the file `path`; throws an ImageError naming the file and
// the first thing wrong, or returns the header of a file stb_image can decode safely.
PngHeader check_png(const std::string& path, const std::string& bytes);

}  // namespace io
