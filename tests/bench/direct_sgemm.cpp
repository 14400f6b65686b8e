// OpenBLAS's cblas_sgemm, called directly: the ceiling the library's matmul is measured against.
// (A file of its own: cblas.h and xtensor-blas's headers cannot share a translation unit.)
#include <cblas.h>

// C (m, n) = A (m, k) @ B (k, n), all row-major.
void direct_sgemm(int m, int n, int k, const float* a, const float* b, float* c) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
}
