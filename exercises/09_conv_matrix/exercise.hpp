// exercise.hpp (exercise 09): the function you write in student.cpp. Do not change its signature.
#pragma once

#include <cstddef>

#include <xtensor/xarray.hpp>

namespace ex09 {

// The dense matrix C, shape (Ho Wo, height width), of a single-channel 2-D convolution with
// `kernel` (kh, kw) on a height x width input (a cross-correlation, as autograd::conv2d computes
// it: no kernel flip), with the same stride and zero padding on both axes:
//     C x_flat = conv2d(x) flattened,   C^T y_flat = conv_transpose2d(y) flattened,
// images flattened row by row (pixel (r, c) at r * width + c).
xt::xarray<double> conv_matrix(const xt::xarray<double>& kernel, std::size_t height, std::size_t width,
                               std::size_t stride, std::size_t padding);

}  // namespace ex09

// In your own build (`./lab check`) the library's finished answer to this exercise is off limits:
// a call to it from student.cpp is a compile error saying so. The lectures keep using it.
#if defined(LAB_STUDENT_BUILD)
#include "autograd/autograd.hpp"
#include "exercises/grader/lab.hpp"
namespace autograd {
LAB_OFF_LIMITS("09", "autograd::conv_matrix")
xt::xarray<double> conv_matrix(const xt::xarray<double>& kernel, std::size_t in_h, std::size_t in_w,
                               const ConvGeometry& geom = {});
LAB_OFF_LIMITS("09", "autograd::conv_matrix")
xt::xarray<float> conv_matrix(const xt::xarray<float>& kernel, std::size_t in_h, std::size_t in_w,
                              const ConvGeometry& geom = {});
}  // namespace autograd
#endif
