// exercise.hpp (exercise 02): the functions you write in student.cpp. Do not change their signatures.
#pragma once

#include "autograd/autograd.hpp"

namespace ex02 {

// g summed back to `shape`, the shape of an input that was broadcast to g's shape: summed over
// the leading axes that `shape` lacks, and over the axes where `shape` has size 1 (kept as size
// 1). Built from tape ops (autograd::sum, autograd::reshape), not autograd::sum_to.
autograd::Tensor64 sum_to_shape(const autograd::Tensor64& g, const autograd::Shape& shape);

// a + b, broadcast as NumPy does, recorded as the op "my_add"; its backward uses sum_to_shape.
autograd::Tensor64 add(const autograd::Tensor64& a, const autograd::Tensor64& b);

// a * b elementwise, broadcast as NumPy does, recorded as the op "my_mul"; its backward uses
// sum_to_shape.
autograd::Tensor64 mul(const autograd::Tensor64& a, const autograd::Tensor64& b);

}  // namespace ex02

// In your own build (`./lab check`) the library's finished answer to this exercise is off limits:
// a call to it from student.cpp is a compile error saying so. The lectures keep using it.
#if defined(LAB_STUDENT_BUILD)
#include "exercises/grader/lab.hpp"
namespace autograd {
LAB_OFF_LIMITS("02", "autograd::sum_to") Tensor64 sum_to(const Tensor64& a, const Shape& shape);
LAB_OFF_LIMITS("02", "autograd::sum_to") Tensor sum_to(const Tensor& a, const Shape& shape);
}  // namespace autograd
#endif
