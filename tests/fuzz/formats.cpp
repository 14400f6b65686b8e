// The three formats the readers take, for the fuzzer: seeds, fields, deep mutations, repairs.
#include <map>

#include <fmt/format.h>
#include <zlib.h>
#include <xtensor/xnpy.hpp>

#include "../numpy_files.hpp"
#include "../png_craft.hpp"
#include "../temp_dir.hpp"
#include "fuzz.hpp"
#include "io/checkpoint.hpp"
#include "io/idx.hpp"
#include "io/image.hpp"
#include "io/stb.hpp"  // declarations only: stbi_write_png_to_mem for one seed

namespace fuzz {

namespace {
namespace pc = png_craft;

std::uint32_t be32(const std::string& b, std::size_t at) {
    return (std::uint32_t(static_cast<unsigned char>(b[at])) << 24) |
           (std::uint32_t(static_cast<unsigned char>(b[at + 1])) << 16) |
           (std::uint32_t(static_cast<unsigned char>(b[at + 2])) << 8) |
           std::uint32_t(static_cast<unsigned char>(b[at + 3]));
}
std::uint64_t le(const std::string& b, std::size_t at, int width) {
    std::uint64_t v = 0;
    for (int i = width - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + std::size_t(i)]);
    return v;
}
void put_le(std::string& b, std::size_t at, int width, std::uint64_t v) {
    for (int i = 0; i < width; ++i, v >>= 8) b[at + std::size_t(i)] = static_cast<char>(v & 0xFF);
}
std::string random_bytes(Rng& rng, std::size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng.below(256));
    return s;
}

// ---- PNG ------------------------------------------------------------------------------------------
// A chunk of a PNG held in memory: where it starts, its length, its type.
struct Chunk {
    std::size_t at;
    std::uint32_t length;
    std::string type;
};
// The chunks after the signature, as far as their lengths stay inside the file.
std::vector<Chunk> png_chunks(const std::string& b) {
    std::vector<Chunk> chunks;
    for (std::size_t at = 8; at + 12 <= b.size();) {
        const std::uint32_t length = be32(b, at);
        if (length > b.size() - at - 12) break;
        chunks.push_back({at, length, b.substr(at + 4, 4)});
        at += 12 + std::size_t(length);
    }
    return chunks;
}

