// Exercise 12: a linear autoencoder learns PCA's subspace. Read README.md first.
//
// Fill in the four bodies below; `./lab check 12` grades them.
#include <cmath>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex12 {

using autograd::Tensor;

// The top k principal directions of the rows of X (N, D), as the orthonormal columns of (D, k),
// largest variance first.
xt::xarray<double> pca_basis(const xt::xarray<double>& X, std::size_t k) {
    // 1. Centre: subtract the mean row from every row.
    // 2. The covariance C (D, D) of the centred rows.
    // 3. Its eigenvectors with the k largest eigenvalues (xt::linalg::eigh: read what order it
    //    returns them in, and where it puts each eigenvector), largest first.
    lab::hole("pca_basis: the top k eigenvectors of the covariance", X, k);
}

// ||P_A - P_B||_F, P the orthogonal projector onto the span of the columns.
double subspace_distance(const xt::xarray<double>& A, const xt::xarray<double>& B) {
    // 1. An orthonormal basis Q of each span (xt::linalg::qr).
    // 2. The two projectors Q Q^T (D, D), and the Frobenius norm of their difference.
    lab::hole("subspace_distance: ||P_A - P_B||_F", A, B);
}

// A D-k-D linear autoencoder (two nn::Linear, with biases), trained until it has converged.
LinearAutoencoder train_linear_autoencoder(const io::Dataset& data, std::size_t k, autograd::Generator& gen) {
    // 1. The two layers, from gen; an optimizer over their four parameters.
    // 2. Minibatches (nn::DataLoader, seeded from gen.next_u64()); for each: zero the gradients,
    //    the loss mse_loss(decoder(encoder(x)), x), backward, step.
    // 3. Enough epochs, and a smaller learning rate at the end, for the subspace to settle.
    lab::hole("train_linear_autoencoder: the model and its training", data, k, gen);
}

// The decoder's subspace {z W_d}, as the columns of a (D, k) matrix.
xt::xarray<double> decoder_subspace(const LinearAutoencoder& ae) {
    // nn::Linear computes z W + b, with W (in, out): which of W_d's rows or columns does z mix?
    lab::hole("decoder_subspace: a (D, k) basis of the decoder's outputs", ae);
}

}  // namespace ex12
