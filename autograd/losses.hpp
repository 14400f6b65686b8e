// losses.hpp: the losses and penalties of the autoencoder lectures. Each returns a scalar tensor.
// Prediction and target must have the same shape (no silent broadcasting in a loss).
//
// One rule for all of them: a loss is a sum of terms, one per element of its first argument
// (one per row for cross_entropy), and `Reduction` says what comes back:
//   Mean       the mean of the terms (the default, as in PyTorch);
//   Sum        their sum;
//   BatchMean  their sum divided by N, the size of axis 0: the loss per example (what a VAE's
//              KL term or a contractive penalty usually means).
// The lectures name the reduction at every call, so that a reader never has to look it up.
//
// Inputs outside a loss's domain (a probability of 1.5, a target of 3, a saturated mean
// activation, a label past the last class, a NaN or Inf where only numbers make sense) are a
// DomainError naming the loss, the value and its index; shapes that do not fit are a ShapeError.
// mse_loss has no domain: a NaN in it makes a NaN loss (nn::TrainLog stops on it).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <vector>

#include "autograd/tensor.hpp"

namespace autograd {

// A loss given a value outside its domain: "bce_loss: target = 3 at [0, 2] is outside [0, 1]: ...".
class DomainError : public std::domain_error {
public:
    using std::domain_error::domain_error;
};

enum class Reduction { Mean, Sum, BatchMean };

// Terms (pred - target)^2, one per element: the square loss of Scott slide 4.
template <class T>
BasicTensor<T> mse_loss(const BasicTensor<T>& pred, const BasicTensor<T>& target, Reduction r = Reduction::Mean);

// Terms -[t log p + (1 - t) log(1 - p)] from probabilities p, one per element; p is clamped to
// [eps, 1 - eps] (eps the machine epsilon of T) so that log never sees 0. p and t must lie in
// [0, 1] (DomainError otherwise).
template <class T>
BasicTensor<T> bce_loss(const BasicTensor<T>& p, const BasicTensor<T>& target, Reduction r = Reduction::Mean);

// The same terms from logits z (p = sigmoid z), as max(z, 0) - z t + log(1 + e^-|z|): exact and
// finite for logits of +-1000. z must be finite, t in [0, 1].
template <class T>
BasicTensor<T> bce_with_logits(const BasicTensor<T>& z, const BasicTensor<T>& target, Reduction r = Reduction::Mean);

// Terms -log softmax(logits)[label], one per row of (N, C) logits, with integer labels in [0, C)
// (so Mean and BatchMean agree). Logits must be finite, labels below C.
template <class T>
BasicTensor<T> cross_entropy(const BasicTensor<T>& logits, const std::vector<std::size_t>& labels,
                             Reduction r = Reduction::Mean);

// Sparsity penalty (Scott slide 23): terms p log(p / q_i) + (1 - p) log((1 - p) / (1 - q_i)), the
// KL divergence of Bernoulli(p) to Bernoulli(q_i), one per hidden unit, where q_i (H,) is unit i's
// mean activation over the minibatch; each q_i must be in (0, 1): a saturated unit (q_i exactly 0
// or 1) makes the KL infinite and is a DomainError that says so. The slide's penalty is their Sum.
template <class T>
BasicTensor<T> kl_sparsity(const BasicTensor<T>& q, double p, Reduction r = Reduction::Mean);

// KL(N(mu, exp(logvar)) || N(0, I)) = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j)) for each
// row of (N, D) mu and logvar (Scott slide 28): terms -1/2 (1 + logvar_nj - mu_nj^2 -
// exp(logvar_nj)), one per element. Sum gives the KL summed over the batch, BatchMean the KL per
// example. mu and logvar must be finite.
template <class T>
BasicTensor<T> gaussian_kl(const BasicTensor<T>& mu, const BasicTensor<T>& logvar, Reduction r = Reduction::Mean);

// Contractive penalty (Scott slide 24): ||J||_F^2 = sum_i sum_j (dh_i/dx_j)^2, the squared
// Frobenius norm of the Jacobian of a sigmoid encoder layer h = sigmoid(x W + b), in closed form.
// Since dh_i/dx_j = h_i (1 - h_i) W_ji, for each row of h
//     ||J||_F^2 = sum_i (h_i (1 - h_i))^2 sum_j W_ji^2,
// with h (N, H) the layer's output and W (D, H) its weight (nn::Linear's layout, not PyTorch's
// (H, D)). Terms (h_ni (1 - h_ni))^2 sum_j W_ji^2, one per element of h: BatchMean gives the
// penalty per example, Sum the penalty summed over the batch.
// Gradients reach W directly and through h (so b and x too, when h was computed from them).
// Only valid when h really is sigmoid(x W + b) with this W: the formula is not checked against it,
// but h outside [0, 1] (no sigmoid's output) is a DomainError.
template <class T>
BasicTensor<T> contractive_penalty(const BasicTensor<T>& h, const BasicTensor<T>& W, Reduction r = Reduction::Mean);

}  // namespace autograd
