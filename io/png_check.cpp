// The walk over a PNG's chunks that read_png_gray does before stb_image sees the file (the list of
// checks is in png_check.hpp). Chunk layout: a 4-byte big-endian length, 4 type letters, `length`
// bytes of data, then the CRC-32 of type and data.
#include "io/png_check.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <zlib.h>

#include "io/image.hpp"

namespace io {

namespace {
constexpr unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

std::uint32_t big_endian32(const std::string& b, std::size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

// Samples per pixel of each colour type (0 gray, 2 RGB, 3 palette index, 4 gray + alpha, 6 RGBA).
int channels_of(int colour_type) {
    switch (colour_type) {
        case 0: return 1;
        case 2: return 3;
        case 3: return 1;
        case 4: return 2;
        case 6: return 4;
        default: return 0;
    }
}

// The bit depths the PNG standard allows with each colour type.
bool depth_allowed(int colour_type, int depth) {
    switch (colour_type) {
        case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
        case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
        case 2:
        case 4:
        case 6: return depth == 8 || depth == 16;
        default: return false;
    }
}

// The filtered rows the image data holds: one group per Adam7 pass (a single group without
// interlacing), each row a filter-type byte then the row's packed samples.
struct RowGroup {
    std::uint64_t width, rows, row_bytes;  // row_bytes counts the filter byte
    int pass;                              // 1 to 7 (Adam7), or 0 without interlacing
};

std::vector<RowGroup> row_groups(const PngHeader& h) {
    const std::uint64_t bits_per_pixel = std::uint64_t(channels_of(h.colour_type)) * std::uint64_t(h.bit_depth);
    auto group = [&](std::uint64_t w, std::uint64_t rows, int pass) {
        return RowGroup{w, rows, 1 + (w * bits_per_pixel + 7) / 8, pass};
    };
    if (!h.interlaced) return {group(h.width, h.height, 0)};
    // Adam7: pass p takes the pixels at (x0 + i dx, y0 + j dy); a pass with no pixels has no rows.
    constexpr int x0[7] = {0, 4, 0, 2, 0, 1, 0}, y0[7] = {0, 0, 4, 0, 2, 0, 1};
    constexpr int dx[7] = {8, 8, 4, 4, 2, 2, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
    std::vector<RowGroup> groups;
    for (int p = 0; p < 7; ++p) {
        const std::uint64_t w = h.width > std::uint32_t(x0[p]) ? (h.width - x0[p] + dx[p] - 1) / dx[p] : 0;
        const std::uint64_t rows = h.height > std::uint32_t(y0[p]) ? (h.height - y0[p] + dy[p] - 1) / dy[p] : 0;
        if (w > 0 && rows > 0) groups.push_back(group(w, rows, p + 1));
    }
    return groups;
}

class Checker {
public:
    Checker(const std::string& path, const std::string& bytes) : path_(path), bytes_(bytes) {}

    PngHeader run() {
        if (bytes_.size() > kMaxPngFileBytes)
            fail(fmt::format("{} bytes, more than the {} a PNG read here may have", bytes_.size(), kMaxPngFileBytes));
        if (bytes_.size() < 8 || std::memcmp(bytes_.data(), kSignature, 8) != 0)
            fail(
                fmt::format("not a PNG file (it starts with {}, a PNG with 89 50 4E 47 0D 0A 1A 0A); only PNG "
                            "pictures are read",
                            leading_bytes()));
        std::size_t at = 8;
        bool seen_header = false, seen_palette = false, seen_end = false, in_data = false, after_data = false;
        std::size_t palette_entries = 0;
        std::string compressed;  // every IDAT's data, in order
        while (at < bytes_.size()) {
            if (seen_end)
                fail(fmt::format("{} bytes after the IEND chunk (IEND must end the file)", bytes_.size() - at));
            if (bytes_.size() - at < 12)
                fail(fmt::format("truncated: {} bytes at byte {}, too few for a chunk (12 at least)",
                                 bytes_.size() - at, at));
            const std::uint32_t length = big_endian32(bytes_, at);
            const std::string type = bytes_.substr(at + 4, 4);
            for (char c : type)
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
                    fail(fmt::format("the chunk at byte {} has type {}, not four ASCII letters (the file is corrupt)",
                                     at, hex(bytes_.substr(at + 4, 4))));
            const std::string where = fmt::format("chunk '{}' at byte {}", type, at);
            if (length > 0x7FFFFFFFu || length > bytes_.size() - at - 12)
                fail(fmt::format("{}: its length {} runs past the end of the file ({} bytes; truncated or corrupt)",
                                 where, length, bytes_.size()));
            const std::uint32_t stored = big_endian32(bytes_, at + 8 + length);
            const auto* type_and_data = reinterpret_cast<const Bytef*>(bytes_.data() + at + 4);
            const auto crc = static_cast<std::uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), type_and_data, 4 + length));
            if (crc != stored)
                fail(
                    fmt::format("{}: CRC 0x{:08X} does not match 0x{:08X}, computed over its bytes (the file is "
                                "corrupt)",
                                where, stored, crc));
            const std::string data = bytes_.substr(at + 8, length);
            if (!seen_header && type != "IHDR") fail(fmt::format("{}: the first chunk must be IHDR", where));
            if (type == "IHDR") {
                if (seen_header) fail(fmt::format("{}: a second IHDR", where));
                header_ = read_header(where, data);
                seen_header = true;
            } else if (type == "PLTE") {
                if (seen_palette) fail(fmt::format("{}: a second PLTE", where));
                if (in_data || after_data) fail(fmt::format("{}: PLTE must come before the image data", where));
                if (header_.colour_type == 0 || header_.colour_type == 4)
                    fail(fmt::format("{}: a gray picture (colour type {}) has no palette", where, header_.colour_type));
                if (length == 0 || length % 3 != 0 || length / 3 > 256)
                    fail(fmt::format("{}: {} bytes, not 1 to 256 RGB entries", where, length));
                if (header_.colour_type == 3 && length / 3 > (std::size_t(1) << header_.bit_depth))
                    fail(fmt::format("{}: {} entries, more than {}-bit indices can reach", where, length / 3,
                                     header_.bit_depth));
                palette_entries = length / 3;
                seen_palette = true;
            } else if (type == "tRNS") {
                if (in_data || after_data) fail(fmt::format("{}: tRNS must come before the image data", where));
                check_transparency(where, length, seen_palette, palette_entries);
            } else if (type == "IDAT") {
                if (after_data) fail(fmt::format("{}: the IDAT chunks must follow each other", where));
                if (header_.colour_type == 3 && !seen_palette)
                    fail(fmt::format("{}: a palette picture needs a PLTE chunk before its data", where));
                in_data = true;
                compressed += data;
            } else if (type == "IEND") {
                if (length != 0) fail(fmt::format("{}: IEND must be empty, it holds {} bytes", where, length));
                seen_end = true;
            } else if (type[0] >= 'A' && type[0] <= 'Z') {  // a critical chunk a decoder must understand
                fail(fmt::format("{}: an unknown critical chunk", where));
            }
            if (type != "IDAT" && in_data) in_data = false, after_data = true;
            at += 12 + std::size_t(length);
        }
        if (!seen_header) fail("truncated: no IHDR chunk after the signature");
        if (!in_data && !after_data) fail("no IDAT chunk: the file holds no image data");
        if (!seen_end) fail("truncated: the file ends without an IEND chunk");
        check_image_data(compressed, palette_entries);
        return header_;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw ImageError(fmt::format("read_png_gray: {}: {}", path_, what));
    }

