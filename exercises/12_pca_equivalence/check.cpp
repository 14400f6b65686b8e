// check.cpp (exercise 12): grades ex12's PCA basis, its subspace distance and its linear
// autoencoder. Everything the checks compare against is computed here from the definitions (an
// eigenvalue equation, principal angles built into the test bases, PCA's error as the sum of the
// dropped eigenvalues). The small cases come from the grader's seed; the MNIST part reads 3,000
// training images that the seed picks.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xview.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"
#include "io/io.hpp"

using autograd::Generator;
using autograd::Tensor;
using Matrix = xt::xarray<double>;

namespace {

constexpr std::size_t kImages = 3000;       // the MNIST training images the AE and PCA see
constexpr double kSubspaceTolerance = 0.2;  // ||P_AE - P_PCA||_F after training (random: about sqrt(2k))
constexpr double kMseMargin = 0.05;         // the AE's MSE above PCA-k's, in units of lambda_k / D

// ---- linear algebra, the check's own --------------------------------------------------------
Matrix dot(const Matrix& a, const Matrix& b) { return xt::linalg::dot(a, b); }
Matrix transpose(const Matrix& a) { return xt::transpose(a); }
double frobenius(const Matrix& a) { return std::sqrt(xt::sum(xt::square(a))()); }

// An orthonormal basis of the span of A's columns (D, k): the Q of its reduced QR.
Matrix orthonormal_basis(const Matrix& A) {
    auto [q, r] = xt::linalg::qr(A);
    return q;
}

// ||P_A - P_B||_F with P = Q Q^T.
double distance(const Matrix& A, const Matrix& B) {
    const Matrix qa = orthonormal_basis(A), qb = orthonormal_basis(B);
    return frobenius(dot(qa, transpose(qa)) - dot(qb, transpose(qb)));
}

Matrix gaussian(std::size_t rows, std::size_t cols, Generator& gen) {
    return autograd::randn<double>({rows, cols}, gen).value();
}

// A random (n, n) orthogonal matrix: the Q of a Gaussian matrix.
Matrix random_orthogonal(std::size_t n, Generator& gen) { return orthonormal_basis(gaussian(n, n, gen)); }

// A random invertible (k, k) mixing of k columns, Q1 diag(s) Q2 with singular values s in [0.3, 3]:
// A M spans what A spans, with other columns.
Matrix random_mixing(std::size_t k, Generator& gen) {
    xt::xarray<double> s = xt::zeros<double>({k});
    for (std::size_t i = 0; i < k; ++i) s(i) = gen.uniform(0.3, 3.0);
    const Matrix left = random_orthogonal(k, gen) * s;  // Q1 diag(s): column j times s_j
    return dot(left, random_orthogonal(k, gen));
}

// The covariance of the rows of X (N, D) about their mean, (1/N) (X - mu)^T (X - mu): (D, D).
Matrix covariance(const Matrix& X) {
    const Matrix mu = xt::mean(X, {0});
    const Matrix centred = X - mu;
    return dot(transpose(centred), centred) / static_cast<double>(X.shape()[0]);
}

// A symmetric matrix's eigenvalues, decreasing (D,), and the matching unit eigenvectors as the
// columns of `vectors` (D, D); `lapack_vectors` is eigh's own matrix, increasing order.
struct Eigen {
    Matrix values, vectors, lapack_vectors;
};
Eigen eigen_decreasing(const Matrix& S) {
    auto [values, vectors] = xt::linalg::eigh(S);
    return {xt::flip(values, 0), xt::flip(vectors, 1), vectors};
}

// ---- what a basis U (D, k) is, against a data set's covariance ------------------------------
// ||S u - (u^T S u) u|| for column j of U: 0 when u is an eigenvector of S (its eigenvalue u^T S u).
double eigen_residual(const Matrix& S, const Matrix& U, std::size_t j) {
    const Matrix u = xt::view(U, xt::all(), j);
    const Matrix Su = dot(S, u);
    const double quotient = xt::sum(u * Su)();
    return frobenius(Su - quotient * u);
}
// u^T S u for column j of U: the variance along u when S is a covariance (the Rayleigh quotient).
double rayleigh(const Matrix& S, const Matrix& U, std::size_t j) {
    const Matrix u = xt::view(U, xt::all(), j);
    return xt::sum(u * dot(S, u))();
}
// Every column of U an eigenvector of S, to `tolerance`.
bool all_eigenvectors(const Matrix& S, const Matrix& U, double tolerance) {
    for (std::size_t j = 0; j < U.shape()[1]; ++j)
        if (!(eigen_residual(S, U, j) <= tolerance)) return false;
    return true;
}
// The numbers in `got` are those in `want`, in some order, to `tolerance`.
bool same_numbers(std::vector<double> got, std::vector<double> want, double tolerance) {
    std::sort(got.begin(), got.end()), std::sort(want.begin(), want.end());
    for (std::size_t i = 0; i < got.size(); ++i)
        if (!(std::abs(got[i] - want[i]) <= tolerance)) return false;
    return got.size() == want.size();
}
// Every column of U is, up to the signs and order of its entries, a row of `rows`: the entries'
// sizes, sorted, agree (a column and a row of eigh's matrix share no more than that by chance).
bool columns_are_rows(const Matrix& U, const Matrix& rows) {
    const auto sorted_abs = [](const Matrix& v) {
        std::vector<double> s(v.begin(), v.end());
        for (double& x : s) x = std::abs(x);
        std::sort(s.begin(), s.end());
        return s;
    };
    for (std::size_t j = 0; j < U.shape()[1]; ++j) {
        const std::vector<double> column = sorted_abs(xt::view(U, xt::all(), j));
        bool found = false;
        for (std::size_t i = 0; i < rows.shape()[0] && !found; ++i)
            found = same_numbers(column, sorted_abs(xt::view(rows, i, xt::all())), 1e-8);
        if (!found) return false;
    }
    return true;
}

const char* const kBasisHint =
    "centre the rows (subtract the mean row), form the covariance C = Xc^T Xc / N (D, D), and keep the "
    "eigenvectors of its k largest eigenvalues, largest first";
const char* const kNotCentredHint =
    "your columns are eigenvectors of X^T X / N, the second moment of the data about 0, not of its covariance: "
    "subtract the mean row from every row first. Uncentred, the top direction points at the mean image instead "
    "of along the largest spread around it";
const char* const kRowsHint =
    "your columns are rows of the matrix xt::linalg::eigh returns: eigh puts each eigenvector in a column "
    "(vectors(:, i) goes with values(i)). Rows of an orthogonal matrix are orthonormal too, which is why "
    "nothing else looked wrong";
const char* const kSmallestHint =
    "your columns are the eigenvectors of the k smallest eigenvalues: xt::linalg::eigh returns the eigenvalues "
    "in increasing order, so the top k are its LAST k columns (and the first ones are the directions the data "
    "hardly vary along)";
const char* const kOrderHint =
    "the right k eigenvectors, in the wrong order: column 0 must be the direction of largest variance. "
    "xt::linalg::eigh returns increasing eigenvalues: turn its last k columns round (xt::flip along axis 1)";

// Why U (D, k), a basis returned for the data X, fails to be its top k principal directions.
std::string diagnose_basis(const Matrix& U, const Matrix& X, const Matrix& C, const Eigen& e) {
    const std::size_t k = U.shape()[1];
    const double tolerance = 1e-8 * e.values(0);
    std::vector<double> quotients;
    for (std::size_t j = 0; j < k; ++j) quotients.push_back(rayleigh(C, U, j));
    if (all_eigenvectors(C, U, tolerance)) {
        const std::vector<double> top(e.values.begin(), e.values.begin() + static_cast<long>(k));
        const std::vector<double> bottom(e.values.end() - static_cast<long>(k), e.values.end());
        if (same_numbers(quotients, bottom, tolerance) && !same_numbers(quotients, top, tolerance))
            return kSmallestHint;
        if (same_numbers(quotients, top, tolerance)) return kOrderHint;
        return std::string(
                   "your columns are eigenvectors of the covariance, but not those of the k largest "
                   "eigenvalues. ") +
               kBasisHint;
    }
    const Matrix second_moment = dot(transpose(X), X) / static_cast<double>(X.shape()[0]);  // (D, D)
    const Eigen m = eigen_decreasing(second_moment);
    if (all_eigenvectors(second_moment, U, 1e-8 * m.values(0))) return kNotCentredHint;
    if (columns_are_rows(U, e.lapack_vectors)) return kRowsHint;
    return kBasisHint;
}

// Checks that U is a (D, k) matrix with orthonormal columns, returned for data of N rows.
void expect_orthonormal_basis(lab::Check& c, const std::string& what, const Matrix& U, std::size_t N, std::size_t D,
                              std::size_t k) {
    const bool two_d = U.shape().size() == 2;
    c.expect_shape(what, U.shape(), {D, k},
                   two_d && U.shape()[0] == N
                       ? "your basis has N rows, one per example: it lives in the space of the examples (the columns "
                         "of U in an SVD Xc = U S V^T, or eigenvectors of Xc Xc^T). The principal directions live "
                         "in R^D, the space of the features: eigenvectors of the (D, D) covariance Xc^T Xc / N, or "
                         "rows of V^T"
                   : two_d && U.shape()[0] == k && U.shape()[1] == D
                       ? "one direction per COLUMN: return a (D, k) matrix, the transpose of yours"
                       : "a (D, k) matrix: one principal direction of R^D per column");
    c.expect_finite(what, U, kBasisHint);
    const Matrix gram = dot(transpose(U), U);  // (k, k)
    const double off_identity = xt::amax(xt::abs(gram - xt::eye<double>(k)))();
    c.expect(off_identity <= 1e-10, what + ": U^T U", "the identity (within 1e-10): orthonormal columns",
             fmt::format("{:.3g} away from it; its diagonal {}", off_identity,
                         lab::values_text(xt::xarray<double>(xt::diagonal(gram)))),
             "each column a unit vector, each orthogonal to the others: eigh's eigenvectors already are (do not "
             "scale them, e.g. by the eigenvalues or their square roots); an SVD's rows of V^T are too");
}

// "2nd", "3rd", "4th", ..., "11th", "21st", ...
std::string ordinal(std::size_t n) {
    const std::size_t last = n % 10, tens = n % 100 / 10;
    const char* suffix = tens == 1 ? "th" : last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th";
    return fmt::format("{}{}", n, suffix);
}

// Checks that U (D, k) holds the top k principal directions of X (N, D), against the definition:
// orthonormal columns, column j an eigenvector of the covariance C with its (j+1)-th largest
// eigenvalue.
void expect_principal_directions(lab::Check& c, const std::string& what, const Matrix& U, const Matrix& X,
                                 const Matrix& C, const Eigen& e, std::size_t k) {
    expect_orthonormal_basis(c, what, U, X.shape()[0], C.shape()[0], k);
    const double tolerance = 1e-8 * e.values(0);
    for (std::size_t j = 0; j < k; ++j) {
        const double residual = eigen_residual(C, U, j), quotient = rayleigh(C, U, j);
        const bool ok = residual <= tolerance && std::abs(quotient - e.values(j)) <= tolerance;
        c.expect(ok, fmt::format("{}: column {} against the covariance C of the centred data", what, j),
                 fmt::format("C u = lambda u with lambda = {:.6g}, the {}largest eigenvalue (within {:.1g})",
                             e.values(j), j == 0 ? "" : ordinal(j + 1) + " ", tolerance),
                 fmt::format("||C u - (u^T C u) u|| = {:.3g}, u^T C u = {:.6g}", residual, quotient),
                 diagnose_basis(U, X, C, e));
    }
}

// ---- the distance's usual wrong versions, computed here ---------------------------------------
struct DistanceCandidates {
    double right, entrywise, raw_projector, one_sided, squared, largest_angle, largest_sine;
};
DistanceCandidates candidates(const Matrix& A, const Matrix& B) {
    DistanceCandidates d{};
    d.right = distance(A, B);
    d.entrywise = A.shape() == B.shape() ? frobenius(A - B) : -1.0;
    d.raw_projector = frobenius(dot(A, transpose(A)) - dot(B, transpose(B)));
    d.one_sided = d.right / std::sqrt(2.0);  // ||(I - P_A) Q_B||_F = sqrt(sum sin^2)
    d.squared = d.right * d.right;
    // The principal angles: cosines are the singular values of Q_A^T Q_B.
    const Matrix qa = orthonormal_basis(A), qb = orthonormal_basis(B);
    auto [u, s, vt] = xt::linalg::svd(dot(transpose(qa), qb));
    const double smallest_cosine = std::clamp(xt::amin(s)(), -1.0, 1.0);
    d.largest_angle = std::acos(smallest_cosine);
    d.largest_sine = std::sin(d.largest_angle);
    return d;
}

bool near(double got, double want, double tolerance = 1e-9) {
    return std::abs(got - want) <= tolerance * (1.0 + std::abs(want));
}

const char* const kDistanceHint =
    "orthonormalise each spanning matrix (Q from xt::linalg::qr), form P = Q Q^T (D, D) for each, and return "
    "the Frobenius norm of P_A - P_B";
const char* const kEntrywiseHint =
    "you compared the matrices entry by entry (||A - B||_F): two bases of one subspace differ entry by entry (any "
    "invertible mixing of the columns spans the same), so a correct autoencoder would look 'different' from PCA. "
    "Compare the projectors onto the spans, which depend on the subspace only";
const char* const kRawProjectorHint =
    "you projected with A A^T, but A's columns are not orthonormal: A A^T is the projector only when A^T A = I. "
    "Orthonormalise first (Q from xt::linalg::qr(A): P_A = Q Q^T), or use A (A^T A)^-1 A^T";

// Why `got` is not subspace_distance(A, B).
std::string diagnose_distance(double got, const Matrix& A, const Matrix& B) {
    const DistanceCandidates d = candidates(A, B);
    if (d.entrywise >= 0.0 && near(got, d.entrywise, 1e-6)) return kEntrywiseHint;
    if (near(got, d.raw_projector, 1e-6)) return kRawProjectorHint;
    if (near(got, d.squared, 1e-6))
        return std::string("that is the square of the distance: take the square root of the sum of squares. ") +
               kDistanceHint;
    if (near(got, d.one_sided, 1e-6))
        return "that is ||(I - P_A) Q_B||_F = sqrt(sum_i sin^2 theta_i), one side only: ||P_A - P_B||_F counts "
               "both, sqrt(2 sum_i sin^2 theta_i)";
    if (near(got, d.largest_angle, 1e-6) || near(got, d.largest_sine, 1e-6))
        return "the largest principal angle (or its sine) is another measure of the same thing; this exercise's "
               "distance is ||P_A - P_B||_F = sqrt(2 sum_i sin^2 theta_i), which sees every angle";
    return kDistanceHint;
}

// ---- the MNIST part -----------------------------------------------------------------------
// Some training images that the seed picks, PCA of them, and the k to use.
struct Mnist {
    io::Dataset data;   // (kImages, D) float
    Matrix X, C;        // (N, D) the same in float64; (D, D) their covariance
    Eigen eigen;        // C's, decreasing
    std::size_t k = 0;  // the number of components: the widest relative gap after lambda_k
    Matrix U;           // (D, k) PCA's top k directions, the check's own
    double pca_mse = 0.0, mean_image_mse = 0.0;
};

Mnist load_mnist_part(Generator& gen) {
    const io::Dataset all = io::load_mnist(io::default_mnist_dir(), /*train=*/true);
    std::vector<std::size_t> pick = gen.permutation(all.size());
    pick.resize(kImages);
    Mnist m;
    m.data.images = xt::view(all.images, xt::keep(pick), xt::all());
    for (std::size_t i : pick) m.data.labels.push_back(all.labels[i]);
    m.X = xt::cast<double>(m.data.images);
    m.C = covariance(m.X);
    m.eigen = eigen_decreasing(m.C);
    // How fast a linear AE's subspace settles depends on the gap between lambda_k and lambda_k+1:
    // the k from 4 to 10 with the widest relative gap (on MNIST, 6: a gap of about a quarter).
    double widest = -1.0;
    for (std::size_t k = 4; k <= 10; ++k) {
        const double gap = (m.eigen.values(k - 1) - m.eigen.values(k)) / m.eigen.values(k - 1);
        if (gap > widest) widest = gap, m.k = k;
    }
    m.U = xt::view(m.eigen.vectors, xt::all(), xt::range(0, m.k));
    const auto D = static_cast<double>(m.X.shape()[1]);
    // PCA-k's error, per pixel: the variance along the dropped directions, sum_{j > k} lambda_j / D.
    m.pca_mse = xt::sum(xt::view(m.eigen.values, xt::range(m.k, m.eigen.values.size())))() / D;
    m.mean_image_mse = xt::sum(m.eigen.values)() / D;  // reconstructing every image as the mean image
    return m;
}

// How far an MSE is above PCA-k's, in units of lambda_k / D: what the k-th component is worth
// (PCA-(k-1) is at 1).
double mse_excess(double mse, const Mnist& m) {
    return (mse - m.pca_mse) / (m.eigen.values(m.k - 1) / static_cast<double>(m.X.shape()[1]));
}

// A layer's bias as float64; 0 for a layer made without one.
Matrix bias_of(const nn::Linear& layer) {
    if (!layer.bias.defined()) return xt::zeros<double>({layer.out_features()});
    return xt::cast<double>(layer.bias.value());
}

// The AE's reconstruction MSE on X, in float64 from its float32 weights, mean over N x D.
double autoencoder_mse(const ex12::LinearAutoencoder& ae, const Matrix& X) {
    const Matrix We = xt::cast<double>(ae.encoder->weight.value()), Wd = xt::cast<double>(ae.decoder->weight.value());
    const Matrix be = bias_of(*ae.encoder), bd = bias_of(*ae.decoder);
    const Matrix z = dot(X, We) + be;      // (N, k)
    const Matrix x_hat = dot(z, Wd) + bd;  // (N, D)
    return xt::mean(xt::square(x_hat - X))();
}

// A copy of the student's trained AE (with biases, zero where it had none), trained further by the
// check as the reference trains from scratch: 30 epochs of Adam, 1e-2 then 1e-3 for the last 10.
// Used only to explain a failure: did the training stop too early?
ex12::LinearAutoencoder trained_further(const ex12::LinearAutoencoder& ae, const io::Dataset& data, Generator& gen) {
    const std::size_t D = ae.encoder->weight.shape()[0], k = ae.encoder->weight.shape()[1];
    ex12::LinearAutoencoder more{std::make_shared<nn::Linear>(D, k, gen), std::make_shared<nn::Linear>(k, D, gen)};
    more.encoder->weight.mutable_value() = ae.encoder->weight.value();
    more.encoder->bias.mutable_value() = xt::cast<float>(bias_of(*ae.encoder));
    more.decoder->weight.mutable_value() = ae.decoder->weight.value();
    more.decoder->bias.mutable_value() = xt::cast<float>(bias_of(*ae.decoder));
    nn::Adam adam({more.encoder->weight, more.encoder->bias, more.decoder->weight, more.decoder->bias}, 1e-2);
    nn::DataLoader loader(data, /*batch_size=*/100, /*shuffle=*/true, gen.next_u64());
    for (std::size_t epoch = 0; epoch < 30; ++epoch) {
        if (epoch == 20) adam.lr = 1e-3;
        for (const nn::Batch& batch : loader) {
            adam.zero_grad();
            Tensor loss = autograd::mse_loss((*more.decoder)((*more.encoder)(batch.x)), batch.x);
            loss.backward();
            adam.step();
        }
    }
    return more;
}

Matrix decoder_span(const ex12::LinearAutoencoder& ae) {
    return xt::transpose(xt::cast<double>(ae.decoder->weight.value()));  // (D, k)
}

const char* const kNoBiasHint =
    "the images are not centred (their mean is a digit-shaped blur, far from 0): without b_e and b_d the "
    "autoencoder must spend part of its k code units on the mean, where PCA subtracts it. Keep the biases "
    "(nn::Linear has them unless told otherwise) and train them";
const char* const kNotTrainingHint =
    "your autoencoder reconstructs no better than the mean image would: the training loop does not train. An "
    "optimizer over all four parameters (both weights, both biases), and for every batch zero_grad(), the loss "
    "mse_loss(decoder(encoder(x)), x), backward(), step()";

// Why a trained AE missed a target: a loop that does not train, one that stopped too early (the
// check trains a copy further and measures again), or neither.
std::string diagnose_training(const ex12::LinearAutoencoder& ae, const Mnist& m, Generator& gen) {
    if (!ae.encoder->bias.defined() || !ae.decoder->bias.defined()) return kNoBiasHint;
    const double mse = autoencoder_mse(ae, m.X);
    if (!(mse < m.mean_image_mse)) return kNotTrainingHint;
    const ex12::LinearAutoencoder more = trained_further(ae, m.data, gen);
    const double d0 = distance(decoder_span(ae), m.U), d1 = distance(decoder_span(more), m.U);
    const double e0 = mse_excess(mse, m), e1 = mse_excess(autoencoder_mse(more, m.X), m);
    if (d1 <= kSubspaceTolerance && d1 < 0.5 * d0)
        return fmt::format(
            "your training stopped before it converged: trained 30 epochs more by the check, the same autoencoder "
            "comes to a distance {:.3f} from PCA's subspace (yours: {:.3f}) and an MSE {:.3f} lambda_k / D above "
            "PCA-{}'s (yours: {:.3f}). Converged means that more steps no longer move the decoder's subspace; the "
            "MSE flattens long before it does (turning a direction between lambda_k and lambda_k+1 costs little). "
            "Train more epochs, and lower the learning rate for the last ones (a tenth), so that the weights "
            "settle instead of jittering",
            d1, d0, e1, m.k, e0);
    return "the decoder of a linear autoencoder trained to convergence on the square loss spans PCA's subspace: "
           "check the model (z = x W_e + b_e, x_hat = z W_d + b_d, no activation), the loss "
           "(mse_loss(x_hat, x)), and the loop (zero_grad, backward, step on every batch)";
}

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("12", "PCA equivalence: a linear autoencoder learns PCA's subspace", argc, argv,
                       /*default_seed=*/4112);

