// blas_kernels.hpp: which kernels OpenBLAS runs the matrix products with, and faster ones it can
// run on this CPU when it took the CPU for an older one.
//
// OpenBLAS picks its kernels from the CPU it finds when it loads. Debian 12's OpenBLAS 0.3.21 does
// not know recent Intel CPUs (Sapphire Rapids, for one) and falls back to its Prescott kernels,
// which use no AVX: the products then leave the CPU's wide vector units idle (docs/performance.md,
// "OpenBLAS on this machine", has what that costs). OPENBLAS_CORETYPE, set before the
// program starts, names the kernels to use instead. `./lab` sets it from better_openblas_core()
// (through tools/openblas_kernels); a lecture started directly says what to set.
#pragma once

#include <string>

namespace autograd {

// OpenBLAS's name for the kernels it runs: "SkylakeX", "Haswell", "Zen", "Prescott", ...
std::string openblas_core();

// How many threads OpenBLAS runs a product on (OPENBLAS_NUM_THREADS, or the cores it found).
int openblas_threads();

// The kernels to name in OPENBLAS_CORETYPE when OpenBLAS took this CPU for one without AVX2 and
// it has more: "SkylakeX" with AVX-512 (F, BW, VL and DQ), "Haswell" with AVX2 and FMA. Empty
// when OpenBLAS's own choice stands, and when OPENBLAS_CORETYPE is already set.
std::string better_openblas_core();

}  // namespace autograd
