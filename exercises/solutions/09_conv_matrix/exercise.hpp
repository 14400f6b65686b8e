// The signatures of exercise 09, for the reference and wrong solutions in this folder: the
// same header as ../../09_conv_matrix/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../09_conv_matrix/exercise.hpp"