    // ---- a small data set with a known structure, for pca_basis ----
    Generator setup = grader.generator(1);
    const std::size_t D = 6 + setup.below(11), N = 5 * D + setup.below(100), k = 2 + setup.below(D / 2 - 1);
    // x = mu + R diag(s) z, z ~ N(0, I): variances s_j^2 along the columns of a rotation R, spread
    // out (s_j = 3 x 0.8^j), and a mean far from 0 (as a digit's mean image is).
    xt::xarray<double> spreads = xt::zeros<double>({D});
    for (std::size_t j = 0; j < D; ++j) spreads(j) = 3.0 * std::pow(0.8, static_cast<double>(j));
    const Matrix rotation = random_orthogonal(D, setup);
    const Matrix mu = 4.0 * spreads(0) * xt::view(random_orthogonal(D, setup), xt::all(), 0);
    const Matrix X_small = dot(gaussian(N, D, setup) * spreads, transpose(rotation)) + mu;  // (N, D)
    const Matrix C_small = covariance(X_small);
    const Eigen e_small = eigen_decreasing(C_small);
    const std::string what_small = fmt::format("pca_basis(X, k = {}), X of shape ({}, {})", k, N, D);

    grader.check("pca_basis: a (D, k) matrix with orthonormal columns",
                 [&](lab::Check& c) { expect_orthonormal_basis(c, what_small, ex12::pca_basis(X_small, k), N, D, k); });

