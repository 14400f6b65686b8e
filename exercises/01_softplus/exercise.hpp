// exercise.hpp (exercise 01): the function you write in student.cpp. Do not change its signature.
#pragma once

#include "autograd/autograd.hpp"

namespace ex01 {

// softplus(x) = log(1 + e^x), elementwise, recorded on the tape as the op "my_softplus" with a
// backward closure of your own. float64 only (the checks compare with central differences).
autograd::Tensor64 softplus(const autograd::Tensor64& x);

}  // namespace ex01
