// page.hpp: each lecture run as a web page, out/<lecture>/index.html, and out/index.html listing
// every lecture run there.
//
// A run's story is in its console output (sections, tables, the verdict) and in its figures. The
// page puts them together, in the order the run made them:
//   - the lecture's name and what it shows, the run's settings (the "run:" line), its date, the
//     command and the time it took, and its VERDICT, HOLDS or FAILS, at the top;
//   - section by section (the lecture's banners, lecture::section): the slides the section
//     follows (deck, slide and topic, from docs/slides.md), what it printed, the figures it saved
//     with their titles and captions (io/figures.hpp), and the lecture's code for it, folded;
//   - the clauses, each measured against its threshold, and the VERDICT line. A run stopped by
//     an error, or one that ends without a verdict, FAILS, and the page says why.
// out/index.html (written when the run's folder is in out/, as the default out/<lecture> is) lists
// each run there: its verdict, date and time taken, and its first figure.
//
// The pages are plain HTML with their style inside: no script, nothing fetched from a network.
// A figure is the PNG beside the page, so a copied folder reads the same, and a phone-width
// screen shows the figures at its width. `./lab open NAME` prints where the page is.
//
// How the output is kept: parse_args calls begin(), and from then on standard output and standard
// error still go to the console, unchanged, and are also kept for the page (glibc lets a program
// set `stdout` and `stderr` to streams of its own; ours write to the same file descriptors).
#pragma once

#include <string>
#include <vector>

#include "lecture.hpp"

namespace lecture::page {

// Starts keeping the run's output; `source_file` is the lecture's __FILE__ (its code is shown
// section by section), `description` what parse_args was given.
void begin(const Options& options, const std::string& description, const std::string& source_file);

// When begin() was called, as the page dates the run: "2026-12-06 16:40:12 UTC" ("" before).
std::string started();

// The run holds its output folder (make_out_dir): from now on the page may be written there. A
// run that never gets its folder (another run holds it) writes no page.
void folder_taken(const std::string& out_dir);

// A section banner was printed; `line` is the line of the call in the lecture's source.
void section(const std::string& title, int line);

// One clause of the verdict, as Verdict::finish printed it.
struct ClauseRow {
    std::string id, op, what, basis;
    double measured, threshold;
    bool passed;
};

// The clause lines are about to be printed (they make the page's table, not a section's output).
void verdict_starts();

// The verdict was printed: writes the page (and out/index.html).
void verdict(const std::string& claim, const std::vector<ClauseRow>& clauses, bool holds, const std::string& line);

// The run stopped on an error (lecture::fail): writes the page, which FAILS and names the error.
void error(const std::string& message);

}  // namespace lecture::page
