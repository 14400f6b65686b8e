// blas_kernels.cpp: OpenBLAS's choice of kernels, and a better one where the CPU allows it.
#include "autograd/blas_kernels.hpp"

#include <cstdlib>

// OpenBLAS's own function (cblas.h declares it; not included here: cblas.h and xtensor-blas's
// headers cannot share a translation unit).
extern "C" char* openblas_get_corename(void);
extern "C" int openblas_get_num_threads(void);

namespace autograd {

std::string openblas_core() { return openblas_get_corename(); }

int openblas_threads() { return openblas_get_num_threads(); }

std::string better_openblas_core() {
    if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return "";
    // The kernels OpenBLAS 0.3.21 falls back to, none of which uses AVX2.
    const std::string core = openblas_core();
    const bool without_avx2 = core == "Prescott" || core == "Core2" || core == "Penryn" || core == "Dunnington" ||
                              core == "Nehalem" || core == "Atom" || core == "Sandybridge" || core == "Barcelona" ||
                              core == "Bulldozer" || core == "Piledriver";
    if (!without_avx2) return "";
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
    return "";
}

}  // namespace autograd