    const std::string eigen_title =
        "pca_basis: column j is an eigenvector of the covariance, with the (j+1)-th largest eigenvalue";
    grader.check(eigen_title, [&](lab::Check& c) {
        expect_principal_directions(c, what_small, ex12::pca_basis(X_small, k), X_small, C_small, e_small, k);
    });

    // The MNIST part, loaded once, when a check first needs it.
    std::optional<Mnist> mnist;
    const auto mnist_part = [&](lab::Check& c) -> const Mnist& {
        if (!mnist) {
            try {
                Generator pick = grader.generator(2);
                mnist = load_mnist_part(pick);
            } catch (const std::exception& e) {
                c.fail("MNIST's training images", "the files in data/mnist/", e.what(),
                       "run ./lab fetch mnist (or set MNIST_DIR to the folder that holds them)");
            }
        }
        return *mnist;
    };

    grader.check("pca_basis on MNIST: the top k directions, and the variance they keep", [&](lab::Check& c) {
        const Mnist& m = mnist_part(c);
        const Matrix U = ex12::pca_basis(m.X, m.k);
        const std::string what = fmt::format("pca_basis(X, k = {}), X {} MNIST images (N, 784)", m.k, kImages);
        expect_principal_directions(c, what, U, m.X, m.C, m.eigen, m.k);
        // Variance kept: trace(U^T C U) = lambda_1 + ... + lambda_k, the most any k directions keep.
        const double kept = xt::sum(xt::diagonal(dot(transpose(U), dot(m.C, U))))();
        const double top = xt::sum(xt::view(m.eigen.values, xt::range(0, m.k)))();
        c.note(fmt::format("PCA-{} keeps {:.1f}% of the variance: {:.4f} of {:.4f} (trace U^T C U)", m.k,
                           100.0 * kept / xt::sum(m.eigen.values)(), kept, xt::sum(m.eigen.values)()));
        c.expect(std::abs(kept - top) <= 1e-9 * top, what + ": the variance it keeps, trace(U^T C U)",
                 fmt::format("{:.10g}, the sum of the {} largest eigenvalues", top, m.k), fmt::format("{:.10g}", kept),
                 diagnose_basis(U, m.X, m.C, m.eigen));
    });

