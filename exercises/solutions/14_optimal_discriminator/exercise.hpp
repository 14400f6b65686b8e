// The signatures of exercise 14, for the reference and wrong solutions in this folder: the
// same header as ../../14_optimal_discriminator/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../14_optimal_discriminator/exercise.hpp"
