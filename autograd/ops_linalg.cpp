// ops_linalg.cpp: matrix products through BLAS (sgemm for float, dgemm for double), transpose.
#include <xtensor-blas/xblas.hpp>
#include <xtensor/xmanipulation.hpp>

#include "autograd/op_helpers.hpp"

namespace autograd {

using detail::check_defined;

namespace {
Shape op_shape(const Shape& s, bool transposed) { return transposed ? Shape{s[1], s[0]} : s; }
}  // namespace

// C = op(A) op(B), op = identity or transpose.
// For C = A B:     dA = dC B^T,  dB = A^T dC.  With the flags, each is again one gemm:
//   dA = gemm(dC, B, no, !tb)  when A is not transposed,  gemm(B, dC, tb, yes) when it is;
//   dB = gemm(A, dC, !ta, no)  when B is not transposed,  gemm(dC, A, yes, ta) when it is.
template <class T>
BasicTensor<T> gemm(const BasicTensor<T>& a, const BasicTensor<T>& b, bool ta, bool tb) {
    check_defined("matmul", a), check_defined("matmul", b);
    if (a.dim() != 2 || b.dim() != 2)
        shape_error("matmul",
                    fmt::format("expects two 2-D tensors, got {} and {}", shape_str(a.shape()), shape_str(b.shape())));
    const Shape sa = op_shape(a.shape(), ta), sb = op_shape(b.shape(), tb);
    if (sa[1] != sb[0])
        shape_error("matmul", fmt::format("cannot multiply {} by {}: inner sizes {} and {} differ", shape_str(sa),
                                          shape_str(sb), sa[1], sb[0]));
    xt::xarray<T> out = xt::xarray<T>::from_shape({sa[0], sb[1]});
    if (out.size() > 0 && sa[1] > 0)
        xt::blas::gemm(a.value(), b.value(), out, ta, tb);
    else
        out.fill(T(0));  // an empty inner size gives zeros, as in NumPy
    return record<T>("matmul", std::move(out), {a, b},
                     [a, b, ta, tb](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         BasicTensor<T> ga, gb;
                         if (a.requires_grad()) ga = ta ? gemm(b, grad_out, tb, true) : gemm(grad_out, b, false, !tb);
                         if (b.requires_grad()) gb = tb ? gemm(grad_out, a, true, ta) : gemm(a, grad_out, !ta, false);
                         return Grads<T>{ga, gb};
                     });
}

template <class T>
BasicTensor<T> matmul(const BasicTensor<T>& a, const BasicTensor<T>& b) {
    return gemm(a, b, false, false);
}

// f(A) = A^T                df = (dC)^T
template <class T>
BasicTensor<T> transpose(const BasicTensor<T>& a) {
    check_defined("transpose", a);
    if (a.dim() != 2) shape_error("transpose", fmt::format("expects a 2-D tensor, got {}", shape_str(a.shape())));
    xt::xarray<T> out = xt::transpose(a.value());
    return record<T>("transpose", std::move(out), {a}, [](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{transpose(grad_out)};
    });
}

#define AUTOGRAD_INSTANTIATE(T)                                                             \
    template BasicTensor<T> gemm(const BasicTensor<T>&, const BasicTensor<T>&, bool, bool); \
    template BasicTensor<T> matmul(const BasicTensor<T>&, const BasicTensor<T>&);           \
    template BasicTensor<T> transpose(const BasicTensor<T>&);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)

}  // namespace autograd
