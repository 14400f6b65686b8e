// expect-hint: build dA and dB from tensor ops on grad_out
// mistake: The backward computes G B^T and A^T G with xt:: on the raw arrays and wraps them as new tensors, constants to the tape, so a second derivative (create_graph) through this matmul comes out wrong.
// expect-check: gradgradcheck: my_matmul's backward is made of ops (second derivatives)
// The reference solution of exercise 03.
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>

#include "exercise.hpp"

namespace ex03 {

using autograd::Tensor64;

// C = A B        dL/dA = G B^T,  dL/dB = A^T G,  where G = dL/dC = grad_out
Tensor64 matmul(const Tensor64& A, const Tensor64& B) {
    xt::xarray<double> value = xt::linalg::dot(A.value(), B.value());  // (m, n)
    return autograd::record<double>(
        "my_matmul", std::move(value), {A, B}, [A, B](const Tensor64& /*out*/, const Tensor64& grad_out) {
            // (m, k) = (m, n) @ (n, k);  (k, n) = (k, m) @ (m, n)
            const xt::xarray<double> dA = xt::linalg::dot(grad_out.value(), xt::transpose(B.value()));  // MISTAKE
            const xt::xarray<double> dB = xt::linalg::dot(xt::transpose(A.value()), grad_out.value());  // MISTAKE
            return autograd::Grads<double>{Tensor64(dA), Tensor64(dB)};                                 // MISTAKE
        });
}

// L = 1/(N H) sum (sigmoid(x W + b) - t)^2
LayerGrads one_layer_grads(const xt::xarray<double>& x, const xt::xarray<double>& W, const xt::xarray<double>& b,
                           const xt::xarray<double>& t) {
    const xt::xarray<double> a = xt::linalg::dot(x, W) + b;                       // (N, H)
    const xt::xarray<double> h = 1.0 / (1.0 + xt::exp(-a));                       // (N, H)
    const xt::xarray<double> dh = 2.0 * (h - t) / static_cast<double>(h.size());  // (N, H) dL/dh
    const xt::xarray<double> da = dh * h * (1.0 - h);                             // (N, H) dL/da
    LayerGrads g;
    g.dW = xt::linalg::dot(xt::transpose(x), da);  // (D, H) = (D, N) @ (N, H)
    g.db = xt::sum(da, {0});                       // (H,)   b was added to each of the N rows
    return g;
}

}  // namespace ex03
