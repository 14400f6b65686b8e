#include "lecture.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "autograd/anomaly.hpp"
#include "autograd/blas_kernels.hpp"
#include "io/atomic_file.hpp"

namespace lecture {

namespace {
// Says once, on stderr, when OpenBLAS runs kernels slower than this CPU allows
// (autograd/blas_kernels.hpp). `./lab run` sets OPENBLAS_CORETYPE itself; a program started
// directly does not.
void check_blas_kernels() {
    const std::string better = autograd::better_openblas_core();
    if (better.empty()) return;
    fmt::print(stderr,
               "note: OpenBLAS took this CPU for a {} and runs kernels without AVX2; ./lab run sets "
               "OPENBLAS_CORETYPE for you, or export OPENBLAS_CORETYPE={} for 4-5 times faster products\n",
               autograd::openblas_core(), better);
}

// The usage text, for --help and after a bad flag.
std::string usage(const std::string& name, const std::string& description) {
    return fmt::format(
        "usage: {} [--quick] [--seed N] [--out DIR] [--detect-anomaly]\n  {}\n\n"
        "  --quick           a smaller run (the test suite's)\n"
        "  --seed N          the seed of every random number (the default gives the numbers in the comments)\n"
        "  --out DIR         where the figures go (default out/{})\n"
        "  --detect-anomaly  stop at the first op (or backward) that makes a NaN or Inf, and name it (slower)\n",
        name, description, name);
}

[[noreturn]] void usage_error(const std::string& name, const std::string& description, const std::string& problem) {
    fmt::print(stderr, "{}: {}\n\n{}", name, problem, usage(name, description));
    std::exit(2);
}
}  // namespace

Options parse_args(int argc, char** argv, const std::string& name, std::uint64_t default_seed,
                   const std::string& description) {
    check_blas_kernels();
    Options options;
    options.seed = default_seed;
    options.out_dir = "out/" + name;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--quick") {
            options.quick = true;
        } else if (arg == "--seed") {
            if (!has_value) usage_error(name, description, "--seed needs a number");
            const std::string value = argv[++i];
            std::size_t used = 0;
            try {
                options.seed = std::stoull(value, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != value.size() || value.empty() || value[0] == '-')
                usage_error(name, description, fmt::format("--seed takes a non-negative integer, not '{}'", value));
        } else if (arg == "--out") {
            if (!has_value) usage_error(name, description, "--out needs a folder");
            options.out_dir = argv[++i];
        } else if (arg == "--detect-anomaly") {
            options.detect_anomaly = true;
        } else if (arg == "--help" || arg == "-h") {
            fmt::print("{}", usage(name, description));
            std::exit(0);
        } else {
            usage_error(name, description, fmt::format("unknown argument '{}'", arg));
        }
    }
    if (options.detect_anomaly) {
        autograd::set_detect_anomaly(true);
        fmt::print("anomaly detection on: every op and every backward checks for NaN and Inf (slower)\n");
    }
    return options;
}

std::string make_out_dir(const Options& options) {
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    if (ec)
        throw std::runtime_error(
            fmt::format("cannot create the output folder '{}': {}", options.out_dir, ec.message()));
    return options.out_dir;
}

void section(const std::string& title) { fmt::print("\n---- {} ----\n", title); }

int fail(const std::string& name, const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "\n{}: error: {}\n", name, e.what());
    // A figure that could not be written: the one a student may open is an earlier run's, if any.
    if (const auto* w = dynamic_cast<const io::WriteError*>(&e))
        fmt::print(stderr, "{}: {} was not written; a file of that name is from an earlier run\n", name, w->path());
    return 2;
}

void quick_scope(const Options& options, const std::string& what) {
    if (options.quick) fmt::print("\n--quick: {}\n", what);
}

int verdict(const std::string& claim, bool holds, const std::string& figure) {
    fmt::print("\nVERDICT: {} : {} ({})\n", claim, holds ? "HOLDS" : "FAILS", figure);
    return holds ? 0 : 1;
}

}  // namespace lecture
