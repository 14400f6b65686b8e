#include "lecture.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include "autograd/anomaly.hpp"
#include "autograd/blas_kernels.hpp"
#include "autograd/shape.hpp"
#include "io/atomic_file.hpp"
#include "io/mnist.hpp"
#include "page.hpp"

// The project's version (`git describe --always --dirty` when the build was made) and the build's
// settings: version.cpp.in.
extern const char* const project_version;
extern const char* const build_settings;

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
std::string usage(const std::string& name, const std::string& description, std::uint64_t default_seed) {
    return fmt::format(
        "usage: {} [--quick] [--seed N] [--out DIR] [--retrain] [--detect-anomaly]\n  {}\n\n"
        "  --quick           a smaller run (the test suite's)\n"
        "  --seed N          the seed of every random number (default {}: the numbers in the comments)\n"
        "  --out DIR         where the figures go (default out/{})\n"
        "  --retrain         train again where the lecture would reuse the models an earlier run trained\n"
        "  --detect-anomaly  stop at the first op (or backward) that makes a NaN or Inf, and name it (slower)\n",
        name, description, default_seed, name);
}

[[noreturn]] void usage_error(const std::string& name, const std::string& description, std::uint64_t default_seed,
                              const std::string& problem) {
    fmt::print(stderr, "{}: {}\n\n{}", name, problem, usage(name, description, default_seed));
    std::exit(2);
}
}  // namespace

Options parse_args(int argc, char** argv, const std::string& name, std::uint64_t default_seed,
                   const std::string& description, const char* source_file) {
    check_blas_kernels();
    Options options;
    options.name = name;
    options.seed = default_seed;
    options.out_dir = "out/" + name;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--quick") {
            options.quick = true;
        } else if (arg == "--seed") {
            if (!has_value) usage_error(name, description, default_seed, "--seed needs a number");
            const std::string value = argv[++i];
            std::size_t used = 0;
            try {
                options.seed = std::stoull(value, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != value.size() || value.empty() || value[0] == '-')
                usage_error(name, description, default_seed,
                            fmt::format("--seed takes a non-negative integer, not '{}'", value));
        } else if (arg == "--out") {
            if (!has_value) usage_error(name, description, default_seed, "--out needs a folder");
            const std::string value = argv[++i];
            // "--out --quick" is a forgotten folder, not a folder named "--quick" (./--quick names one).
            if (value.empty() || value.rfind("--", 0) == 0)
                usage_error(name, description, default_seed,
                            fmt::format("--out needs a folder, not '{}' (a folder whose name starts with -- is "
                                        "given as ./{})",
                                        value, value));
            options.out_dir = value;
        } else if (arg == "--retrain") {
            options.retrain = true;
        } else if (arg == "--detect-anomaly") {
            options.detect_anomaly = true;
        } else if (arg == "--help" || arg == "-h") {
            fmt::print("{}", usage(name, description, default_seed));
            std::exit(0);
        } else {
            usage_error(name, description, default_seed, fmt::format("unknown argument '{}'", arg));
        }
    }
    page::begin(options, description, source_file);
    fmt::print("run: seed {} | OpenBLAS {}, {} thread{} | build {} | version {}\n", options.seed,
               autograd::openblas_core(), autograd::openblas_threads(), autograd::openblas_threads() == 1 ? "" : "s",
               build_settings, project_version);
    if (options.detect_anomaly) {
        autograd::set_detect_anomaly(true);
        fmt::print("anomaly detection on: every op and every backward checks for NaN and Inf (slower)\n");
    }
    return options;
}

io::Dataset load_mnist(const Options& options, bool train, std::size_t images) {
    const std::size_t all = train ? 60000 : 10000;  // MNIST's sizes
    const std::size_t needed = images > 0 ? images : all;
    const std::string dir = io::default_mnist_dir();
    io::Dataset data = io::load_mnist(dir, train, needed);
    if (data.size() < needed) {
        const char* env = std::getenv("MNIST_DIR");
        const bool from_env = env != nullptr && *env != '\0';
        const std::string where = from_env ? "MNIST_DIR=" + dir : dir;
        std::fflush(stdout);
        fmt::print(stderr, "\n{} needs at least {} {} images{} ({} holds {}): use the full MNIST (./lab fetch mnist)\n",
                   options.name, autograd::thousands(needed), train ? "training" : "test",
                   options.quick ? " with --quick" : "", where, autograd::thousands(data.size()));
        std::exit(2);
    }
    return data;
}

