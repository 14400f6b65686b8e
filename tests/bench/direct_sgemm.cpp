// OpenBLAS's cblas_sgemm, called directly: the floor the library's products are measured against.
// (A file of its own: cblas.h and xtensor-blas's headers cannot share a translation unit.)
#include <cblas.h>

// C (m, n) = op(A) op(B), all row-major; op(A) is (m, k), op(B) (k, n); op transposes when asked.
void direct_sgemm(int m, int n, int k, const float* a, bool ta, const float* b, bool tb, float* c) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a,
                ta ? m : k, b, tb ? k : n, 0.0f, c, n);
}
