// The two formats the readers take, for the fuzzer: seeds, fields, deep mutations, repairs.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <zlib.h>
#include <xtensor/xnpy.hpp>

#include "../numpy_files.hpp"
#include "fuzz.hpp"
#include "io/idx.hpp"
#include "io/npz.hpp"
#include "io/zip.hpp"

namespace fuzz {

namespace {
std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
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

// ---- IDX ------------------------------------------------------------------------------------------
std::string idx_file(const std::vector<std::uint32_t>& shape, Rng& rng) {
    std::string b = {0, 0, 8, static_cast<char>(shape.size())};
    std::size_t n = 1;
    for (std::uint32_t d : shape) b += be32(d), n *= d;
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
        out += be32(size);
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
        {"idx", "io::read_idx", idx_seeds(), idx_fields, idx_deep, identity,
         [](const std::string& path) { (void)io::read_idx(path); },
         [](const std::exception& e) { return dynamic_cast<const io::DataError*>(&e) != nullptr; }},
        {"npz", "io::load_npz", npz_seeds(), npz_fields, npz_deep, npz_repair,
         [](const std::string& path) { (void)io::load_npz(path); },
         [](const std::exception& e) { return dynamic_cast<const io::CheckpointError*>(&e) != nullptr; }},
    };
}

}  // namespace fuzz
