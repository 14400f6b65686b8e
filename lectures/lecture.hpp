// lecture.hpp: what every lecture program shares: its command line, the line that says where it
// ran, its output folder, and the verdict that ends it, one line per clause.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "io/dataset.hpp"

namespace lecture {

struct Options {
    std::string name;             // the lecture's name, as parse_args was given it
    bool quick = false;           // --quick: a smaller run for the test suite
    std::uint64_t seed = 0;       // --seed N: the seed of the lecture's Generator
    std::string out_dir;          // --out DIR: where figures go (default out/<lecture>)
    bool detect_anomaly = false;  // --detect-anomaly: autograd's anomaly mode for the whole run
    bool retrain = false;         // --retrain: never reuse models trained by an earlier run (trained.hpp)
};

// Reads --quick, --seed N, --out DIR, --retrain, --detect-anomaly and --help, and prints where the run is
// made, so that a log says how to make it again:
//   run: seed 1 | OpenBLAS Haswell, 2 threads | build debugoptimized, libraries -O2, lectures -O1,
//   GCC 12.2.0 | version 55a2912
// A bad flag prints what is wrong and the usage and exits with status 2. --detect-anomaly turns autograd's anomaly mode on
// (autograd/anomaly.hpp): the first op or backward to make a NaN or Inf stops the run with an
// error naming it. The run is slower, so it is for finding where a NaN loss came from.
// The run's output is kept, and written with its figures as a web page when the run ends
// (out/<lecture>/index.html: page.hpp); `source_file` is the lecture's, for the page to show its
// code (left to its default, the file of the call).
Options parse_args(int argc, char** argv, const std::string& name, std::uint64_t default_seed,
                   const std::string& description, const char* source_file = __builtin_FILE());

// MNIST's training set (`train`) or test set from io::default_mnist_dir(): the first `images`
// images, or with 0 all of them (60,000 training and 10,000 test images). A lecture asks for what
// its run needs, in --quick and in the default run: its thresholds, batches and samples are set
// for that many images, so a folder that holds fewer (a small copy named by MNIST_DIR) stops the
// run here, with exit status 2 and
//   transfer_learning needs at least 60,000 training images (MNIST_DIR=/tmp/five holds 5): use the
//   full MNIST (./lab fetch mnist)
// rather than later, inside a batch or a sample, with an index out of range. A missing or damaged
// file is io::load_mnist's DataError.
io::Dataset load_mnist(const Options& options, bool train, std::size_t images);

// Creates the output folder (and its parents), takes it for this run, and returns its path. One
// run at a time writes a folder: a second run started on the same folder while the first is
// still writing (two terminals, the same `./lab run`) would leave a mix of both runs' figures
// with nothing saying so, so it stops at once, with exit status 2 and
//   another run is writing out/identity (identity, seed 1, pid 4242, started 2026-12-06 16:40:12 UTC):
//   wait for it to end, or give this run a folder of its own (--out DIR)
// The hold is a lock the system keeps on out/<lecture>/.lock (flock) and releases when the run
// ends, however it ends: a run that was killed leaves no stale lock.
std::string make_out_dir(const Options& options);

// Prints a section banner: "---- Scott slide 4: the basic idea ----", and starts a section of the
// run's page there (`line`: where the call is, left to its default).
void section(const std::string& title, int line = __builtin_LINE());

// For main's catch block: prints "<name>: error: <what went wrong>" (missing data, a bad file,
// a shape mistake in a student's change, a figure that could not be written: then also that the
// file of that name, if any, is an earlier run's) and returns the exit status 2.
int fail(const std::string& name, const std::exception& e);

// With --quick, prints what the smaller run checks and what only the default run does, e.g.
// "--quick: 300 steps: the FID must fall 3x, not 10x; all ten digits appearing is checked by the
// default run only". Prints nothing in the default run.
void quick_scope(const Options& options, const std::string& what);

// A lecture's verdict: the slide's claim, checked as clauses, each a measured figure against a
// threshold and where that threshold comes from. finish() prints one line per clause, then the
// verdict line, and returns main's exit status (0 when every clause passes, 1 otherwise):
//
//   CLAUSE PASS same_weights: 0 <= 1e-06 | largest weight difference, one graph against two
//     models | threshold: float32 rounding of the same computation
//   CLAUSE FAIL frozen_margin: -0.11 > 0 | 95% lower bound of the frozen margin, points | ...
//   VERDICT: pre-training a stack level by level ... : FAILS (frozen_margin failed; 3 of 4 passed)
//
// The CLAUSE lines are what `./lab verify` collects over seeds, kernels and thread counts
// (tools/verdicts.py reads them: keep the id one word and the figure a number).
class Verdict {
public:
    explicit Verdict(std::string claim);

    // Passes when `measured` >= (or >, <=, <) `threshold`. `what` says what was measured, `basis`
    // where the threshold comes from (float precision, a baseline run here, a published number,
    // the spread over seeds). Returns whether the clause passed.
    bool at_least(const std::string& id, double measured, double threshold, const std::string& what,
                  const std::string& basis);
    bool above(const std::string& id, double measured, double threshold, const std::string& what,
               const std::string& basis);
    bool at_most(const std::string& id, double measured, double threshold, const std::string& what,
                 const std::string& basis);
    bool below(const std::string& id, double measured, double threshold, const std::string& what,
               const std::string& basis);

    // Prints the clause lines and the verdict line; `figure` adds the headline numbers to it.
    int finish(const std::string& figure = "") const;

private:
    struct Clause {
        std::string id, op, what, basis;
        double measured, threshold;
        bool passed;
    };
    bool add(const std::string& id, double measured, const char* op, double threshold, bool passed,
             const std::string& what, const std::string& basis);
    std::string claim_;
    std::vector<Clause> clauses_;
};

// The mean of paired differences (method A minus method B, one per seed or draw) and a one-sided
// 95% lower bound for it, mean - t * sd / sqrt(n), with Student's t for n - 1 degrees of freedom.
// A lower bound above 0 says A's lead is more than the spread of the draws explains.
struct PairedBound {
    std::size_t n = 0;
    double mean = 0, sd = 0, t = 0, lower = 0;
    std::string describe(int decimals = 2) const;  // "+0.54 (sd 1.05, n 3, 95% lower bound -1.23)"
};
PairedBound paired_bound(const std::vector<double>& differences);

// A one-sided 95% lower bound for the share of runs in which something happens, from `k` of `n`
// runs (Wilson's score bound): 77 of 100 -> 0.69. Above 0.5, "most runs" holds beyond the luck of
// these n.
double share_lower_bound(std::size_t k, std::size_t n);

// Categories counted among n samples and among n reference items (digits a judge sees in a
// generator's samples and in real images): the category whose share of the samples, at its 95%
// lower bound (share_lower_bound), is the smallest fraction of its share of the reference. Prints
// both shares of every category first, as "<what>, % of n samples: 0:9.8 1:11.2 ...".
struct RarestShare {
    std::size_t category = 0;
    double ratio = 0;  // the sample share's lower bound / the reference share
};
RarestShare rarest_share(const std::vector<std::size_t>& sample_count, const std::vector<std::size_t>& reference_count,
                         const std::string& what);

}  // namespace lecture
