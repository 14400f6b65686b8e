// fuzz_readers: feeds mutants of valid files to the file readers and fails on anything but a read
// or a documented error (fuzz.hpp says what counts as a failure).
//
//   fuzz_readers [--count N] [--seed S] [--reader idx|npz] [--out DIR]
//       every systematic mutant, then N random ones (default 2000), for each reader
//   fuzz_readers --minutes M [--seed S] [--reader R] [--out DIR]
//       the systematic mutants, then random ones, the readers taking turns, for M minutes
//   fuzz_readers --reader R --replay INDEX [--seed S] [--out DIR]
//       mutant INDEX alone, written to DIR/replay-R-INDEX.bin first (to replay a failure)
//   fuzz_readers --write-seeds DIR
//       each reader's seed files into DIR/R/ (a corpus for the libFuzzer programs)
//
// Each mutant is written to DIR/current-R.bin and read from there; after a crash that file is the
// input, and the message printed names the reader, the seed and the index to replay it. A mutant
// that fails without crashing is copied to DIR/failure-R-SEED-INDEX.bin. DIR defaults to a fresh
// folder under the system's temporary folder, removed when nothing failed.
// `./lab fuzz` runs it on the sanitizer build; the test suite runs a bounded count.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "../temp_dir.hpp"
#include "fuzz.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

#ifdef FUZZ_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

// A sanitizer report is a failure: UBSan stops at its first one (as ./lab test --sanitize asks),
// and an allocation of more than 512 MB, which no mutant of these small seeds needs, is reported
// as one (the readers must not trust a size field).
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }
extern "C" const char* __asan_default_options() { return "max_allocation_size_mb=512:allocator_may_return_null=0"; }

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// What is being read, for the message after a crash (a fixed buffer: printed from a signal handler).
char g_current[1024] = "";

void print_current() {
    if (g_current[0] == '\0') return;
    const char head[] = "\nfuzz_readers: CRASH while reading ";
    (void)!::write(2, head, sizeof head - 1);
    (void)!::write(2, g_current, std::strlen(g_current));
    (void)!::write(2, "\n", 1);
}

extern "C" void on_fatal_signal(int sig) {
    print_current();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

struct Tally {
    std::size_t inputs = 0, systematic = 0, read = 0, refused = 0, failures = 0;
    double slowest = 0.0;
    std::size_t next_index = 0;
};

// Runs mutant `index` of `f`; false when it failed.
bool run_one(const fuzz::Format& f, std::uint64_t seed, std::size_t index, const std::string& out, Tally& t) {
    std::snprintf(g_current, sizeof g_current, "%s: making mutant %zu of seed %llu", f.reader, index,
                  static_cast<unsigned long long>(seed));
    std::string how;
    const std::string bytes = fuzz::mutant(f, seed, index, how);
    const std::string path = fmt::format("{}/current-{}.bin", out, f.name);
    // A new file each time: ext4 flushes a file that was truncated and rewritten when it is closed,
    // which made each input wait for the disk.
    std::remove(path.c_str());
    write_bytes(path, bytes);
    std::snprintf(g_current, sizeof g_current,
                  "%s (reader %s, seed %llu, index %zu: %s); the input is %s; replay: fuzz_readers --reader %s "
                  "--seed %llu --replay %zu",
                  f.reader, f.name, static_cast<unsigned long long>(seed), index, how.c_str(), path.c_str(), f.name,
                  static_cast<unsigned long long>(seed), index);
    std::string failure;
    const auto start = Clock::now();
    try {
        f.read(path);
        ++t.read;
    } catch (const std::exception& e) {
        if (f.documented(e))
            ++t.refused;
        else
            failure = fmt::format("an undocumented exception ({}): {}", typeid(e).name(), e.what());
    } catch (...) {
        failure = "an exception that is not a std::exception";
    }
    t.slowest = std::max(t.slowest, std::chrono::duration<double>(Clock::now() - start).count());
    ++t.inputs;
    if (failure.empty()) return true;
    ++t.failures;
    const std::string kept = fmt::format("{}/failure-{}-{}-{}.bin", out, f.name, seed, index);
    write_bytes(kept, bytes);
    fmt::print(stderr, "fuzz_readers: FAILURE in {} on mutant {} of seed {} ({}): {}; the input is in {}\n", f.reader,
               index, seed, how, failure, kept);
    return false;
}

[[noreturn]] void usage_error(const std::string& what) {
    fmt::print(stderr,
               "fuzz_readers: {}\nusage: fuzz_readers [--count N | --minutes M] [--seed S] [--reader idx|npz] "
               "[--out DIR]\n       fuzz_readers --reader R --replay INDEX [--seed S]\n       fuzz_readers "
               "--write-seeds DIR\n",
               what);
    std::exit(2);
}

std::uint64_t number(int argc, char** argv, int& i) {
    if (i + 1 >= argc) usage_error(fmt::format("{} needs a number", argv[i]));
    char* end = nullptr;
    const unsigned long long v = std::strtoull(argv[++i], &end, 10);
    if (*end != '\0' || argv[i][0] == '\0' || argv[i][0] == '-')
        usage_error(fmt::format("{} needs a number, not '{}'", argv[i - 1], argv[i]));
    return v;
}
}  // namespace