    grader.check("subspace_distance is 0 for one subspace given by two bases", [&](lab::Check& c) {
        Generator gen = grader.generator(3);
        const std::size_t dim = 8 + gen.below(23), rank = 2 + gen.below(dim / 3 - 1);
        const Matrix A = gaussian(dim, rank, gen);
        const Matrix B = dot(A, random_mixing(rank, gen));  // the same span, other columns
        // Within 1e-6, not 1e-12: the distance through sqrt(2k - 2 ||Q_A^T Q_B||_F^2), as right as
        // the projectors' difference, loses half its digits to the cancellation when it is 0.
        const double same = ex12::subspace_distance(A, A);
        c.expect(std::abs(same) <= 1e-6, fmt::format("subspace_distance(A, A), A ({}, {})", dim, rank),
                 "0 (within 1e-6)", fmt::format("{:.6g}", same), diagnose_distance(same, A, A));
        const double mixed = ex12::subspace_distance(A, B);
        c.expect(std::abs(mixed) <= 1e-6,
                 fmt::format("subspace_distance(A, A M), A ({}, {}), M an invertible ({}, {}) mixing of its columns",
                             dim, rank, rank, rank),
                 "0 (within 1e-6): A M spans what A spans", fmt::format("{:.6g}", mixed),
                 diagnose_distance(mixed, A, B));
    });

