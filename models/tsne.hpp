// tsne.hpp: exact t-SNE (van der Maaten and Hinton, 2008; Scott, Lecture 5, slides 33-34),
// written as a loss of this framework and minimised by its own gradients.
//
// Given N points x_i (N, D), t-SNE looks for y_i (N, 2) whose neighbourhoods match:
//   p_{j|i} = exp(-beta_i |x_i - x_j|^2) / sum_{k != i} exp(-beta_i |x_i - x_k|^2),  p_{i|i} = 0,
//             beta_i = 1 / (2 sigma_i^2) chosen by binary search so that the perplexity
//             2^H(P_i), H(P_i) = -sum_j p_{j|i} log2 p_{j|i}, equals the one asked for;
//   p_ij    = (p_{j|i} + p_{i|j}) / (2N)                      (symmetric, sums to 1);
//   q_ij    = w_ij / sum_{k != l} w_kl,  w_ij = (1 + |y_i - y_j|^2)^-1   (Student t, one degree
//             of freedom: heavy tails, so moderately far points may sit far apart in 2-D);
//   loss    = KL(P || Q) = sum_{i != j} p_ij log(p_ij / q_ij).
// Its gradient, for checking the engine's: dKL/dy_i = 4 sum_j (p_ij - q_ij) w_ij (y_i - y_j).
//
// For comparison, symmetric SNE (the same P, the same KL) with a Gaussian kernel in the embedding:
//   q_ij    = g_ij / sum_{k != l} g_kl,  g_ij = exp(-|y_i - y_j|^2),
//   dKL/dy_i = 4 sum_j (p_ij - q_ij) (y_i - y_j).
// Its light tails cause what slide 34 calls the crowding problem: to match a moderate p_ij, a
// Gaussian q_ij needs a moderate distance, 2-D has no room for all of a point's moderately
// distant neighbours at moderate distances, and the many small pulls towards them crush the
// clusters together in the middle of the map. The Student t's heavy tail matches the same p_ij
// at a much larger distance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <xtensor/xarray.hpp>

#include "autograd/random.hpp"
#include "autograd/tensor.hpp"

namespace models {

// Squared Euclidean distances |x_i - x_j|^2 between the rows of x (N, D): (N, N), in double.
xt::xarray<double> squared_distances(const xt::xarray<double>& x);

// The conditional affinities p_{j|i} (N, N), each row calibrated by binary search on beta_i
// until its perplexity is within `tolerance` of `perplexity` (or 200 halvings have passed).
// `distances` are squared distances (N, N). Needs 1 <= perplexity < N - 1: a point cannot have
// more effective neighbours than there are other points (std::invalid_argument otherwise).
xt::xarray<double> conditional_affinities(const xt::xarray<double>& distances, double perplexity,
                                          double tolerance = 1e-5);

// The perplexity 2^H of one row of conditional affinities (the diagonal entry, 0, is skipped).
double row_perplexity(const xt::xarray<double>& p_conditional, std::size_t row);

// p_ij = (p_{j|i} + p_{i|j}) / (2N): symmetric, zero diagonal, summing to 1.
xt::xarray<double> joint_affinities(const xt::xarray<double>& p_conditional);

// KL(P || Q) for the embedding y (N, 2) and the joint affinities p (N, N) (a constant), as a
// graph of differentiable ops: backward() gives dKL/dy. Written as
//   KL = sum p log p + H(P, Q),  H(P, Q) = -sum p log q = sum_{i != j} p_ij log(1 / w_ij) + log Z
// (since q_ij = w_ij / Z and sum p = 1), which needs no log of a zero q_ii.
template <class T>
autograd::BasicTensor<T> tsne_loss(const autograd::BasicTensor<T>& y, const autograd::BasicTensor<T>& p);

// The cross-entropy H(P, Q) alone: KL(P || Q) less the constant sum p log p. Same gradient, and
// no pass over the N^2 logarithms of p, so it is what the optimiser minimises.
template <class T>
autograd::BasicTensor<T> tsne_cross_entropy(const autograd::BasicTensor<T>& y, const autograd::BasicTensor<T>& p);

// The closed-form gradient 4 sum_j (p_ij - q_ij) w_ij (y_i - y_j), (N, 2), for the check.
xt::xarray<double> tsne_gradient(const xt::xarray<double>& y, const xt::xarray<double>& p);

// SNE (Gaussian kernel) in place of t-SNE (Student t): KL(P || Q) with the Gaussian q_ij above,
// as a graph of differentiable ops; the cross-entropy H(P, Q) alone (what the optimiser
// minimises); and its closed-form gradient 4 sum_j (p_ij - q_ij) (y_i - y_j), (N, 2).
template <class T>
autograd::BasicTensor<T> sne_loss(const autograd::BasicTensor<T>& y, const autograd::BasicTensor<T>& p);
template <class T>
autograd::BasicTensor<T> sne_cross_entropy(const autograd::BasicTensor<T>& y, const autograd::BasicTensor<T>& p);
xt::xarray<double> sne_gradient(const xt::xarray<double>& y, const xt::xarray<double>& p);

// The kernel that turns distances in the embedding into q_ij (Scott slide 34).
enum class Kernel {
    StudentT,  // t-SNE: w_ij = (1 + |y_i - y_j|^2)^-1
    Gaussian,  // symmetric SNE: g_ij = exp(-|y_i - y_j|^2)
};

struct TSNEOptions {
    Kernel kernel = Kernel::StudentT;
    double perplexity = 30.0;
    std::size_t iterations = 1000;
    double learning_rate = 200.0;
    double exaggeration = 12.0;  // P multiplied by this for the first iterations
    std::size_t exaggeration_iterations = 250;
    double momentum = 0.5;        // for the first exaggeration_iterations, then...
    double final_momentum = 0.8;  // ...this
};

// Embeds the rows of x (N, D) in 2-D: calibrates P, starts from y ~ N(0, 1e-4 I), and runs
// gradient descent with momentum on KL(P || Q), the gradient coming from the backward() of
// tsne_cross_entropy (or sne_cross_entropy with Kernel::Gaussian); `report` gets the KL itself.
// `report(iteration, kl)` is called every 100 iterations and at the end (may be empty).
xt::xarray<float> tsne(const xt::xarray<double>& x, const TSNEOptions& options, autograd::Generator& gen,
                       const std::function<void(std::size_t, double)>& report = {});

}  // namespace models