std::string make_out_dir(const Options& options) {
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    if (ec)
        throw std::runtime_error(
            fmt::format("cannot create the output folder '{}': {}", options.out_dir, ec.message()));
    // The folder's lock, held until the process ends: its descriptor is never closed (and not
    // inherited by a program the run starts, such as Graphviz's dot).
    const std::string lock_path = options.out_dir + "/.lock";
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::runtime_error(fmt::format("cannot take the output folder '{}' for this run: {}: {}", options.out_dir,
                                             lock_path, std::strerror(errno)));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        std::string holder(200, '\0');
        const ssize_t got = ::pread(fd, holder.data(), holder.size(), 0);
        holder.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
        while (!holder.empty() && holder.back() == '\n') holder.pop_back();
        ::close(fd);
        if (error != EWOULDBLOCK)
            throw std::runtime_error(fmt::format("cannot take the output folder '{}' for this run: {}: {}",
                                                 options.out_dir, lock_path, std::strerror(error)));
        throw std::runtime_error(fmt::format(
            "another run is writing {}{}: wait for it to end, or give this run a folder of its own (--out DIR)",
            options.out_dir, holder.empty() ? "" : " (" + holder + ")"));
    }
    // Who holds it, for a run that finds it held (started: the date its page gives).
    const std::string holder =
        fmt::format("{}, seed {}{}, pid {}, started {}\n", options.name, options.seed, options.quick ? ", --quick" : "",
                    static_cast<long>(::getpid()), page::started());
    if (::ftruncate(fd, 0) == 0) {
        const ssize_t written = ::pwrite(fd, holder.data(), holder.size(), 0);
        (void)written;  // the lock holds without the note; a run that finds it held then says less
    }
    page::folder_taken(options.out_dir);
    return options.out_dir;
}

void section(const std::string& title, int line) {
    page::section(title, line);
    fmt::print("\n---- {} ----\n", title);
}

int fail(const std::string& name, const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "\n{}: error: {}\n", name, e.what());
    std::string said = e.what();
    // A figure that could not be written: the one a student may open is an earlier run's, if any.
    if (const auto* w = dynamic_cast<const io::WriteError*>(&e)) {
        fmt::print(stderr, "{}: {} was not written; a file of that name is from an earlier run\n", name, w->path());
        said += fmt::format("\n{} was not written; a file of that name is from an earlier run", w->path());
    }
    page::error(said);
    return 2;
}

void quick_scope(const Options& options, const std::string& what) {
    if (options.quick) fmt::print("\n--quick: {}\n", what);
}

Verdict::Verdict(std::string claim) : claim_(std::move(claim)) {}

bool Verdict::add(const std::string& id, double measured, const char* op, double threshold, bool passed,
                  const std::string& what, const std::string& basis) {
    if (id.empty() || id.find_first_of(" :|") != std::string::npos)
        throw std::logic_error(fmt::format("Verdict: the clause id '{}' must be one word", id));
    for (const Clause& c : clauses_)
        if (c.id == id) throw std::logic_error(fmt::format("Verdict: two clauses named '{}'", id));
    // A NaN fails every comparison, so a clause measured as NaN fails.
    clauses_.push_back({id, op, what, basis, measured, threshold, passed && !std::isnan(measured)});
    return clauses_.back().passed;
}

bool Verdict::at_least(const std::string& id, double measured, double threshold, const std::string& what,
                       const std::string& basis) {
    return add(id, measured, ">=", threshold, measured >= threshold, what, basis);
}
bool Verdict::above(const std::string& id, double measured, double threshold, const std::string& what,
                    const std::string& basis) {
    return add(id, measured, ">", threshold, measured > threshold, what, basis);
}
bool Verdict::at_most(const std::string& id, double measured, double threshold, const std::string& what,
                      const std::string& basis) {
    return add(id, measured, "<=", threshold, measured <= threshold, what, basis);
}
bool Verdict::below(const std::string& id, double measured, double threshold, const std::string& what,
                    const std::string& basis) {
    return add(id, measured, "<", threshold, measured < threshold, what, basis);
}

