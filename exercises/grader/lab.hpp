// lab.hpp: what an exercise's student.cpp needs besides the library: the hole.
//
// Each function a student writes starts as
//     Tensor64 softplus(const Tensor64& x) {
//         lab::hole("softplus: the forward value and its backward");
//     }
// The hole throws lab::NotDone, and the exercise's check reports "NOT DONE" for every check
// that reaches it (exit code 77, meson's "skipped"), so an exercise that is not started yet
// builds, runs, and says so. Delete the hole line when you write the body.
//
// The library holds a finished version of most exercises (the lectures need them). In a student's
// own build (`./lab check` compiles student.cpp with LAB_STUDENT_BUILD defined) the one an exercise
// asks for is off limits: its exercise.hpp declares it again marked LAB_OFF_LIMITS, and a call from
// student.cpp is a compile error that says "exercise NN asks you to write it yourself". A template
// is marked through a plain overload for float and double, which the call prefers.
#pragma once

#include <stdexcept>
#include <string>

#if defined(LAB_STUDENT_BUILD)
#define LAB_OFF_LIMITS(exercise, name)                                                      \
    __attribute__((unavailable("exercise " exercise " asks you to write it yourself: " name \
                               " is the library's finished answer (the lectures use it, student.cpp may not)")))
#endif

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
