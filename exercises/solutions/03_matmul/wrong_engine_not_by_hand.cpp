// expect-hint: this part asks for the chain rule by hand
// mistake: one_layer_grads lets the engine differentiate the layer (backward()) instead of writing the chain rule out
// expect-check: one_layer_grads: by hand, without the engine (no backward() or grad())
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
    const autograd::Tensor64 Wt(W, true), bt(b, true);  // MISTAKE: the engine, not the chain rule by hand
    const autograd::Tensor64 h = autograd::sigmoid(autograd::linear(autograd::Tensor64(x), Wt, bt));  // MISTAKE
    autograd::mse_loss(h, autograd::Tensor64(t), autograd::Reduction::Mean).backward();               // MISTAKE
    LayerGrads g;
    g.dW = Wt.grad().value();  // MISTAKE
    g.db = bt.grad().value();  // MISTAKE
    return g;
}

}  // namespace ex03
