// fuzz.hpp: deterministic mutation fuzzing of the file readers (read_idx, load_npz).
//
// Each reader is a Format: valid seed files made in the process, the header fields worth setting
// to extremes, a format-aware mutation, a repair that recomputes checksums (so that a mutant gets
// past the CRC checks to the code behind them), the reader itself and the errors it documents.
// Mutant k of a format is a pure function of (format, base seed, k): the first ones are
// systematic (every truncation of every seed, every field set to every extreme), the rest random
// stacks of mutations drawn from a generator seeded by (base seed, k), so any mutant can be
// replayed from its index alone.
//
// A documented error (DataError, CheckpointError) or a successful read is an
// acceptable outcome; any other exception (std::bad_alloc among them), a crash, an abort or a
// sanitizer report is a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace fuzz {

// splitmix64 steps: small, and the same on every platform (std::uniform_int_distribution is not).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) (n > 0; the modulo bias is irrelevant here).
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool coin() { return next() & 1; }

private:
    std::uint64_t state_;
};

// A header field: where it is, how many bytes, which byte order.
struct Field {
    std::size_t offset;
    int width;  // 1, 2, 4 or 8
    bool big_endian;
};

struct Format {
    const char* name;  // "idx", "npz": the reader's name on the command line
    const char* reader;
    std::vector<std::string> seeds;
    std::vector<Field> (*fields)(const std::string& bytes);
    // A mutation only this format knows (e.g. an .npy header rewritten); may leave bytes as they are.
    std::string (*deep)(const std::string& bytes, Rng& rng);
    // Recomputes the checksums of whatever structure is still intact (identity when there are none).
    std::string (*repair)(const std::string& bytes);
    // Reads the file at `path` with the reader, discarding the result.
    void (*read)(const std::string& path);
    // Whether `e` is one of the errors the reader documents.
    bool (*documented)(const std::exception& e);
};

// The two formats, with their seed files made in memory.
std::vector<Format> formats();

// The number of systematic mutants of `f`; indices from there on are random.
std::size_t systematic_count(const Format& f);

// Mutant `index` of format `f` under `base_seed`; `how` is set to a short description.
std::string mutant(const Format& f, std::uint64_t base_seed, std::size_t index, std::string& how);

}  // namespace fuzz