int Verdict::finish(const std::string& figure) const {
    if (clauses_.empty()) throw std::logic_error("Verdict: a verdict needs at least one clause");
    page::verdict_starts();
    fmt::print("\n");
    std::string failed;
    std::size_t passed = 0;
    for (const Clause& c : clauses_) {
        fmt::print("CLAUSE {} {}: {:.4g} {} {:.4g} | {} | threshold: {}\n", c.passed ? "PASS" : "FAIL", c.id,
                   c.measured, c.op, c.threshold, c.what, c.basis);
        if (c.passed)
            ++passed;
        else
            failed += (failed.empty() ? "" : ", ") + c.id;
    }
    const bool holds = passed == clauses_.size();
    const std::string count = fmt::format("{} of {} clauses passed", passed, clauses_.size());
    const std::string line =
        fmt::format("VERDICT: {} : {} ({}{}{})", claim_, holds ? "HOLDS" : "FAILS",
                    holds ? count : "failed: " + failed + "; " + count, figure.empty() ? "" : "; ", figure);
    fmt::print("{}\n", line);
    std::vector<page::ClauseRow> rows;
    for (const Clause& c : clauses_) rows.push_back({c.id, c.op, c.what, c.basis, c.measured, c.threshold, c.passed});
    page::verdict(claim_, rows, holds, line);
    return holds ? 0 : 1;
}

namespace {
// Student's t for a one-sided 95% bound, by degrees of freedom (1 to 30); beyond, the normal's 1.645
// is within 2%.
double t95(std::size_t df) {
    static const double table[] = {6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812,
                                   1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725,
                                   1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697};
    if (df == 0) return NAN;
    return df <= 30 ? table[df - 1] : 1.645;
}
}  // namespace

PairedBound paired_bound(const std::vector<double>& d) {
    PairedBound b;
    b.n = d.size();
    if (b.n < 2) throw std::invalid_argument("paired_bound: needs at least 2 differences");
    for (double x : d) b.mean += x;
    b.mean /= static_cast<double>(b.n);
    for (double x : d) b.sd += (x - b.mean) * (x - b.mean);
    b.sd = std::sqrt(b.sd / static_cast<double>(b.n - 1));
    b.t = t95(b.n - 1);
    b.lower = b.mean - b.t * b.sd / std::sqrt(static_cast<double>(b.n));
    return b;
}

double share_lower_bound(std::size_t k, std::size_t n) {
    if (n == 0 || k > n) throw std::invalid_argument(fmt::format("share_lower_bound: {} of {} runs", k, n));
    const double z = 1.645, N = static_cast<double>(n), p = static_cast<double>(k) / N;
    const double centre = p + z * z / (2 * N), spread = z * std::sqrt(p * (1 - p) / N + z * z / (4 * N * N));
    return (centre - spread) / (1 + z * z / N);
}

RarestShare rarest_share(const std::vector<std::size_t>& sample_count, const std::vector<std::size_t>& reference_count,
                         const std::string& what) {
    if (sample_count.size() != reference_count.size() || sample_count.empty())
        throw std::invalid_argument("rarest_share: the two counts must list the same categories");
    std::size_t n = 0, n_reference = 0;
    for (std::size_t k = 0; k < sample_count.size(); ++k) n += sample_count[k], n_reference += reference_count[k];
    RarestShare rarest;
    rarest.ratio = INFINITY;
    std::string sample_line, reference_line;
    for (std::size_t k = 0; k < sample_count.size(); ++k) {
        const double reference_share = static_cast<double>(reference_count[k]) / static_cast<double>(n_reference);
        const double ratio = share_lower_bound(sample_count[k], n) / reference_share;
        if (ratio < rarest.ratio) rarest = {k, ratio};
        sample_line +=
            fmt::format(" {}:{:.1f}", k, 100.0 * static_cast<double>(sample_count[k]) / static_cast<double>(n));
        reference_line += fmt::format(" {}:{:.1f}", k, 100.0 * reference_share);
    }
    fmt::print("{}, % of the {} samples:   {}\n", what, n, sample_line);
    fmt::print("{}, % of the {} reference: {}\n", what, n_reference, reference_line);
    fmt::print("rarest against its reference share: {}, lower bound of its share / reference share = {:.2f}\n",
               rarest.category, rarest.ratio);
    return rarest;
}

std::string PairedBound::describe(int decimals) const {
    return fmt::format("{:+.{}f} (sd {:.{}f}, n {}, 95% lower bound {:+.{}f})", mean, decimals, sd, decimals, n, lower,
                       decimals);
}

}  // namespace lecture
