// grader.hpp: how an exercise's check.cpp grades the student's code.
//
// A check program is one main() that runs named checks in order:
//     lab::Grader grader("01", "softplus: the backward of an elementwise op", argc, argv);
//     grader.check("the value is log(1 + e^x)", [&](lab::Check& c) {
//         ...
//         c.expect_close("softplus(x)", got, expected, 1e-12, "the hint for the usual mistake");
//     });
//     return grader.finish();
// and prints one line per check:
//     PASS      the value is log(1 + e^x)
//     FAIL      the gradient at x = 1000 is finite
//               expected: a finite number   got: nan
//               hint:     e^1000 overflows: ...
//     NOT DONE  ... (the student has not filled that hole yet)
// A check stops at its first failed expectation. An exception from the student's code fails
// the check with its message (a hole's NotDone makes it NOT DONE instead).
//
// Exit code: 0 when every check passed, 1 when one failed, 77 (meson's "skipped") when none
// failed but some reached a hole: "not done yet".
//
// A stuck or crashing program still gets an answer that names the check it was in:
// - each check runs under a time limit, 60 s of wall-clock time (LAB_CHECK_SECONDS sets another,
//   LAB_TIME_SCALE above 1 multiplies it): past it, the program prints "your program ran past N s in
//   this check" with that check's name, and exits with 1 (failing);
// - a crash (a segmentation fault, a bus error, an arithmetic fault, an abort) prints which check
//   was running and what that crash usually means in an exercise, and exits with 1 (failing).
//
// The seed: each exercise draws its shapes and numbers from a seeded generator that the README
// does not show (a copy of the README's example cannot pass). --seed N or the environment
// variable LAB_SEED replaces the default, so a teacher can grade with a seed nobody saw.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

#include "autograd/autograd.hpp"
#include "exercises/grader/lab.hpp"

namespace lab {

// Thrown by a failed expectation: it ends the check (the grader catches it).
struct CheckFailed {
    std::string what, expected, got, hint;
};

// The expectations one check can make. Each returns normally when it holds and otherwise ends
// the check, printing what was expected, what came back and the hint.
class Check {
public:
    [[noreturn]] void fail(std::string what, std::string expected, std::string got, std::string hint);
    void expect(bool ok, const std::string& what, const std::string& expected, const std::string& got,
                const std::string& hint);
    // The shape of `got` is `want`.
    void expect_shape(const std::string& what, const autograd::Shape& got, const autograd::Shape& want,
                      const std::string& hint);
    // Every element finite (no inf, no nan).
    void expect_finite(const std::string& what, const xt::xarray<double>& got, const std::string& hint);
    // The same shape, and |got - want| <= atol + rtol |want| elementwise; a failure names the worst
    // element, its index and both values.
    void expect_close(const std::string& what, const xt::xarray<double>& got, const xt::xarray<double>& want,
                      double rtol, double atol, const std::string& hint);
    // A line printed under the check's PASS (a measured number worth seeing).
    void note(std::string line) { notes_.push_back(std::move(line)); }

private:
    friend class Grader;
    std::vector<std::string> notes_;
};

class Grader {
public:
    // `number` is the exercise's two digits, `title` its one-line task. Reads --seed N (or
    // LAB_SEED); anything else on the command line is an error.
    Grader(std::string number, std::string title, int argc, char** argv, std::uint64_t default_seed);

    // The seed of this run: derive every random shape and number from it.
    std::uint64_t seed() const { return seed_; }
    // A generator for one check, seeded from seed() and `salt` (so checks do not share draws).
    autograd::Generator generator(std::uint64_t salt) const;

    // Runs one check now and prints its line.
    void check(const std::string& name, const std::function<void(Check&)>& body);
    // Prints the tally; returns the exit code (0 passed, 1 failed, 77 not done yet).
    int finish() const;

private:
    std::string number_;
    std::uint64_t seed_;
    unsigned check_seconds_ = 60;  // each check's time limit, after LAB_CHECK_SECONDS and LAB_TIME_SCALE
    int passed_ = 0, failed_ = 0, not_done_ = 0;
    std::set<std::string> holes_seen_;
};

// ---- describing what came back ----------------------------------------------------------
// "(2, 3)"
std::string shape_text(const autograd::Shape& shape);
// A short text of an array: its shape and up to `max_values` of its numbers.
std::string values_text(const xt::xarray<double>& a, std::size_t max_values = 6);
// The value of a float64 tensor as a plain array; "undefined" is reported as an empty array.
xt::xarray<double> value_of(const autograd::Tensor64& t);

}  // namespace lab
