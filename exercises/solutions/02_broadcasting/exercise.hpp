// The signatures of exercise 02, for the reference and wrong solutions in this folder: the
// same header as ../../02_broadcasting/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../02_broadcasting/exercise.hpp"
