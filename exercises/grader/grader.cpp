// grader.cpp: running the checks, printing their outcome, and describing arrays.
#include "exercises/grader/grader.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>

#include <fmt/format.h>

namespace lab {

// ---- expectations ---------------------------------------------------------------------------

void Check::fail(std::string what, std::string expected, std::string got, std::string hint) {
    throw CheckFailed{std::move(what), std::move(expected), std::move(got), std::move(hint)};
}

void Check::expect(bool ok, const std::string& what, const std::string& expected, const std::string& got,
                   const std::string& hint) {
    if (!ok) fail(what, expected, got, hint);
}

void Check::expect_shape(const std::string& what, const autograd::Shape& got, const autograd::Shape& want,
                         const std::string& hint) {
    if (got != want) fail(what + ": its shape", shape_text(want), shape_text(got), hint);
}

void Check::expect_finite(const std::string& what, const xt::xarray<double>& got, const std::string& hint) {
    for (std::size_t i = 0; i < got.size(); ++i)
        if (!std::isfinite(got.data()[i]))
            fail(what, "finite numbers", fmt::format("{} at flat index {} (of {})", got.data()[i], i, got.size()),
                 hint);
}

void Check::expect_close(const std::string& what, const xt::xarray<double>& got, const xt::xarray<double>& want,
                         double rtol, double atol, const std::string& hint) {
    autograd::Shape got_shape(got.shape().begin(), got.shape().end());
    autograd::Shape want_shape(want.shape().begin(), want.shape().end());
    expect_shape(what, got_shape, want_shape, hint);
    // The element furthest outside its tolerance (a nan counts as infinitely far).
    double worst = 0.0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const double g = got.data()[i], w = want.data()[i];
        const double excess = std::isnan(g) || std::isnan(w) ? std::numeric_limits<double>::infinity()
                                                             : std::abs(g - w) - (atol + rtol * std::abs(w));
        if (excess > worst) worst = excess, at = i;
    }
    if (worst > 0.0)
        fail(what,
             fmt::format("{:.10g} at flat index {} (within {:g} + {:g} x |expected|)", want.data()[at], at, atol, rtol),
             fmt::format("{:.10g}; all of it: {}", got.data()[at], values_text(got)), hint);
}

// ---- the grader ----------------------------------------------------------------------------------

namespace {

std::uint64_t parse_seed(const std::string& text, const std::string& where) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || text[0] == '-')
        throw std::invalid_argument(fmt::format("{}: '{}' is not a seed (a whole number >= 0)", where, text));
    return v;
}

}  // namespace

Grader::Grader(std::string number, std::string title, int argc, char** argv, std::uint64_t default_seed)
    : number_(std::move(number)), seed_(default_seed) {
    try {
        if (const char* env = std::getenv("LAB_SEED"); env && *env) seed_ = parse_seed(env, "LAB_SEED");
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            if (a == "--seed" && i + 1 < argc)
                seed_ = parse_seed(argv[++i], "--seed");
            else
                throw std::invalid_argument(fmt::format("unknown argument '{}' (the only one is --seed N)", a));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "exercise %s: %s\n", number_.c_str(), e.what());
        std::exit(2);
    }
    fmt::print("exercise {}: {}\n", number_, title);
    fmt::print("(checks drawn from seed {}; a teacher may grade with another: --seed N)\n\n", seed_);
    std::fflush(stdout);
}

autograd::Generator Grader::generator(std::uint64_t salt) const {
    return autograd::Generator(seed_ * 1000003ULL + salt);
}

void Grader::check(const std::string& name, const std::function<void(Check&)>& body) {
    Check c;
    const std::string pad(12, ' ');
    try {
        body(c);
        ++passed_;
        fmt::print("  PASS      {}\n", name);
        for (const std::string& line : c.notes_) fmt::print("{}{}\n", pad, line);
    } catch (const NotDone& e) {
        ++not_done_;
        fmt::print("  NOT DONE  {}\n", name);
        if (holes_seen_.insert(e.what()).second)  // each hole named once
            fmt::print("{}the hole \"{}\" in student.cpp is still to be written\n", pad, e.what());
    } catch (const CheckFailed& f) {
        ++failed_;
        fmt::print("  FAIL      {}\n", name);
        fmt::print("{}what:     {}\n{}expected: {}\n{}got:      {}\n{}hint:     {}\n", pad, f.what, pad, f.expected,
                   pad, f.got, pad, f.hint);
    } catch (const std::exception& e) {
        ++failed_;
        fmt::print("  FAIL      {}\n", name);
        fmt::print(
            "{}your code threw: {}\n{}hint:     the message names the op and what was wrong with its "
            "input; find that call in student.cpp\n",
            pad, e.what(), pad);
    }
    std::fflush(stdout);
}

int Grader::finish() const {
    fmt::print("\n{} passed, {} failed, {} not done\n", passed_, failed_, not_done_);
    if (failed_ > 0) {
        fmt::print("exercise {}: FAILING: read the first FAIL above, its expected and its hint\n", number_);
        return 1;
    }
    if (not_done_ > 0) {
        fmt::print("exercise {}: not done yet: fill in the holes of student.cpp (lab::hole)\n", number_);
        return 77;
    }
    fmt::print("exercise {}: DONE, every check passed\n", number_);
    return 0;
}

// ---- describing arrays ---------------------------------------------------------------------------

std::string shape_text(const autograd::Shape& shape) { return autograd::shape_str(shape); }

std::string values_text(const xt::xarray<double>& a, std::size_t max_values) {
    autograd::Shape shape(a.shape().begin(), a.shape().end());
    std::string out = "shape " + shape_text(shape) + " [";
    for (std::size_t i = 0; i < a.size() && i < max_values; ++i)
        out += fmt::format("{}{:.6g}", i ? ", " : "", a.data()[i]);
    if (a.size() > max_values) out += ", ...";
    return out + "]";
}

xt::xarray<double> value_of(const autograd::Tensor64& t) {
    if (!t.defined()) return xt::xarray<double>::from_shape({0});
    return t.value();
}

}  // namespace lab
