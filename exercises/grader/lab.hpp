// lab.hpp: what an exercise's student.cpp needs besides the library: the hole.
//
// Each function a student writes starts as
//     Tensor64 softplus(const Tensor64& x) {
//         lab::hole("softplus: the forward value and its backward");
//     }
// The hole throws lab::NotDone, and the exercise's check reports "NOT DONE" for every check
// that reaches it (exit code 77, meson's "skipped"), so an exercise that is not started yet
// builds, runs, and says so. Delete the hole line when you write the body.
#pragma once

#include <stdexcept>
#include <string>

namespace lab {

// Thrown by a hole that has not been filled in yet.
class NotDone : public std::logic_error {
public:
    explicit NotDone(const std::string& where) : std::logic_error(where) {}
};

// Marks a piece of an exercise still to be written; `where` names it. The function's arguments
// may be passed along too (lab::hole("softplus", x)): they are ignored, which keeps the
// compiler from warning about unused parameters while the hole is there.
template <class... Unused>
[[noreturn]] void hole(const std::string& where, const Unused&... /*unused*/) {
    throw NotDone(where);
}

}  // namespace lab
