// blas.hpp (internal to autograd/): the BLAS matrix product on raw, row-major memory, with the
// scale factors and leading dimensions that xtensor-blas's gemm does not expose: the convolutions
// multiply slices of their workspaces and add into results in place.
#pragma once

#include <cstddef>

namespace autograd::detail {

// C (m, n) = alpha op(A) op(B) + beta C, row-major; op(A) is (m, k), op(B) (k, n); op transposes
// when asked; lda, ldb, ldc are the row lengths of A, B and C as they lie in memory.
void gemm_raw(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
              std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc);
void gemm_raw(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
              std::size_t lda, const double* b, std::size_t ldb, double beta, double* c, std::size_t ldc);

}  // namespace autograd::detail
