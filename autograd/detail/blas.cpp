// blas.cpp: sgemm and dgemm behind blas.hpp, through the BLAS binding that xtensor-blas is built
// on (cxxblas, which calls OpenBLAS's cblas_sgemm / cblas_dgemm), so that this file can share a
// translation unit with the other files that include xtensor-blas (a unity build, docs/build.md).
#include "autograd/detail/blas.hpp"

#include <xtensor-blas/xblas.hpp>

namespace autograd::detail {

namespace {
cxxblas::Transpose op(bool transposed) { return transposed ? cxxblas::Transpose::Trans : cxxblas::Transpose::NoTrans; }
xt::blas_index_t dim(std::size_t n) { return static_cast<xt::blas_index_t>(n); }
}  // namespace

void gemm_raw(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
              std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    if (m == 0 || n == 0) return;
    cxxblas::gemm(cxxblas::RowMajor, op(ta), op(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b, dim(ldb), beta, c,
                  dim(ldc));
}

void gemm_raw(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
              std::size_t lda, const double* b, std::size_t ldb, double beta, double* c, std::size_t ldc) {
    if (m == 0 || n == 0) return;
    cxxblas::gemm(cxxblas::RowMajor, op(ta), op(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b, dim(ldb), beta, c,
                  dim(ldc));
}

}  // namespace autograd::detail