    static std::string hex(const std::string& s) {
        std::string out;
        for (unsigned char c : s) out += fmt::format("{}{:02X}", out.empty() ? "" : " ", c);
        return out;
    }
    std::string leading_bytes() const {
        if (bytes_.empty()) return "nothing: the file is empty";
        return hex(bytes_.substr(0, 8)) + (looks_like().empty() ? "" : ", " + looks_like());
    }
    // A guess at what the file is instead, for the message.
    std::string looks_like() const {
        auto starts = [&](const char* magic) { return bytes_.compare(0, std::strlen(magic), magic) == 0; };
        if (starts("GIF8")) return "a GIF";
        if (starts("\xFF\xD8\xFF")) return "a JPEG";
        if (starts("BM")) return "a BMP";
        if (bytes_.size() >= 2 && bytes_[0] == 'P' && bytes_[1] >= '1' && bytes_[1] <= '7') return "a PGM/PPM/PNM";
        return "";
    }

    PngHeader read_header(const std::string& where, const std::string& data) const {
        if (data.size() != 13) fail(fmt::format("{}: {} bytes, IHDR has 13", where, data.size()));
        PngHeader h;
        h.width = big_endian32(data, 0), h.height = big_endian32(data, 4);
        h.bit_depth = static_cast<unsigned char>(data[8]), h.colour_type = static_cast<unsigned char>(data[9]);
        const int compression = static_cast<unsigned char>(data[10]), filter = static_cast<unsigned char>(data[11]),
                  interlace = static_cast<unsigned char>(data[12]);
        if (h.width == 0 || h.height == 0 || h.width > kMaxPngSide || h.height > kMaxPngSide)
            fail(fmt::format("{}: a picture of {}x{} pixels; read_png_gray reads 1 to {} pixels on each side", where,
                             h.width, h.height, kMaxPngSide));
        if (channels_of(h.colour_type) == 0)
            fail(fmt::format("{}: colour type {} does not exist (0, 2, 3, 4 and 6 do)", where, h.colour_type));
        if (!depth_allowed(h.colour_type, h.bit_depth))
            fail(fmt::format("{}: bit depth {} is not allowed with colour type {}", where, h.bit_depth, h.colour_type));
        if (compression != 0 || filter != 0)
            fail(fmt::format("{}: compression method {} and filter method {}: only 0 and 0 exist", where, compression,
                             filter));
        if (interlace > 1) fail(fmt::format("{}: interlace method {}: only 0 and 1 exist", where, interlace));
        h.interlaced = interlace == 1;
        return h;
    }

