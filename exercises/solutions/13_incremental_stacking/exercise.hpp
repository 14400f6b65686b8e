// The signatures of exercise 13, for the reference and wrong solutions in this folder: the
// same header as ../../13_incremental_stacking/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../13_incremental_stacking/exercise.hpp"