    const std::string angles_title =
        "subspace_distance is right when the principal angles are known, whatever the bases";
    grader.check(angles_title, [&](lab::Check& c) {
        Generator gen = grader.generator(4);
        const std::size_t dim = 8 + gen.below(23), rank = 2 + gen.below(dim / 3 - 1);
        // Two k-dimensional subspaces at principal angles theta_i: Q_A's columns q_i, Q_B's
        // cos(theta_i) q_i + sin(theta_i) q_{k+i}, with q_1 ... q_2k orthonormal. Then
        // ||P_A - P_B||_F^2 = 2 sum_i sin^2 theta_i. Handed over as A = Q_A M1, B = Q_B M2.
        for (const bool orthogonal : {false, true}) {
            const Matrix q = xt::view(random_orthogonal(dim, gen), xt::all(), xt::range(0, 2 * rank));
            const Matrix QA = xt::view(q, xt::all(), xt::range(0, rank));
            Matrix QB = xt::zeros<double>({dim, rank});
            double sum_sin2 = 0.0;
            std::string angles;
            for (std::size_t i = 0; i < rank; ++i) {
                const double theta = orthogonal ? M_PI / 2.0 : gen.uniform(0.05, 1.5);
                xt::view(QB, xt::all(), i) =
                    std::cos(theta) * xt::view(q, xt::all(), i) + std::sin(theta) * xt::view(q, xt::all(), rank + i);
                sum_sin2 += std::sin(theta) * std::sin(theta);
                angles += fmt::format("{}{:.1f}", i ? ", " : "", theta * 180.0 / M_PI);
            }
            const Matrix A = dot(QA, random_mixing(rank, gen)), B = dot(QB, random_mixing(rank, gen));
            const double want = std::sqrt(2.0 * sum_sin2);
            const std::string what = fmt::format(
                "subspace_distance(A, B), A and B ({}, {}) at principal angles {} degrees", dim, rank, angles);
            const double got = ex12::subspace_distance(A, B);
            c.expect(near(got, want), what,
                     fmt::format("{:.10g} = sqrt(2 sum_i sin^2 theta_i){}", want,
                                 orthogonal ? ", sqrt(2k): orthogonal subspaces" : ""),
                     fmt::format("{:.10g}", got), diagnose_distance(got, A, B));
            const double back = ex12::subspace_distance(B, A);
            c.expect(near(back, got), "subspace_distance(B, A), the same pair the other way round",
                     fmt::format("{:.10g}, as subspace_distance(A, B)", got), fmt::format("{:.10g}", back),
                     kDistanceHint);
        }
    });

