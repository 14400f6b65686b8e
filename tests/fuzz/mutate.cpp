// The mutations every format shares, and the numbering of mutants (fuzz.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "fuzz.hpp"

namespace fuzz {

namespace {
// The values a field is set to: the edges of its range, and its own value plus and minus one.
constexpr int kExtremes = 8;
std::uint64_t extreme(int k, int width, std::uint64_t original) {
    const std::uint64_t max = width == 8 ? ~std::uint64_t(0) : (std::uint64_t(1) << (8 * width)) - 1;
    switch (k) {
        case 0: return 0;
        case 1: return 1;
        case 2: return max >> 1;        // 0x7f..ff
        case 3: return (max >> 1) + 1;  // 0x80..00
        case 4: return max;             // 0xff..ff
        case 5: return max - 1;
        case 6: return (original + 1) & max;
        default: return (original - 1) & max;
    }
}

std::uint64_t get_field(const std::string& b, const Field& f) {
    std::uint64_t v = 0;
    for (int i = 0; i < f.width; ++i) {
        const std::size_t at = f.offset + std::size_t(f.big_endian ? i : f.width - 1 - i);
        v = (v << 8) | static_cast<unsigned char>(b[at]);
    }
    return v;
}

// Sets field f of b to v; a field past the end leaves b as it is.
void set_field(std::string& b, const Field& f, std::uint64_t v) {
    if (f.offset + std::size_t(f.width) > b.size()) return;
    for (int i = 0; i < f.width; ++i) {
        const std::size_t at = f.offset + std::size_t(f.big_endian ? f.width - 1 - i : i);
        b[at] = static_cast<char>(v & 0xFF);
        v >>= 8;
    }
}

constexpr unsigned char kInteresting[] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x10, 0x20, 0x40, '0', '9', '\''};

// One random mutation of b, described in `how`.
void mutate_once(const Format& f, std::string& b, Rng& rng, std::string& how) {
    const std::size_t n = b.size();
    switch (rng.below(10)) {
        case 0: {  // flip 1 to 8 bits
            const std::size_t flips = 1 + rng.below(8);
            for (std::size_t i = 0; i < flips && n > 0; ++i) b[rng.below(n)] ^= static_cast<char>(1 << rng.below(8));
            how += fmt::format(" flip{}", flips);
            break;
        }
        case 1: {  // 1 to 4 random bytes
            const std::size_t k = 1 + rng.below(4);
            for (std::size_t i = 0; i < k && n > 0; ++i) b[rng.below(n)] = static_cast<char>(rng.below(256));
            how += " random-bytes";
            break;
        }
        case 2:  // an interesting byte value
            if (n > 0) b[rng.below(n)] = static_cast<char>(kInteresting[rng.below(sizeof kInteresting)]);
            how += " interesting-byte";
            break;
        case 3: {  // a header field set to an extreme
            const std::vector<Field> fields = f.fields(b);
            if (fields.empty()) break;
            const Field& field = fields[rng.below(fields.size())];
            if (field.offset + std::size_t(field.width) > n) break;
            const int k = static_cast<int>(rng.below(kExtremes + 1));
            set_field(b, field,
                      k < kExtremes ? extreme(k, field.width, get_field(b, field)) : rng.next());  // or any value
            how += fmt::format(" field@{}", field.offset);
            break;
        }
        case 4: {  // insert 1 to 16 random bytes
            const std::size_t k = 1 + rng.below(16);
            std::string ins(k, '\0');
            for (char& c : ins) c = static_cast<char>(rng.below(256));
            b.insert(rng.below(n + 1), ins);
            how += " insert";
            break;
        }
        case 5:  // delete a block of 1 to 16 bytes
            if (n > 0) {
                const std::size_t at = rng.below(n);
                b.erase(at, 1 + rng.below(16));
            }
            how += " delete";
            break;
        case 6:  // a copy of a block inserted elsewhere (a chunk or member twice)
            if (n > 0) {
                const std::size_t at = rng.below(n), len = 1 + rng.below(std::min<std::size_t>(n - at, 64));
                b.insert(rng.below(n + 1), b.substr(at, len));
            }
            how += " duplicate";
            break;
        case 7:  // truncate
            b.resize(rng.below(n + 1));
            how += " truncate";
            break;
        case 8:  // what only this format knows
            b = f.deep(b, rng);
            how += " deep";
            break;
        default:  // a block overwritten by another part of the file
            if (n > 1) {
                const std::size_t from = rng.below(n), to = rng.below(n);
                const std::size_t len = 1 + rng.below(std::min<std::size_t>({n - from, n - to, 32}));
                b.replace(to, len, b.substr(from, len));
            }
            how += " overwrite";
            break;
    }
}

std::size_t systematic_of_seed(const Format& f, const std::string& seed) {
    return seed.size() + 2 * kExtremes * f.fields(seed).size();
}
}  // namespace

std::size_t systematic_count(const Format& f) {
    std::size_t total = 0;
    for (const std::string& s : f.seeds) total += systematic_of_seed(f, s);
    return total;
}

std::string mutant(const Format& f, std::uint64_t base_seed, std::size_t index, std::string& how) {
    // ---- systematic: each seed's truncations, then each field at each extreme, raw and repaired ----
    std::size_t k = index;
    for (std::size_t s = 0; s < f.seeds.size(); ++s) {
        const std::string& seed = f.seeds[s];
        const std::size_t count = systematic_of_seed(f, seed);
        if (k >= count) {
            k -= count;
            continue;
        }
        if (k < seed.size()) {
            how = fmt::format("seed {} truncated to {} of {} bytes", s, k, seed.size());
            return seed.substr(0, k);
        }
        k -= seed.size();
        const std::vector<Field> fields = f.fields(seed);
        const Field& field = fields[k / (2 * kExtremes)];
        const int e = static_cast<int>(k % (2 * kExtremes));
        std::string b = seed;
        const std::uint64_t v = extreme(e % kExtremes, field.width, get_field(b, field));
        set_field(b, field, v);
        const bool repaired = e >= kExtremes;
        how = fmt::format("seed {} field at byte {} ({} bytes) set to 0x{:x}{}", s, field.offset, field.width, v,
                          repaired ? ", checksums repaired" : "");
        return repaired ? f.repair(b) : b;
    }
    // ---- random: 1 to 3 stacked mutations of a seed, checksums repaired half of the time ----
    Rng rng(base_seed ^ (0xD1B54A32D192ED03ull * (index + 1)));
    const std::size_t s = rng.below(f.seeds.size());
    std::string b = f.seeds[s];
    how = fmt::format("seed {}:", s);
    const std::size_t steps = 1 + rng.below(3);
    for (std::size_t i = 0; i < steps; ++i) mutate_once(f, b, rng, how);
    if (rng.coin()) {
        b = f.repair(b);
        how += " +repair";
    }
    return b;
}

}  // namespace fuzz