// A random picture of the given kind with random filter types: valid whatever its bytes.
std::string random_png(Rng& rng, std::uint32_t w, std::uint32_t h, int depth, int colour, int interlace,
                       bool transparency = false) {
    const int channels = colour == 2 ? 3 : colour == 4 ? 2 : colour == 6 ? 4 : 1;
    const std::uint64_t bpp = std::uint64_t(channels) * std::uint64_t(depth);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> passes;  // (width, rows) of each pass
    if (interlace == 0) {
        passes.push_back({w, h});
    } else {
        const int x0[7] = {0, 4, 0, 2, 0, 1, 0}, y0[7] = {0, 0, 4, 0, 2, 0, 1};
        const int dx[7] = {8, 8, 4, 4, 2, 2, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
        for (int p = 0; p < 7; ++p) {
            const std::uint32_t pw = w > std::uint32_t(x0[p]) ? (w - x0[p] + dx[p] - 1) / dx[p] : 0;
            const std::uint32_t ph = h > std::uint32_t(y0[p]) ? (h - y0[p] + dy[p] - 1) / dy[p] : 0;
            if (pw > 0 && ph > 0) passes.push_back({pw, ph});
        }
    }
    std::string raw;
    for (const auto& [pw, ph] : passes)
        for (std::uint32_t r = 0; r < ph; ++r) {
            raw += static_cast<char>(rng.below(5));
            raw += random_bytes(rng, (pw * bpp + 7) / 8);
        }
    std::vector<std::string> before;
    if (colour == 3) {
        const std::size_t entries = std::size_t(1) << depth;  // every index the random pixels may hold
        before.push_back(pc::chunk("PLTE", random_bytes(rng, 3 * entries)));
        if (transparency) before.push_back(pc::chunk("tRNS", random_bytes(rng, 1 + rng.below(entries))));
    } else if (transparency && (colour == 0 || colour == 2)) {
        before.push_back(pc::chunk("tRNS", random_bytes(rng, colour == 0 ? 2 : 6)));
    }
    before.push_back(pc::chunk("tEXt", std::string("Comment\0fuzz seed", 17)));
    return pc::file(pc::ihdr(w, h, depth, colour, interlace), raw, before);
}

std::vector<std::string> png_seeds() {
    Rng rng(2024);
    std::vector<std::string> seeds;
    // Every colour type at its depths, plain and interlaced, small sizes that leave partial bytes.
    const std::pair<int, std::vector<int>> kinds[] = {
        {0, {1, 2, 4, 8, 16}}, {2, {8, 16}}, {3, {1, 2, 4, 8}}, {4, {8, 16}}, {6, {8, 16}}};
    for (const auto& [colour, depths] : kinds)
        for (int depth : depths)
            seeds.push_back(random_png(rng, 3 + std::uint32_t(rng.below(6)), 2 + std::uint32_t(rng.below(5)), depth,
                                       colour, static_cast<int>(seeds.size() % 3 == 0), seeds.size() % 2 == 0));
    seeds.push_back(random_png(rng, 9, 9, 16, 6, 1));
    seeds.push_back(random_png(rng, 17, 3, 4, 3, 1, true));
    // The image data split over three IDAT chunks.
    {
        const std::string z = pc::deflate(pc::gray8_raw({{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}));
        seeds.push_back(pc::signature() + pc::chunk("IHDR", pc::ihdr(4, 3, 8, 0)) + pc::chunk("IDAT", z.substr(0, 4)) +
                        pc::chunk("IDAT", z.substr(4, 6)) + pc::chunk("IDAT", z.substr(10)) + pc::chunk("IEND", ""));
    }
    // What stb_image_write writes (its own filters and deflate), and what io writes.
    {
        const std::string rgba = random_bytes(rng, 5 * 4 * 4);
        std::string png;
        auto append = [](void* context, void* data, int size) {
            static_cast<std::string*>(context)->append(static_cast<const char*>(data), std::size_t(size));
        };
        stbi_write_png_to_func(append, &png, 5, 4, 4, rgba.data(), 5 * 4);
        seeds.push_back(png);
    }
    {
        TempDir dir;
        io::GridOptions o;
        o.scale = 1;
        o.gap = 1;
        io::save_image_grid(dir / "grid.png", xt::xarray<float>{{0.0f, 0.5f, 1.0f, 0.25f}}, 2, 2, o);
        seeds.push_back(read_bytes(dir / "grid.png"));
    }
    return seeds;
}

std::vector<Field> png_fields(const std::string& b) {
    std::vector<Field> fields;
    for (const Chunk& c : png_chunks(b)) {
        fields.push_back({c.at, 4, true});                 // length
        fields.push_back({c.at + 8 + c.length, 4, true});  // CRC
        if (c.type == "IHDR" && c.length == 13) {
            fields.push_back({c.at + 8, 4, true});                                        // width
            fields.push_back({c.at + 12, 4, true});                                       // height
            for (std::size_t i = 16; i < 21; ++i) fields.push_back({c.at + i, 1, true});  // depth .. interlace
        }
        if (c.type == "IDAT" && c.length >= 2) fields.push_back({c.at + 8, 2, true});  // the zlib header
    }
    return fields;
}

std::string png_repair(const std::string& b) {
    std::string out = b;
    for (const Chunk& c : png_chunks(out)) {
        const auto crc = static_cast<std::uint32_t>(
            crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(out.data() + c.at + 4), 4 + c.length));
        const std::string v = pc::be32(crc);
        out.replace(c.at + 8 + c.length, 4, v);
    }
    return out;
}

// Inflates at most `limit` bytes of a zlib stream; "" when it is not one.
std::string inflate_some(const std::string& z, std::size_t limit) {
    std::string out(limit, '\0');
    uLongf size = limit;
    uLong in = z.size();
    const int status =
        uncompress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(z.data()), &in);
    if (status != Z_OK && status != Z_BUF_ERROR) return "";
    out.resize(size);
    return out;
}