    // The autoencoder, trained once, when a check first needs it.
    std::optional<ex12::LinearAutoencoder> trained;
    const auto autoencoder = [&](lab::Check& c) -> const ex12::LinearAutoencoder& {
        const Mnist& m = mnist_part(c);
        if (!trained) {
            Generator gen = grader.generator(5);
            trained = ex12::train_linear_autoencoder(m.data, m.k, gen);
        }
        return *trained;
    };

    grader.check("train_linear_autoencoder returns a D-k-D linear autoencoder with biases", [&](lab::Check& c) {
        const Mnist& m = mnist_part(c);
        const ex12::LinearAutoencoder& ae = autoencoder(c);
        const std::size_t dim = m.X.shape()[1];
        c.expect(ae.encoder && ae.decoder, "the encoder and the decoder", "two layers", "a null pointer",
                 "make both: std::make_shared<nn::Linear>(D, k, gen) and std::make_shared<nn::Linear>(k, D, gen)");
        const std::string hint =
            "nn::Linear(in, out, gen) keeps its weight as (in, out): the encoder is "
            "nn::Linear(D, k, gen), the decoder nn::Linear(k, D, gen)";
        c.expect_shape("the encoder's weight W_e", ae.encoder->weight.shape(), {dim, m.k}, hint);
        c.expect_shape("the decoder's weight W_d", ae.decoder->weight.shape(), {m.k, dim}, hint);
        c.expect(ae.encoder->bias.defined() && ae.decoder->bias.defined(), "the biases b_e and b_d", "both defined",
                 ae.encoder->bias.defined() ? "no decoder bias" : "no encoder bias", kNoBiasHint);
        c.expect_shape("the decoder's bias b_d", ae.decoder->bias.shape(), {dim}, hint);
    });

