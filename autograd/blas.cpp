// blas.cpp: cblas_sgemm and cblas_dgemm behind blas.hpp. (A file of its own: OpenBLAS's cblas.h
// and xtensor-blas's headers cannot share a translation unit.)
#include "autograd/blas.hpp"

#include <cblas.h>

namespace autograd::detail {

namespace {
CBLAS_TRANSPOSE op(bool transposed) { return transposed ? CblasTrans : CblasNoTrans; }
blasint dim(std::size_t n) { return static_cast<blasint>(n); }
}  // namespace

void gemm_raw(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
              std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    if (m == 0 || n == 0) return;
    cblas_sgemm(CblasRowMajor, op(ta), op(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b, dim(ldb), beta, c,
                dim(ldc));
}

void gemm_raw(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
              std::size_t lda, const double* b, std::size_t ldb, double beta, double* c, std::size_t ldc) {
    if (m == 0 || n == 0) return;
    cblas_dgemm(CblasRowMajor, op(ta), op(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b, dim(ldb), beta, c,
                dim(ldc));
}

}  // namespace autograd::detail
