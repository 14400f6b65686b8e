// exercise.hpp (exercise 12): the functions you write in student.cpp, and the type one of them
// returns. Do not change the signatures or the type.
//
// Dimension letters: N examples (one per row), D features (784 pixels on MNIST), k principal
// components, or code units.
#pragma once

#include <cstddef>
#include <memory>

#include <xtensor/xarray.hpp>

#include "autograd/autograd.hpp"
#include "io/dataset.hpp"
#include "nn/nn.hpp"

namespace ex12 {

// The top k principal directions of the rows of X (N, D), which are NOT centred: a (D, k) matrix
// with orthonormal columns, column j the unit eigenvector of the covariance of the centred data
// with the (j+1)-th largest eigenvalue (column 0: the direction of largest variance).
xt::xarray<double> pca_basis(const xt::xarray<double>& X, std::size_t k);

// The distance between two k-dimensional subspaces of R^D, each given by a spanning matrix whose
// k columns are linearly independent but not necessarily orthonormal, A (D, k) and B (D, k):
//     ||P_A - P_B||_F,     P_A the orthogonal projector onto span(A) (D, D).
// It depends on the subspaces only, not on the bases that span them.
double subspace_distance(const xt::xarray<double>& A, const xt::xarray<double>& B);

// A linear autoencoder D-k-D: the code z = x W_e + b_e (k numbers), the reconstruction
// x_hat = z W_d + b_d. No activation anywhere.
struct LinearAutoencoder {
    std::shared_ptr<nn::Linear> encoder;  // D -> k: weight W_e (D, k), bias b_e (k,)
    std::shared_ptr<nn::Linear> decoder;  // k -> D: weight W_d (k, D), bias b_d (D,)
};

// A linear autoencoder D-k-D, its weights drawn from `gen`, trained on the square loss (the mean
// of (x_hat - x)^2) to reconstruct the images of `data` (N, D), until it has converged; any other
// randomness (the batches' order) from `gen` too.
LinearAutoencoder train_linear_autoencoder(const io::Dataset& data, std::size_t k, autograd::Generator& gen);

// The subspace the decoder maps every code onto, {z W_d : z in R^k} (a subspace of R^D): a (D, k)
// matrix whose columns span it.
xt::xarray<double> decoder_subspace(const LinearAutoencoder& ae);

}  // namespace ex12
