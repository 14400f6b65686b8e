// The signatures of exercise 10, for the reference and wrong solutions in this folder: the
// same header as ../../10_gan_losses/exercise.hpp, which the student's student.cpp includes.
#pragma once

#include "../../10_gan_losses/exercise.hpp"
