// exercise.hpp (exercise 01): the function you write in student.cpp. Do not change its signature.
#pragma once

#include "autograd/autograd.hpp"

namespace ex01 {

// softplus(x) = log(1 + e^x), elementwise, recorded on the tape as the op "my_softplus" with a
// backward closure of your own. float64 only (the checks compare with central differences).
autograd::Tensor64 softplus(const autograd::Tensor64& x);

}  // namespace ex01

// In your own build (`./lab check`) the library's finished answer to this exercise is off limits:
// a call to it from student.cpp is a compile error saying so. The lectures keep using it.
#if defined(LAB_STUDENT_BUILD)
#include "exercises/grader/lab.hpp"
namespace autograd {
LAB_OFF_LIMITS("01", "autograd::softplus") Tensor64 softplus(const Tensor64& a);
LAB_OFF_LIMITS("01", "autograd::softplus") Tensor softplus(const Tensor& a);
}  // namespace autograd
#endif
