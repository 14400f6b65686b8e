// unit_tests_pch.hpp: the headers the unit tests share, compiled once into a precompiled header
// for the program unit_tests (tests/meson.build): the library's and xtensor's, and doctest.
// (No include guard: it is compiled on its own and force-included, never included twice.)
#include "pch/programs_pch.hpp"

#include <doctest/doctest.h>
