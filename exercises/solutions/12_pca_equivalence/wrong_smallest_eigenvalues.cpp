// expect-hint: the eigenvectors of the k smallest eigenvalues
// mistake: the first k columns of eigh's matrix taken as the top k, but eigh sorts the eigenvalues increasing: they are the smallest
// expect-check: pca_basis: column j is an eigenvector of the covariance, with the (j+1)-th largest eigenvalue
// The reference solution of exercise 12.
#include <cmath>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "exercise.hpp"

namespace ex12 {

using autograd::Tensor;

// The top k principal directions of the rows of X (N, D), as the orthonormal columns of (D, k),
// largest variance first.
xt::xarray<double> pca_basis(const xt::xarray<double>& X, std::size_t k) {
    const std::size_t N = X.shape()[0];
    const xt::xarray<double> mean = xt::mean(X, {0});  // (D,)
    const xt::xarray<double> centred = X - mean;       // (N, D)
    // The covariance (D, D), and its eigenvectors: eigh returns the eigenvalues in increasing
    // order, and the eigenvector of values(i) as the column vectors(:, i).
    const xt::xarray<double> C = xt::linalg::dot(xt::transpose(centred), centred) / static_cast<double>(N);
    const auto [values, vectors] = xt::linalg::eigh(C);
    const std::size_t first = 0;  // MISTAKE
    // Turned round, so that the largest eigenvalue's comes first: (D, k).
    return xt::flip(xt::view(vectors, xt::all(), xt::range(first, first + k)), 1);
}

// The orthogonal projector onto the span of A's columns: Q Q^T, Q an orthonormal basis of it.
xt::xarray<double> projector(const xt::xarray<double>& A) {
    const auto [Q, R] = xt::linalg::qr(A);        // Q (D, k), A = Q R
    return xt::linalg::dot(Q, xt::transpose(Q));  // (D, D)
}

// ||P_A - P_B||_F, P the orthogonal projector onto the span of the columns.
double subspace_distance(const xt::xarray<double>& A, const xt::xarray<double>& B) {
    const xt::xarray<double> difference = projector(A) - projector(B);  // (D, D)
    return std::sqrt(xt::sum(xt::square(difference))());
}

// A D-k-D linear autoencoder (two nn::Linear, with biases), trained until it has converged.
LinearAutoencoder train_linear_autoencoder(const io::Dataset& data, std::size_t k, autograd::Generator& gen) {
    const std::size_t D = data.images.shape()[1];
    const auto encoder = std::make_shared<nn::Linear>(D, k, gen);
    const auto decoder = std::make_shared<nn::Linear>(k, D, gen);
    nn::Adam adam({encoder->weight, encoder->bias, decoder->weight, decoder->bias}, /*lr=*/1e-2);
    nn::DataLoader loader(data, /*batch_size=*/100, /*shuffle=*/true, gen.next_u64());
    const std::size_t epochs = 30;
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        if (epoch == 20) adam.lr = 1e-3;  // the last third at a tenth of the rate: the subspace settles
        for (const nn::Batch& batch : loader) {
            adam.zero_grad();
            const Tensor x_hat = (*decoder)((*encoder)(batch.x));  // (B, D)
            Tensor loss = autograd::mse_loss(x_hat, batch.x);      // ()
            loss.backward();
            adam.step();
        }
    }
    return {encoder, decoder};
}

// The decoder's subspace {z W_d}, as the columns of a (D, k) matrix: z W_d mixes W_d's k rows.
xt::xarray<double> decoder_subspace(const LinearAutoencoder& ae) {
    return xt::transpose(xt::cast<double>(ae.decoder->weight.value()));  // (D, k)
}

}  // namespace ex12
