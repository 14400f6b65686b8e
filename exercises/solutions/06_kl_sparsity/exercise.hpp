// The signatures of exercise 06, for the reference and wrong solutions in this folder: the
// same header as ../../06_kl_sparsity/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../06_kl_sparsity/exercise.hpp"