int main(int argc, char** argv) {
    std::size_t count = 2000;
    double minutes = 0.0;
    std::uint64_t seed = 1;
    std::string only, out, write_seeds;
    long long replay = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--count")
            count = number(argc, argv, i);
        else if (a == "--minutes")
            minutes = static_cast<double>(number(argc, argv, i));
        else if (a == "--seed")
            seed = number(argc, argv, i);
        else if (a == "--replay")
            replay = static_cast<long long>(number(argc, argv, i));
        else if (a == "--reader" && i + 1 < argc)
            only = argv[++i];
        else if (a == "--out" && i + 1 < argc)
            out = argv[++i];
        else if (a == "--write-seeds" && i + 1 < argc)
            write_seeds = argv[++i];
        else
            usage_error(fmt::format("unknown argument '{}'", a));
    }
    std::vector<fuzz::Format> formats;
    for (fuzz::Format& f : fuzz::formats())
        if (only.empty() || only == f.name) formats.push_back(std::move(f));
    if (formats.empty()) usage_error(fmt::format("no reader named '{}' (idx, npz)", only));
    if (replay >= 0 && formats.size() != 1) usage_error("--replay needs --reader");

    if (!write_seeds.empty()) {
        for (const fuzz::Format& f : formats) {
            fs::create_directories(fs::path(write_seeds) / f.name);
            for (std::size_t s = 0; s < f.seeds.size(); ++s)
                write_bytes((fs::path(write_seeds) / f.name / fmt::format("seed-{}", s)).string(), f.seeds[s]);
            fmt::print("fuzz_readers: {} seeds of {} in {}/{}\n", f.seeds.size(), f.name, write_seeds, f.name);
        }
        return 0;
    }

    const bool own_out = out.empty();
    if (own_out) {
        std::string pattern = (fs::temp_directory_path() / "fuzz-readers-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) usage_error("cannot make a temporary folder");
        out = pattern;
    }
    fs::create_directories(out);
#ifdef FUZZ_ASAN
    __sanitizer_set_death_callback(print_current);
#else
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_fatal_signal);
#endif
    std::signal(SIGABRT, on_fatal_signal);

    if (replay >= 0) {
        const fuzz::Format& f = formats[0];
        std::string how;
        write_bytes(fmt::format("{}/replay-{}-{}.bin", out, f.name, replay),
                    fuzz::mutant(f, seed, std::size_t(replay), how));
        fmt::print("fuzz_readers: mutant {} of {} (seed {}): {}\n", replay, f.name, seed, how);
        Tally t;
        const bool ok = run_one(f, seed, std::size_t(replay), out, t);
        fmt::print("fuzz_readers: {}\n",
                   ok ? (t.read ? "it reads" : "it is refused with a documented error") : "it FAILS");
        return ok ? 0 : 1;
    }

    // ---- the systematic mutants, then random ones: a count, or until the time is up ----
    std::vector<Tally> tallies(formats.size());
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(minutes * 60.0));
    for (std::size_t r = 0; r < formats.size(); ++r) {
        const std::size_t n = fuzz::systematic_count(formats[r]);
        for (std::size_t k = 0; k < n; ++k) run_one(formats[r], seed, k, out, tallies[r]);
        tallies[r].systematic = n;
        tallies[r].next_index = n;
    }
    if (minutes > 0) {
        constexpr std::size_t kBatch = 500;  // the readers take turns in batches
        while (Clock::now() < deadline)
            for (std::size_t r = 0; r < formats.size() && Clock::now() < deadline; ++r)
                for (std::size_t k = 0; k < kBatch; ++k)
                    run_one(formats[r], seed, tallies[r].next_index++, out, tallies[r]);
    } else {
        for (std::size_t r = 0; r < formats.size(); ++r)
            for (std::size_t k = 0; k < count; ++k) run_one(formats[r], seed, tallies[r].next_index++, out, tallies[r]);
    }

    std::size_t failures = 0;
    for (std::size_t r = 0; r < formats.size(); ++r) {
        const Tally& t = tallies[r];
        fmt::print(
            "fuzz {} ({}): {} inputs ({} systematic, {} random, seed {}): {} read, {} refused with its "
            "documented error, {} failures; slowest {:.3f} s\n",
            formats[r].name, formats[r].reader, t.inputs, t.systematic, t.inputs - t.systematic, seed, t.read,
            t.refused, t.failures, t.slowest);
        failures += t.failures;
    }
    if (failures == 0 && own_out)
        fs::remove_all(out);
    else if (failures > 0)
        fmt::print("fuzz_readers: {} failures; their inputs are in {}\n", failures, out);
    return failures == 0 ? 0 : 1;
}
