// The signatures of exercise 11, for the reference and wrong solutions in this folder: the
// same header as ../../11_conv_autoencoder/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../11_conv_autoencoder/exercise.hpp"