// The pixels behind the compression changed (filter types, samples, length), or the header
// reinterpreted with another kind of the same bits per pixel; checksums recomputed.
std::string png_deep(const std::string& b, Rng& rng) {
    const std::vector<Chunk> chunks = png_chunks(b);
    std::string header, compressed;
    std::vector<std::string> others;  // ancillary and PLTE chunks, whole
    for (const Chunk& c : chunks) {
        if (c.type == "IHDR")
            header = b.substr(c.at + 8, c.length);
        else if (c.type == "IDAT")
            compressed += b.substr(c.at + 8, c.length);
        else if (c.type != "IEND")
            others.push_back(b.substr(c.at, 12 + c.length));
    }
    if (header.size() != 13) return b;
    std::string raw = inflate_some(compressed, 1 << 20);
    switch (rng.below(5)) {
        case 0:  // a filter type or a sample
            if (!raw.empty())
                raw[rng.below(raw.size())] = static_cast<char>(rng.coin() ? rng.below(256) : rng.below(6));
            break;
        case 1:  // fewer or more bytes than the header promises
            if (rng.coin() && !raw.empty())
                raw.resize(rng.below(raw.size()));
            else
                raw += random_bytes(rng, 1 + rng.below(64));
            break;
        case 2: {  // the same bytes read as another kind of pixel (e.g. gray 16 as gray + alpha 8)
            const int kinds[][2] = {{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1},
                                    {3, 2}, {3, 4}, {3, 8}, {4, 8}, {4, 16}, {6, 8}, {6, 16}};
            const auto& k = kinds[rng.below(15)];
            header[9] = static_cast<char>(k[0]), header[8] = static_cast<char>(k[1]);
            if (k[0] == 3 && rng.coin())
                others.insert(others.begin(), pc::chunk("PLTE", random_bytes(rng, 3 * (1 + rng.below(256)))));
            break;
        }
        case 3:  // the size changed a little, or the interlacing toggled
            if (rng.coin())
                header[12] ^= 1;
            else
                header.replace(rng.coin() ? 0 : 4, 4, pc::be32(std::uint32_t(1 + rng.below(40))));
            break;
        default:  // another order of the other chunks, or one dropped
            if (!others.empty()) {
                const std::size_t i = rng.below(others.size());
                if (rng.coin())
                    others.erase(others.begin() + std::ptrdiff_t(i));
                else
                    std::swap(others[i], others[rng.below(others.size())]);
            }
    }
    std::string out = pc::signature() + pc::chunk("IHDR", header);
    for (const std::string& c : others) out += c;
    return out + pc::chunk("IDAT", pc::deflate(raw, static_cast<int>(rng.below(10)))) + pc::chunk("IEND", "");
}

// ---- IDX ------------------------------------------------------------------------------------------
std::string idx_file(const std::vector<std::uint32_t>& shape, Rng& rng) {
    std::string b = {0, 0, 8, static_cast<char>(shape.size())};
    std::size_t n = 1;
    for (std::uint32_t d : shape) b += pc::be32(d), n *= d;
    return b + random_bytes(rng, n);
}

std::vector<std::string> idx_seeds() {
    Rng rng(60000);
    return {idx_file({6}, rng),          idx_file({3, 4, 5}, rng), idx_file({2, 3}, rng),
            idx_file({2, 2, 2, 2}, rng), idx_file({0}, rng),       idx_file({2, 28, 28}, rng)};
}

std::vector<Field> idx_fields(const std::string& b) {
    std::vector<Field> fields = {{0, 1, true}, {1, 1, true}, {2, 1, true}, {3, 1, true}};
    const std::size_t ndim = b.size() > 3 ? static_cast<unsigned char>(b[3]) : 0;
    for (std::size_t d = 0; d < ndim && d < 8; ++d) fields.push_back({4 + 4 * d, 4, true});
    return fields;
}

std::string identity(const std::string& b) { return b; }

// Sizes made up anew: ones that multiply to the data's length, or 0s next to absurd ones.
std::string idx_deep(const std::string& b, Rng& rng) {
    if (b.size() < 4) return b;
    const std::size_t old_ndim = static_cast<unsigned char>(b[3]);
    const std::size_t data_at = std::min(b.size(), 4 + 4 * old_ndim);
    const std::string data = b.substr(data_at);
    const std::size_t ndim = 1 + rng.below(5);
    std::string out = b.substr(0, 3) + static_cast<char>(ndim);
    std::size_t left = data.size();
    for (std::size_t d = 0; d < ndim; ++d) {
        std::uint32_t size;
        switch (rng.below(4)) {
            case 0: size = 0; break;
            case 1: size = 0xFFFFFFFFu - std::uint32_t(rng.below(3)); break;
            case 2: size = std::uint32_t(1) << rng.below(32); break;
            default:  // a divisor of what is left, so that the product can match
                size = 1;
                for (std::uint32_t k = 2; k <= left && k < 64; ++k)
                    if (left % k == 0 && rng.coin()) {
                        size = k;
                        break;
                    }
                if (d + 1 == ndim) size = std::uint32_t(left);
                left = size ? left / size : left;
        }
        out += pc::be32(size);
    }
    return out + data;
}

