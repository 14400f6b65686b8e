// grader.cpp: running the checks, printing their outcome, and describing arrays.
#include "exercises/grader/grader.hpp"

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// ---- a stuck or crashing check ----------------------------------------------------------------
// The signal handlers below may not allocate or format: what they print is written here, before
// each check starts, and they only copy it out with write().
char timeout_text[1024] = "";  // the whole report of a check that ran past its limit
char crash_head[768] = "";     // "  FAIL      <check>\n            what:     your program crashed "
char alt_stack[1 << 16];       // the handlers' own stack: a crash may be a stack that ran out

void say(const char* text) {
    for (std::size_t left = std::strlen(text); left > 0;) {
        const ssize_t n = ::write(STDOUT_FILENO, text, left);
        if (n <= 0) return;
        text += n, left -= static_cast<std::size_t>(n);
    }
}

void on_timeout(int) {
    say(timeout_text);
    ::_exit(1);
}

// What each crash usually means in an exercise, for the hint.
const char* crash_meaning(int sig) {
    switch (sig) {
        case SIGSEGV:
        case SIGBUS:
            return "(a segmentation fault)\n            hint:     a read or write outside the program's memory: most "
                   "often a function that calls itself with no case that stops it (the stack runs out), or an "
                   "index past the end of an array (a loop bound off by one, a shape assumed instead of read)\n";
        case SIGFPE:
            return "(an arithmetic fault)\n            hint:     an integer divided by zero, often a size or a count "
                   "that is 0 (an empty batch, a shape read as 0)\n";
        default:
            return "(the program was aborted)\n            hint:     the C++ library stopped the program: often a "
                   "function that ends without returning its value (read the compiler's warnings above), memory "
                   "freed twice, or an exception thrown while another was being handled\n";
    }
}

void on_crash(int sig) {
    say(crash_head);
    say(crash_meaning(sig));
    ::_exit(1);
}

void install_handlers() {
    stack_t stack{};
    stack.ss_sp = alt_stack;
    stack.ss_size = sizeof alt_stack;
    ::sigaltstack(&stack, nullptr);
    struct sigaction crash {};
    crash.sa_handler = on_crash;
    crash.sa_flags = SA_ONSTACK;
    sigemptyset(&crash.sa_mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGABRT}) ::sigaction(sig, &crash, nullptr);
    struct sigaction timeout {};
    timeout.sa_handler = on_timeout;
    sigemptyset(&timeout.sa_mask);
    ::sigaction(SIGALRM, &timeout, nullptr);
}

// Each check's time limit in seconds: LAB_CHECK_SECONDS (default 60), times LAB_TIME_SCALE when that
// gives more time (a slower machine, the sanitized build). A scale below 1 shortens exercise 11's
// budgets to prove the budget check; it must not shorten the limit that catches a stuck program.
unsigned check_limit() {
    double seconds = 60.0, scale = 1.0;
    const auto read = [&](const char* name, double& v) {
        const char* text = std::getenv(name);
        if (!text || !*text) return;
        char* end = nullptr;
        const double x = std::strtod(text, &end);
        if (*end != '\0' || !(x > 0.0) || !std::isfinite(x))
            throw std::invalid_argument(
                fmt::format("{}='{}': give a positive number of seconds, e.g. 120", name, text));
        v = x;
    };
    read("LAB_CHECK_SECONDS", seconds);
    read("LAB_TIME_SCALE", scale);
    return static_cast<unsigned>(std::max(1.0, std::ceil(seconds * std::max(1.0, scale))));
}

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
        check_seconds_ = check_limit();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "exercise %s: %s\n", number_.c_str(), e.what());
        std::exit(2);
    }
    install_handlers();
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
    // What the handlers print if this check never ends or crashes (written now: they cannot format).
    const std::string shown = name.size() > 300 ? name.substr(0, 300) + "..." : name;
    std::snprintf(timeout_text, sizeof timeout_text,
                  "  FAIL      %s\n%swhat:     your program ran past %u s in this check\n%shint:     a loop that "
                  "never ends (a condition that stays true, a counter that never reaches its bound), or far more "
                  "work than the task needs\n\nexercise %s: FAILING: stopped in the check above\n",
                  shown.c_str(), pad.c_str(), check_seconds_, pad.c_str(), number_.c_str());
    std::snprintf(crash_head, sizeof crash_head, "  FAIL      %s\n%swhat:     your program crashed in this check ",
                  shown.c_str(), pad.c_str());
    std::fflush(stdout);
    ::alarm(check_seconds_);
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
    ::alarm(0);
    std::snprintf(crash_head, sizeof crash_head,
                  "  FAIL      (after the check \"%s\")\n%swhat:     your program crashed ", shown.c_str(),
                  pad.c_str());
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
