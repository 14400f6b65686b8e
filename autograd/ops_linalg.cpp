// ops_linalg.cpp: matrix products through BLAS (sgemm for float, dgemm for double), transpose, and
// the fully connected layer made of them (linear, tied_linear).
#include "autograd/ops_linalg.hpp"

#include <xtensor-blas/xblas.hpp>
#include <xtensor/xmanipulation.hpp>

#include "autograd/detail/blas.hpp"
#include "autograd/detail/op_helpers.hpp"

namespace autograd {

using detail::check_defined;

namespace {
Shape op_shape(const Shape& s, bool transposed) { return transposed ? Shape{s[1], s[0]} : s; }
}  // namespace

// C = op(a) op(b), op = identity or transpose.
// For C = a b:     grad_a = grad_out b^T,  grad_b = a^T grad_out.  With the flags, each is again one gemm:
//   grad_a = gemm(grad_out, b, no, !tb)  when a is not transposed,  gemm(b, grad_out, tb, yes) when it is;
//   grad_b = gemm(a, grad_out, !ta, no)  when b is not transposed,  gemm(grad_out, a, yes, ta) when it is.
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
    xt::xarray<T> out = allocate<T>("matmul", {sa[0], sb[1]});  // (0, 0) inputs can make a large output
    if (out.size() > 0 && sa[1] > 0)
        xt::blas::gemm(a.value(), b.value(), out, ta, tb);
    else
        out.fill(T(0));  // an empty inner size gives zeros, as in NumPy
    return record<T>("matmul", std::move(out), {a, b},
                     [a, b, ta, tb](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         BasicTensor<T> grad_a, grad_b;
                         if (a.requires_grad())
                             grad_a = ta ? gemm(b, grad_out, tb, true) : gemm(grad_out, b, false, !tb);
                         if (b.requires_grad())
                             grad_b = tb ? gemm(grad_out, a, true, ta) : gemm(a, grad_out, !ta, false);
                         return Grads<T>{grad_a, grad_b};
                     });
}

template <class T>
BasicTensor<T> matmul(const BasicTensor<T>& a, const BasicTensor<T>& b) {
    return gemm(a, b, false, false);
}

namespace {
// x (N, D) against a weight whose `inner` axis (0 for W (D, H), 1 for the transposed use) must
// be D, and a bias of the other size or none.
template <class T>
void check_layer(const char* op, const BasicTensor<T>& x, const BasicTensor<T>& W, const BasicTensor<T>& b,
                 std::size_t inner) {
    check_defined(op, x), check_defined(op, W);
    if (x.dim() != 2 || W.dim() != 2)
        shape_error(op, fmt::format("expects an (N, features) input and a 2-D weight, got {} and {}",
                                    shape_str(x.shape()), shape_str(W.shape())));
    if (x.shape()[1] != W.shape()[inner])
        shape_error(op, fmt::format("input {} has {} features, but weight {} expects {}", shape_str(x.shape()),
                                    x.shape()[1], shape_str(W.shape()), W.shape()[inner]));
    const std::size_t out = W.shape()[1 - inner];
    if (b.defined() && b.shape() != Shape{out})
        shape_error(op, fmt::format("bias of shape {} for {} outputs; expected ({},)", shape_str(b.shape()), out, out));
}
}  // namespace

// y = x W + b in one op: the product into a new (N, H) array, then b added to each row in place,
// so there is no second (N, H) array and no separate node for the add. (Adding b first and
// accumulating the product onto it, BLAS's beta = 1, was measured a little faster still, but it
// rounds differently, and every lecture's printed numbers would move: docs/performance.md, "The
// bias fused into the product, two ways".)
//   grad_x = grad_out W^T,   grad_W = x^T grad_out,   grad_b = grad_out summed over the rows
// (the backward is made of ops, so it differentiates again).
template <class T>
BasicTensor<T> linear(const BasicTensor<T>& x, const BasicTensor<T>& W, const BasicTensor<T>& b) {
    check_layer("linear", x, W, b, 0);
    if (!b.defined()) return matmul(x, W);  // (N, H) = (N, D) @ (D, H)
    const std::size_t n = x.shape()[0], d = x.shape()[1], h = W.shape()[1];
    xt::xarray<T> out = allocate<T>("linear", {n, h});  // (N, H)
    if (d > 0)                                          // (gemm_raw does nothing for an empty output)
        detail::gemm_raw(false, false, n, h, d, T(1), x.value().data(), d, W.value().data(), h, T(0), out.data(), h);
    else
        out.fill(T(0));  // an empty inner size gives zeros, as in matmul
    const T* bias = b.value().data();
    for (std::size_t i = 0; i < n; ++i) {
        T* row = out.data() + i * h;
        for (std::size_t j = 0; j < h; ++j) row[j] += bias[j];
    }
    return record<T>("linear", std::move(out), {x, W, b},
                     [x, W, b](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         BasicTensor<T> grad_x, grad_W, grad_b;
                         if (x.requires_grad()) grad_x = gemm(grad_out, W, false, true);  // (N, D)
                         if (W.requires_grad()) grad_W = gemm(x, grad_out, true, false);  // (D, H)
                         if (b.requires_grad()) grad_b = sum_to(grad_out, b.shape());     // (H,)
                         return Grads<T>{grad_x, grad_W, grad_b};
                     });
}

// y = x W^T + b: gemm reads W transposed, so no transposed copy is made
template <class T>
BasicTensor<T> tied_linear(const BasicTensor<T>& x, const BasicTensor<T>& W, const BasicTensor<T>& b) {
    check_layer("tied_linear", x, W, b, 1);
    const BasicTensor<T> y = gemm(x, W, false, /*transpose_b=*/true);  // (N, D) = (N, H) @ (D, H)^T
    return b.defined() ? y + b : y;                                    // (N, D), b (D,) broadcast over the rows
}

// f(a) = a^T                grad_a = grad_out^T
template <class T>
BasicTensor<T> transpose(const BasicTensor<T>& a) {
    check_defined("transpose", a);
    if (a.dim() != 2) shape_error("transpose", fmt::format("expects a 2-D tensor, got {}", shape_str(a.shape())));
    xt::xarray<T> out = xt::transpose(a.value());
    return record<T>("transpose", std::move(out), {a}, [](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{transpose(grad_out)};
    });
}

#define AUTOGRAD_INSTANTIATE(T)                                                                          \
    template BasicTensor<T> gemm(const BasicTensor<T>&, const BasicTensor<T>&, bool, bool);              \
    template BasicTensor<T> matmul(const BasicTensor<T>&, const BasicTensor<T>&);                        \
    template BasicTensor<T> transpose(const BasicTensor<T>&);                                            \
    template BasicTensor<T> linear(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&); \
    template BasicTensor<T> tied_linear(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
