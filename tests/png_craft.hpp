// png_craft.hpp: PNG files built byte by byte for the tests, so that they can hold what io's writer
// never writes (16-bit samples, palettes, interlacing) and what no writer should (bad CRCs, absurd
// sizes, extra chunks).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <zlib.h>

namespace png_craft {

inline std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// One chunk: length, type, data, and the CRC-32 of type and data (unless `crc` is given).
inline std::string chunk(const std::string& type, const std::string& data) {
    const std::string td = type + data;
    const auto crc = static_cast<std::uint32_t>(
        crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(td.data()), td.size()));
    return be32(static_cast<std::uint32_t>(data.size())) + td + be32(crc);
}

inline const std::string& signature() {
    static const std::string s("\x89PNG\r\n\x1a\n", 8);
    return s;
}

// IHDR's 13 bytes.
inline std::string ihdr(std::uint32_t width, std::uint32_t height, int depth, int colour, int interlace = 0) {
    return be32(width) + be32(height) + static_cast<char>(depth) + static_cast<char>(colour) + '\0' + '\0' +
           static_cast<char>(interlace);
}

// zlib's compression of `raw` (the filtered rows).
inline std::string deflate(const std::string& raw, int level = 6) {
    uLongf size = compressBound(raw.size());
    std::string out(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()), raw.size(),
                  level) != Z_OK)
        throw std::runtime_error("png_craft: compress2 failed");
    out.resize(size);
    return out;
}

// A whole file: signature, IHDR, the chunks in `before_data` (PLTE, tRNS, ...), one IDAT holding
// `raw` compressed, IEND.
inline std::string file(const std::string& header, const std::string& raw,
                        const std::vector<std::string>& before_data = {}) {
    std::string out = signature() + chunk("IHDR", header);
    for (const std::string& c : before_data) out += c;
    return out + chunk("IDAT", deflate(raw)) + chunk("IEND", "");
}

// Rows of 8-bit gray pixels (filter type 0 before each row): rows[r][c] is the pixel.
inline std::string gray8_raw(const std::vector<std::vector<unsigned char>>& rows) {
    std::string raw;
    for (const auto& row : rows) {
        raw += '\0';
        raw.append(row.begin(), row.end());
    }
    return raw;
}

}  // namespace png_craft