    void check_transparency(const std::string& where, std::uint32_t length, bool seen_palette,
                            std::size_t palette_entries) const {
        switch (header_.colour_type) {
            case 0:
            case 2:
                if (length != (header_.colour_type == 0 ? 2u : 6u))
                    fail(fmt::format("{}: {} bytes for colour type {} (expected {})", where, length,
                                     header_.colour_type, header_.colour_type == 0 ? 2 : 6));
                break;
            case 3:
                if (!seen_palette) fail(fmt::format("{}: tRNS before PLTE", where));
                if (length > palette_entries)
                    fail(fmt::format("{}: {} alpha values for {} palette entries", where, length, palette_entries));
                break;
            default:
                fail(fmt::format("{}: colour type {} has its own alpha channel, tRNS is not allowed", where,
                                 header_.colour_type));
        }
    }

    // Inflates the image data in pieces, without keeping it: it must end exactly where the header's
    // size says, and every row must start with a filter type from 0 to 4.
    void check_image_data(const std::string& compressed, std::size_t palette_entries) const {
        const std::vector<RowGroup> groups = row_groups(header_);
        std::uint64_t expected = 0;
        for (const RowGroup& g : groups) expected += g.rows * g.row_bytes;
        z_stream z{};
        if (inflateInit(&z) != Z_OK) fail("zlib cannot start inflating");
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
        z.avail_in = static_cast<uInt>(compressed.size());  // at most kMaxPngFileBytes
        std::array<unsigned char, 1 << 16> out;
        std::uint64_t produced = 0, next_row = 0;  // where the next filter-type byte is
        std::string indices;  // a palette picture's filtered rows, kept to check its indices (below 67 MB)
        std::size_t group = 0, row = 0;
        int status = Z_OK;
        std::string problem;
        while (status == Z_OK) {
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            status = inflate(&z, Z_NO_FLUSH);
            const std::uint64_t n = out.size() - z.avail_out;
            if (status != Z_OK && status != Z_STREAM_END) {
                problem = status == Z_BUF_ERROR ? "the compressed image data ends early (truncated)"
                          : status == Z_NEED_DICT
                              ? "the compressed image data asks for a preset dictionary, which PNG does not allow"
                              : fmt::format("the compressed image data is corrupt (zlib: {})", z.msg ? z.msg : "error");
                break;
            }
            if (produced + n > expected) {
                problem = fmt::format("the image data inflates to more than the {} bytes a {}x{} picture holds",
                                      expected, header_.width, header_.height);
                break;
            }
            for (; group < groups.size() && next_row < produced + n;) {
                const unsigned filter = out[next_row - produced];
                if (filter > 4) {
                    problem = fmt::format(
                        "row {}{} starts with filter type {} (0 to 4 exist)", row,
                        groups[group].pass ? fmt::format(" of interlace pass {}", groups[group].pass) : "", filter);
                    break;
                }
                next_row += groups[group].row_bytes;
                if (++row == groups[group].rows) row = 0, ++group;
            }
            if (!problem.empty()) break;
            if (header_.colour_type == 3) indices.append(reinterpret_cast<const char*>(out.data()), n);
            produced += n;
            if (status == Z_OK && n == 0 && z.avail_in == 0) {
                problem = "the compressed image data ends early (truncated)";
                break;
            }
        }
        inflateEnd(&z);
        if (!problem.empty()) fail(problem);
        if (produced != expected)
            fail(fmt::format("the image data inflates to {} bytes, a {}x{} picture holds {} (truncated or corrupt)",
                             produced, header_.width, header_.height, expected));
        if (header_.colour_type == 3) check_palette_indices(indices, groups, palette_entries);
    }

