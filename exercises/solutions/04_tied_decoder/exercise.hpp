// The signatures of exercise 04, for the reference and wrong solutions in this folder: the
// same header as ../../04_tied_decoder/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../04_tied_decoder/exercise.hpp"
