// openblas_kernels: prints the kernels OpenBLAS chose on this machine and, when it took the CPU for
// an older one, the faster kernels to name in OPENBLAS_CORETYPE (autograd/blas_kernels.hpp):
//     Prescott SkylakeX      (took it for a Prescott; SkylakeX kernels will run)
//     Haswell                (its own choice stands)
// `./lab` runs it before a lecture, a test or a benchmark, and sets OPENBLAS_CORETYPE from it.
#include <fmt/format.h>

#include "autograd/blas_kernels.hpp"

int main() {
    const std::string better = autograd::better_openblas_core();
    fmt::print("{}{}{}\n", autograd::openblas_core(), better.empty() ? "" : " ", better);
    return 0;
}
