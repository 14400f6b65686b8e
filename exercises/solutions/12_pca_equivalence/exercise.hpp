// The signatures of exercise 12, for the reference and wrong solutions in this folder: the
// same header as ../../12_pca_equivalence/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../12_pca_equivalence/exercise.hpp"
