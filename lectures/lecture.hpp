// lecture.hpp: what every lecture program shares: its command line, its output folder, and
// the verdict line that ends it.
#pragma once

#include <cstdint>
#include <exception>
#include <string>

namespace lecture {

struct Options {
    bool quick = false;      // --quick: a smaller run for the test suite
    std::uint64_t seed = 0;  // --seed N: the seed of the lecture's Generator
    std::string out_dir;     // --out DIR: where figures go (default out/<lecture>)
    bool detect_anomaly = false;  // --detect-anomaly: autograd's anomaly mode for the whole run
};

// Reads --quick, --seed N, --out DIR, --detect-anomaly and --help. A bad flag prints what is wrong
// and the usage and exits with status 2. --detect-anomaly turns autograd's anomaly mode on
// (autograd/anomaly.hpp): the first op or backward to make a NaN or Inf stops the run with an
// error naming it. The run is slower, so it is for finding where a NaN loss came from.
Options parse_args(int argc, char** argv, const std::string& name, std::uint64_t default_seed,
                   const std::string& description);

// Creates the output folder (and its parents) and returns its path.
std::string make_out_dir(const Options& options);

// Prints a section banner: "---- Scott slide 4: the basic idea ----".
void section(const std::string& title);

// For main's catch block: prints "<name>: error: <what went wrong>" (missing data, a bad file,
// a shape mistake in a student's change, a figure that could not be written: then also that the
// file of that name, if any, is an earlier run's) and returns the exit status 2.
int fail(const std::string& name, const std::exception& e);

// With --quick, prints what the smaller run checks and what only the default run does, e.g.
// "--quick: 300 steps: the FID must fall 3x, not 10x; all ten digits appearing is checked by the
// default run only". Prints nothing in the default run.
void quick_scope(const Options& options, const std::string& what);

// Prints the last line, "VERDICT: <claim> : HOLDS (<figure>)" or "... : FAILS (<figure>)", and
// returns the exit status for main: 0 when the claim holds, 1 when it fails.
int verdict(const std::string& claim, bool holds, const std::string& figure);

}  // namespace lecture