    grader.check("decoder_subspace spans the decoder's outputs z W_d", [&](lab::Check& c) {
        const Mnist& m = mnist_part(c);
        const ex12::LinearAutoencoder& ae = autoencoder(c);
        const std::size_t dim = m.X.shape()[1];
        const Matrix S = ex12::decoder_subspace(ae);
        const std::string what = fmt::format("decoder_subspace(ae), W_d ({}, {})", m.k, dim);
        c.expect_shape(what, S.shape(), {dim, m.k},
                       S.shape().size() == 2 && S.shape()[0] == m.k
                           ? "a (D, k) matrix, one spanning vector of R^D per column: the transpose of yours"
                           : "a (D, k) matrix, one spanning vector of R^D per column");
        c.expect_finite(what, S, "the decoder's weight, as float64");
        const double d = distance(S, decoder_span(ae));
        const Matrix We = xt::cast<double>(ae.encoder->weight.value());
        const bool encoder = distance(S, We) <= 1e-6;
        c.expect(d <= 1e-6, what + ": its span against the span of W_d's rows", "the same subspace (distance 0)",
                 fmt::format("a distance of {:.4f}", d),
                 encoder ? "that is the encoder's weight W_e: its columns span what the encoder READS (and on "
                           "MNIST they keep the random start on the pixels that are always 0: no gradient reaches "
                           "them). The decoder writes x_hat = z W_d + b_d, a mix of W_d's k rows: return W_d^T"
                         : "x_hat = z W_d + b_d mixes the k rows of W_d (k, D) (nn::Linear computes z W + b): their "
                           "span is the decoder's subspace, the columns of W_d^T. A reshape is not a transpose");
    });

