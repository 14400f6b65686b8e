// check.hpp: assertions shared by the tests.
#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "autograd/autograd.hpp"

// The inputs of a gradient check.
using V = std::vector<autograd::Tensor64>;

// Random float64 inputs, drawn from the test case's own generator (each TEST_CASE makes one, so
// that its numbers do not depend on which other cases ran first): N(0, 1), and U[0.5, 2) where
// an op needs positive inputs (log, sqrt, division).
inline autograd::Tensor64 rnd(autograd::Generator& gen, const autograd::Shape& shape) {
    return autograd::randn<double>(shape, gen);
}
inline autograd::Tensor64 positive(autograd::Generator& gen, const autograd::Shape& shape) {
    return autograd::uniform<double>(shape, 0.5, 2.0, gen);
}

// Gradient check of f at `inputs` (arguments as for autograd::gradcheck) (float64, central differences); on failure the message lists
// the entries that differ, expected (numeric) against got (backward).
#define CHECK_GRADCHECK(...)                                                   \
    do {                                                                       \
        const autograd::GradcheckResult r_ = autograd::gradcheck(__VA_ARGS__); \
        CHECK_MESSAGE(r_.ok, r_.report);                                       \
        CHECK(r_.checked > 0);                                                 \
    } while (0)

#define CHECK_GRADGRADCHECK(...)                                                   \
    do {                                                                           \
        const autograd::GradcheckResult r_ = autograd::gradgradcheck(__VA_ARGS__); \
        CHECK_MESSAGE(r_.ok, r_.report);                                           \
        CHECK(r_.checked > 0);                                                     \
    } while (0)

// Checks that `expr` throws an exception whose message contains every string in `parts`.
#define CHECK_THROWS_CONTAINING(expr, ...)                                                          \
    do {                                                                                            \
        std::string message_;                                                                       \
        try {                                                                                       \
            (void)(expr);                                                                           \
        } catch (const std::exception& e_) {                                                        \
            message_ = e_.what();                                                                   \
        }                                                                                           \
        CHECK_MESSAGE(!message_.empty(), "expected an exception from: " #expr);                     \
        for (const char* part_ : {__VA_ARGS__})                                                     \
            CHECK_MESSAGE(message_.find(part_) != std::string::npos,                                \
                          "message \"" << message_ << "\" lacks \"" << std::string(part_) << "\""); \
    } while (0)

// Checks that `expr` throws an autograd::ShapeError (not any other exception) whose message
// contains every string in `parts`.
#define CHECK_SHAPE_ERROR(expr, ...)                                                                      \
    do {                                                                                                  \
        std::string message_;                                                                             \
        bool shape_error_ = false;                                                                        \
        try {                                                                                             \
            (void)(expr);                                                                                 \
        } catch (const autograd::ShapeError& e_) {                                                        \
            message_ = e_.what();                                                                         \
            shape_error_ = true;                                                                          \
        } catch (const std::exception& e_) {                                                              \
            message_ = e_.what();                                                                         \
        }                                                                                                 \
        CHECK_MESSAGE(shape_error_, "expected a ShapeError from: " #expr ", got \"" << message_ << "\""); \
        for (const char* part_ : {__VA_ARGS__})                                                           \
            CHECK_MESSAGE(message_.find(part_) != std::string::npos,                                      \
                          "message \"" << message_ << "\" lacks \"" << std::string(part_) << "\"");       \
    } while (0)

// All elements of a and b agree within tol.
template <class A, class B>
void check_close(const A& a, const B& b, double tol = 1e-12) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        CHECK_MESSAGE(std::abs(double(a.data()[i]) - double(b.data()[i])) <= tol,
                      "element " << i << ": expected " << double(b.data()[i]) << ", got " << double(a.data()[i]));
}
