// The signatures of exercise 05, for the reference and wrong solutions in this folder: the
// same header as ../../05_corruption/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../05_corruption/exercise.hpp"