    const std::string subspace_title =
        fmt::format("the decoder's subspace is PCA's: within {} of it, where a random subspace is at about sqrt(2k)",
                    kSubspaceTolerance);
    grader.check(subspace_title, [&](lab::Check& c) {
        const Mnist& m = mnist_part(c);
        const ex12::LinearAutoencoder& ae = autoencoder(c);
        const Matrix Wd_t = decoder_span(ae);  // (D, k)
        const double d = distance(Wd_t, m.U);
        Generator gen = grader.generator(6);
        const double random = distance(gaussian(m.X.shape()[1], m.k, gen), m.U);
        const double encoder = distance(xt::cast<double>(ae.encoder->weight.value()), m.U);
        c.note(
            fmt::format("||P - P_PCA||_F, k = {}: the decoder's subspace {:.4f}, the encoder's {:.4f}, a random "
                        "one {:.4f}",
                        m.k, d, encoder, random));
        c.note(fmt::format("entry by entry, ||W_d^T - U_PCA||_F = {:.3f}: two bases of (nearly) one subspace",
                           frobenius(Wd_t - m.U)));
        // The student's own proof, with their own functions, when they are written.
        try {
            const Matrix own_pca = ex12::pca_basis(m.X, m.k);
            const double own = ex12::subspace_distance(ex12::decoder_subspace(ae), own_pca);
            c.note(fmt::format("yours: subspace_distance(decoder_subspace(ae), pca_basis(X, k)) = {:.4f}", own));
        } catch (const std::exception&) {}
        const bool ok = d <= kSubspaceTolerance;
        c.expect(ok,
                 fmt::format("||P_AE - P_PCA||_F, the decoder's subspace against PCA-{}'s, after "
                             "train_linear_autoencoder on {} MNIST images",
                             m.k, kImages),
                 fmt::format("at most {} (a random subspace: {:.3f})", kSubspaceTolerance, random),
                 fmt::format("{:.4f}", d), ok ? "" : diagnose_training(ae, m, gen));
    });

    const std::string mse_title = fmt::format(
        "the autoencoder's MSE is within {} lambda_k / D of PCA-k's, the best of any linear code", kMseMargin);
    grader.check(mse_title, [&](lab::Check& c) {
        const Mnist& m = mnist_part(c);
        const ex12::LinearAutoencoder& ae = autoencoder(c);
        const double mse = autoencoder_mse(ae, m.X);
        const double component = m.eigen.values(m.k - 1) / static_cast<double>(m.X.shape()[1]);  // lambda_k / D
        const double excess = mse_excess(mse, m);
        c.note(
            fmt::format("reconstruction MSE: the autoencoder {:.6f}, PCA-{} {:.6f} (the dropped eigenvalues / D), "
                        "PCA-{} {:.6f}, the mean image {:.6f}",
                        mse, m.k, m.pca_mse, m.k - 1, m.pca_mse + component, m.mean_image_mse));
        Generator gen = grader.generator(7);
        const bool ok = std::isfinite(mse) && excess <= kMseMargin;
        c.expect(ok, fmt::format("(MSE_AE - MSE_PCA-{0}) / (lambda_{0} / D), on the {1} training images", m.k, kImages),
                 fmt::format("at most {} (PCA-{} is at 1)", kMseMargin, m.k - 1),
                 fmt::format("{:.4f} (MSE {:.6f})", excess, mse), ok ? "" : diagnose_training(ae, m, gen));
    });

    return grader.finish();
}
