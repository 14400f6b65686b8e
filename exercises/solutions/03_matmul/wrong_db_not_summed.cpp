// expect-hint: summed over the rows
// mistake: dL/db returned as dL/da itself, (N, H), not summed over the N rows that b was added to.
// expect-check: one_layer_grads: dW has W's shape (D, H), db has b's shape (H,)
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
            return autograd::Grads<double>{autograd::matmul(grad_out, autograd::transpose(B)),
                                           autograd::matmul(autograd::transpose(A), grad_out)};
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
    g.db = da;                                     // (N, H)  // MISTAKE
    return g;
}

}  // namespace ex03