// ---- .npz -----------------------------------------------------------------------------------------

// An .npy member holding `values` as float32 (or float64) of the given shape.
template <class T>
std::string npy_of(const std::vector<std::size_t>& shape, const std::vector<T>& values) {
    xt::xarray<T> a = xt::xarray<T>::from_shape(shape);
    std::copy(values.begin(), values.end(), a.begin());
    return xt::dump_npy(a);
}

std::vector<std::string> npz_seeds() {
    using F = std::vector<float>;
    return {io::zip_stored({{"a.npy", npy_of<float>({2, 3}, F{1, 2, 3, 4, 5, 6})}}),
            io::zip_stored({{"encoder.0.weight.npy", npy_of<float>({2, 1}, F{0.5f, -1.0f})},
                            {"encoder.0.bias.npy", npy_of<float>({1}, F{7.0f})}}),
            io::zip_stored({{"empty.npy", npy_of<float>({0}, F{})},
                            {"cube.npy", npy_of<float>({2, 1, 2}, F{1, 1, 1, 1})},
                            {"d.npy", npy_of<double>({2}, std::vector<double>{1.0, 2.0})}}),
            numpy_files::from_hex(numpy_files::kNumpyFloat32)};
}

// The zip's structure, as far as it is intact: the end record, the directory entries, the local headers.
struct ZipEntry {
    std::size_t central, local;
    std::uint64_t size;
    std::size_t data;  // where the member's bytes start (when the local header is intact)
};
std::vector<ZipEntry> zip_entries(const std::string& b, std::size_t& end) {
    std::vector<ZipEntry> entries;
    end = std::string::npos;
    if (b.size() < 22) return entries;
    for (std::size_t at = b.size() - 22;; --at) {
        if (le(b, at, 4) == 0x06054b50) {
            end = at;
            break;
        }
        if (at == 0 || b.size() - at > 22 + 0xFFFF) return entries;
    }
    std::size_t at = le(b, end + 16, 4);
    for (std::size_t k = 0, count = le(b, end + 10, 2); k < count; ++k) {
        if (at > b.size() || b.size() - at < 46 || le(b, at, 4) != 0x02014b50) break;
        const std::size_t name = le(b, at + 28, 2), extra = le(b, at + 30, 2), comment = le(b, at + 32, 2);
        ZipEntry e{at, le(b, at + 42, 4), le(b, at + 20, 4), std::string::npos};
        if (e.local < b.size() && b.size() - e.local >= 30 && le(b, e.local, 4) == 0x04034b50)
            e.data = e.local + 30 + le(b, e.local + 26, 2) + le(b, e.local + 28, 2);
        entries.push_back(e);
        at += 46 + name + extra + comment;
    }
    return entries;
}

std::vector<Field> npz_fields(const std::string& b) {
    std::size_t end = 0;
    const std::vector<ZipEntry> entries = zip_entries(b, end);
    std::vector<Field> fields;
    if (end == std::string::npos) return fields;
    for (std::size_t off : {8, 10, 12, 16, 20}) fields.push_back({end + off, off == 12 || off == 16 ? 4 : 2, false});
    for (const ZipEntry& e : entries) {
        for (std::size_t off : {10, 16, 20, 24, 28, 30, 32, 42})
            fields.push_back({e.central + off, (off == 10 || (off >= 28 && off != 42)) ? 2 : 4, false});
        if (e.local + 30 <= b.size())
            for (std::size_t off : {8, 14, 18, 22, 26, 28})
                fields.push_back({e.local + off, off == 8 || off >= 26 ? 2 : 4, false});
        if (e.data != std::string::npos && e.data + 10 <= b.size()) {
            fields.push_back({e.data + 6, 1, false});  // .npy major version
            fields.push_back({e.data + 8, 2, false});  // .npy header length
        }
    }
    return fields;
}

