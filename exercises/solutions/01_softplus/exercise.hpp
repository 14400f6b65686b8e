// The signatures of exercise 01, for the reference and wrong solutions in this folder: the
// same header as ../../01_softplus/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../01_softplus/exercise.hpp"
