// The signatures of exercise 08, for the reference and wrong solutions in this folder: the
// same header as ../../08_contractive/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../08_contractive/exercise.hpp"