// Each member's CRC-32 recomputed, in its directory entry and its local header.
std::string npz_repair(const std::string& b) {
    std::string out = b;
    std::size_t end = 0;
    for (const ZipEntry& e : zip_entries(out, end)) {
        if (e.data == std::string::npos || e.data > out.size() || e.size > out.size() - e.data) continue;
        const auto crc = static_cast<std::uint32_t>(
            crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(out.data() + e.data), e.size));
        put_le(out, e.central + 16, 4, crc);
        put_le(out, e.local + 14, 4, crc);
    }
    return out;
}

// The .npy header of one member rewritten (a dtype, a shape, a key, the length field), and the
// archive rebuilt around it so that its structure and CRCs hold.
std::string npz_deep(const std::string& b, Rng& rng) {
    std::size_t end = 0;
    std::vector<std::pair<std::string, std::string>> members;
    for (const ZipEntry& e : zip_entries(b, end)) {
        if (e.data == std::string::npos || e.data > b.size() || e.size > b.size() - e.data) return b;
        const std::size_t name_len = le(b, e.central + 28, 2);
        if (e.central + 46 + name_len > b.size()) return b;
        members.emplace_back(b.substr(e.central + 46, name_len), b.substr(e.data, e.size));
    }
    if (members.empty()) return b;
    std::string& npy = members[rng.below(members.size())].second;
    if (npy.size() < 10) return b;
    const std::size_t header_len = std::min<std::size_t>(le(npy, 8, 2), npy.size() - 10);
    std::string header = npy.substr(10, header_len), data = npy.substr(10 + header_len);
    static const char* const kTokens[] = {"'<f4'",
                                          "'<f8'",
                                          "'|u1'",
                                          "'<f4",
                                          "''",
                                          "True",
                                          "False",
                                          "(",
                                          ")",
                                          ",",
                                          "()",
                                          "(0,)",
                                          "(4294967295, 4294967295)",
                                          "(18446744073709551615,)",
                                          "(0, 9223372036854775807, 9223372036854775807)",
                                          "(-1,)",
                                          "'shape'",
                                          "'descr'",
                                          "'fortran_order'",
                                          ":",
                                          "{",
                                          "}",
                                          "\n",
                                          "\\",
                                          "1e9"};
    switch (rng.below(5)) {
        case 0: {  // a token put in at some place
            const char* t = kTokens[rng.below(sizeof kTokens / sizeof *kTokens)];
            header.insert(rng.below(header.size() + 1), t);
            break;
        }
        case 1: {  // a token in place of a stretch
            const std::size_t at = rng.below(header.size() + 1);
            header.replace(at, rng.below(12), kTokens[rng.below(sizeof kTokens / sizeof *kTokens)]);
            break;
        }
        case 2:  // a long 'descr'
            header = "{'descr': '<" + std::string(1 + rng.below(20000), "f4x'"[rng.below(4)]) +
                     "', 'fortran_order': False, 'shape': (2,), }\n";
            break;
        case 3: {  // a shape of extreme sizes
            std::string shape = "(";
            for (std::size_t d = 0, n = rng.below(40); d < n; ++d)
                shape += std::to_string(rng.coin() ? rng.below(5) : rng.next() >> rng.below(64)) + ", ";
            header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + "), }\n";
            break;
        }
        default:  // the data longer or shorter
            if (rng.coin() && !data.empty())
                data.resize(rng.below(data.size()));
            else
                data += random_bytes(rng, 4 * (1 + rng.below(8)));
    }
    std::string lenfield(2, '\0');
    put_le(lenfield, 0, 2, rng.below(8) == 0 ? rng.below(65536) : header.size());
    npy = npy.substr(0, 8) + lenfield + header + data;
    return io::zip_stored(members);
}
}  // namespace

std::vector<Format> formats() {
    return {
        {"png", "io::read_png_gray", png_seeds(), png_fields, png_deep, png_repair,
         [](const std::string& path) { (void)io::read_png_gray(path); },
         [](const std::exception& e) { return dynamic_cast<const io::ImageError*>(&e) != nullptr; }},
        {"idx", "io::read_idx", idx_seeds(), idx_fields, idx_deep, identity,
         [](const std::string& path) { (void)io::read_idx(path); },
         [](const std::exception& e) { return dynamic_cast<const io::DataError*>(&e) != nullptr; }},
        {"npz", "io::load_npz", npz_seeds(), npz_fields, npz_deep, npz_repair,
         [](const std::string& path) { (void)io::load_npz(path); },
         [](const std::exception& e) { return dynamic_cast<const io::CheckpointError*>(&e) != nullptr; }},
    };
}

}  // namespace fuzz
