// exercise.hpp (exercise 05): the functions you write in student.cpp. Do not change their signatures.
#pragma once

#include "autograd/autograd.hpp"

namespace ex05 {

// Masking noise: x with each element set to 0 independently with probability nu. A new constant
// tensor of x's shape (no history); every random number comes from gen. nu outside [0, 1] is a
// std::invalid_argument.
autograd::Tensor masking_noise(const autograd::Tensor& x, double nu, autograd::Generator& gen);

// Salt-and-pepper noise: x with each element, independently with probability nu, set to 0 or to 1
// (equally likely); the others unchanged. A new constant tensor of x's shape (no history); every
// random number comes from gen. nu outside [0, 1] is a std::invalid_argument.
autograd::Tensor salt_and_pepper(const autograd::Tensor& x, double nu, autograd::Generator& gen);

}  // namespace ex05

// In your own build (`./lab check`) the library's finished answer to this exercise is off limits:
// a call to it from student.cpp is a compile error saying so. The lectures keep using it.
#if defined(LAB_STUDENT_BUILD)
#include "exercises/grader/lab.hpp"
#include "nn/noise.hpp"
namespace nn {
LAB_OFF_LIMITS("05", "nn::masking_noise")
autograd::Tensor masking_noise(const autograd::Tensor& x, double nu, autograd::Generator& gen);
LAB_OFF_LIMITS("05", "nn::dropout_noise")
autograd::Tensor dropout_noise(const autograd::Tensor& x, double nu, autograd::Generator& gen);
LAB_OFF_LIMITS("05", "nn::salt_and_pepper")
autograd::Tensor salt_and_pepper(const autograd::Tensor& x, double nu, autograd::Generator& gen, double lo, double hi);
}  // namespace nn
#endif
