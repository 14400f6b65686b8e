// The signatures of exercise 07, for the reference and wrong solutions in this folder: the
// same header as ../../07_reparameterization/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../07_reparameterization/exercise.hpp"
