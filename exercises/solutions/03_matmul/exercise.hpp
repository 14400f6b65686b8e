// The signatures of exercise 03, for the reference and wrong solutions in this folder: the
// same header as ../../03_matmul/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../03_matmul/exercise.hpp"