    // Every palette index within the palette: stb_image would read an index past it from memory
    // it never set. The rows are unfiltered (PNG's five filters; a palette pixel is at most one
    // byte, so the left neighbour is the previous byte) and each index compared.
    void check_palette_indices(const std::string& raw, const std::vector<RowGroup>& groups, std::size_t entries) const {
        const int depth = header_.bit_depth;
        std::size_t at = 0;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            const std::size_t n = groups[g].row_bytes - 1;
            std::vector<unsigned char> prior(n, 0), row(n, 0);
            for (std::uint64_t r = 0; r < groups[g].rows; ++r, at += n + 1) {
                const unsigned filter = static_cast<unsigned char>(raw[at]);
                for (std::size_t i = 0; i < n; ++i) {
                    const int a = i > 0 ? row[i - 1] : 0, b = prior[i], c = i > 0 ? prior[i - 1] : 0;
                    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
                    const int predictor = filter == 1   ? a
                                          : filter == 2 ? b
                                          : filter == 3 ? (a + b) / 2
                                          : filter == 4 ? (pa <= pb && pa <= pc ? a
                                                           : pb <= pc           ? b
                                                                                : c)
                                                        : 0;
                    row[i] = static_cast<unsigned char>(static_cast<unsigned char>(raw[at + 1 + i]) + predictor);
                }
                for (std::uint64_t x = 0; x < groups[g].width; ++x) {
                    const std::uint64_t bit = x * std::uint64_t(depth);
                    const unsigned index = (row[bit / 8] >> (8 - depth - bit % 8)) & ((1u << depth) - 1);
                    if (index >= entries)
                        fail(fmt::format("row {}{} holds palette index {}, the palette has {} entries", r,
                                         groups[g].pass ? fmt::format(" of interlace pass {}", groups[g].pass) : "",
                                         index, entries));
                }
                std::swap(prior, row);
            }
        }
    }

    const std::string& path_;
    const std::string& bytes_;
    PngHeader header_;
};
}  // namespace

PngHeader check_png(const std::string& path, const std::string& bytes) { return Checker(path, bytes).run(); }

}  // namespace io
