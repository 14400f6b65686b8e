// shape.hpp: shapes as text, NumPy broadcasting, axis lists, and sizes computed without overflow.
// Every shape error of every op is raised from here, so that all messages read the same way:
// "<op>: <what> (2, 3) ... (4,)".
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
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
// A count with its thousands grouped, as logs and messages print it: 41230 -> "41,230".
std::string thousands(std::size_t n);

template <class A>
Shape shape_of(const A& array) {
    return Shape(array.shape().begin(), array.shape().end());
}

// The number of elements of a shape already known to be valid (a tensor's own shape). For a shape
// that comes from an op's arguments, checked_numel.
std::size_t numel(const Shape& shape);

// ---- sizes that cannot wrap around ------------------------------------------------------
// Sizes, element counts and offsets are std::size_t, but xtensor keeps strides as std::ptrdiff_t:
// every one of them must stay at most 2^63 - 1.
inline constexpr std::size_t kMaxSize = std::size_t{PTRDIFF_MAX};
// The most bytes one tensor may take, 2^62: a request for more is a ShapeError before any
// allocation (no machine has that much memory, and byte offsets stay far from overflowing).
inline constexpr std::size_t kMaxTensorBytes = std::size_t{1} << 62;

// a + b and a * b when the exact result is at most kMaxSize; otherwise a ShapeError
// "<op>: <what> overflows (<a> + <b> > 2^63 - 1)". For sizes computed from an op's arguments.
std::size_t checked_add(const char* op, const char* what, std::size_t a, std::size_t b);
std::size_t checked_mul(const char* op, const char* what, std::size_t a, std::size_t b);

// The number of elements of `shape`, for a tensor whose elements take `element_bytes` bytes each;
// a ShapeError naming `op` and the shape when the count overflows or the bytes exceed
// kMaxTensorBytes. A size 0 counts as 1 in the check (not in the count): xtensor multiplies the
// sizes after each axis into its strides whether or not another axis is empty.
std::size_t checked_numel(const char* op, const Shape& shape, std::size_t element_bytes);

// An uninitialised array of `shape`, after checked_numel: how an op allocates a shape it computed
// from its arguments.
template <class T>
xt::xarray<T> allocate(const char* op, const Shape& shape) {
    checked_numel(op, shape, sizeof(T));
    return xt::xarray<T>::from_shape(shape);
}

// Element `flat` of a row-major array of `shape` written as an index: "[1, 2]".
std::string index_str(const Shape& shape, std::size_t flat);

// The flat position of the first NaN or Inf among `a`'s values, or a.size() when every one is
// finite: anomaly mode's check, and the readers that refuse a diverged model's weights.
template <class T>
std::size_t first_non_finite(const xt::xarray<T>& a) {
    const T* p = a.data();
    for (std::size_t i = 0, n = a.size(); i < n; ++i)
        if (!std::isfinite(p[i])) return i;
    return a.size();
}

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
