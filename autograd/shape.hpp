// shape.hpp: shapes as text, NumPy broadcasting, axis lists. Every shape error of every op is
// raised from here, so that all messages read the same way: "<op>: <what> (2, 3) ... (4,)".
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

#include "autograd/tensor.hpp"

namespace autograd {

// The error every op throws on bad input; the message starts with the op's name.
class ShapeError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// "(2, 3)", "(4,)" and "()" as NumPy prints them.
std::string shape_str(const Shape& shape);

template <class A>
Shape shape_of(const A& array) {
    return Shape(array.shape().begin(), array.shape().end());
}

std::size_t numel(const Shape& shape);

// Element `flat` of a row-major array of `shape` written as an index: "[1, 2]".
std::string index_str(const Shape& shape, std::size_t flat);

// The NumPy broadcast of two shapes: align on the right, each pair of sizes equal or one of
// them 1. Throws ShapeError naming `op` and both shapes when they do not broadcast.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

// Axis numbers for a tensor of rank `rank`: negative axes count from the end (-1 is the last).
// Sorted, without repeats; throws ShapeError naming `op` when an axis is out of range.
std::vector<std::size_t> normalize_axes(const char* op, const std::vector<long>& axes, std::size_t rank);
std::size_t normalize_axis(const char* op, long axis, std::size_t rank);

// Throws ShapeError("<op>: <message>") : for checks that are specific to one op.
[[noreturn]] void shape_error(const char* op, const std::string& message);

}  // namespace autograd
