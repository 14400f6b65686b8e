// Lecture 03: a linear autoencoder is PCA.
//
// Follows: Scott, Lecture 5, slide 7 ("a 3-2-3 autoencoder with linear units and square loss
//          performs principal component analysis"); Lamúrias, "5 - Autoencoders", headings
//          "Undercomplete Autoencoders" ("if linear it is similar to PCA, without orthogonality
//          constraint") and "PCA vs autoencoder" (a nonlinear autoencoder adapts to the manifold).
// Shows:   part 1, on correlated 3-D Gaussian data: the plane a trained 3-2-3 linear
//          autoencoder decodes onto is the plane of the top two principal components, and its
//          error is PCA's error, the discarded eigenvalue, both to float32 precision; drawn
//          edge-on, and as the two 2-D pictures of the cloud (PCA's coordinates and the code).
//          Part 2, on MNIST: a 784-32-784 linear autoencoder comes down to the training error
//          of PCA with 32 components, the optimum of any linear code, and not below it; a
//          nonlinear 784-256-32-256-784 one beats PCA-32 on test digits with the same 32
//          numbers per image.
// Run:     ./lab run pca_equivalence          (build/lectures/pca_equivalence [--quick] [--seed N])
// Prints:  the eigenvalues, the principal angles against their float32 tolerance, the three
//          test MSEs side by side, the training MSEs against PCA's optimum, one CLAUSE line per
//          verdict clause and a last line "VERDICT: ... : HOLDS (...)"; writes
//          out/pca_equivalence/plane.png, projection_pca.png, projection_ae.png,
//          reconstructions.png and components.png.
//
// Dimension letters: N examples, D features (3, then 784 pixels), K code units (2, then 32).

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xview.hpp>

#include "io/io.hpp"
#include "lecture.hpp"
#include "models/mlp_autoencoder.hpp"
#include "nn/nn.hpp"

using namespace autograd;

namespace {

// PCA of the rows of X (N, D), already centred: the eigen-decomposition of the covariance
// C = X^T X / N (D, D). Returns the eigenvalues in decreasing order (D,) and the matching
// unit eigenvectors as the columns of a (D, D) matrix. In double: eigh is LAPACK's dsyevd.
struct PCA {
    xt::xarray<double> variances;   // (D,)    lambda_1 >= lambda_2 >= ...
    xt::xarray<double> components;  // (D, D)  column k is the k-th principal direction
};

PCA pca(const xt::xarray<float>& centred) {
    const auto n = static_cast<double>(centred.shape()[0]);
    // X^T X in float (one BLAS call over all the data), then the small (D, D) matrix in double.
    const xt::xarray<float> gram = xt::linalg::dot(xt::transpose(centred), centred);  // (D, D)
    const xt::xarray<double> cov = xt::cast<double>(gram) / n;
    auto [values, vectors] = xt::linalg::eigh(cov);  // increasing order
    PCA p;
    p.variances = xt::flip(values, 0);
    p.components = xt::flip(vectors, 1);
    return p;
}

// The principal angles between the column spaces of A (D, K) and B (D, K), in degrees, largest
// first. With Q_A, Q_B orthonormal bases (QR), the singular values of Q_A^T Q_B are the cosines
// of the angles: all equal to 1 when the two spaces are the same.
std::vector<double> principal_angles_deg(const xt::xarray<double>& A, const xt::xarray<double>& B) {
    auto [qa, ra] = xt::linalg::qr(A);
    auto [qb, rb] = xt::linalg::qr(B);
    const xt::xarray<double> m = xt::linalg::dot(xt::transpose(qa), qb);  // (K, K)
    const auto [u, s, vt] = xt::linalg::svd(m);
    std::vector<double> angles;
    for (double c : s) angles.push_back(std::acos(std::clamp(c, -1.0, 1.0)) * 180.0 / M_PI);
    std::sort(angles.rbegin(), angles.rend());
    return angles;
}

// The training covariance's eigenvalues, in float64 throughout (unlike pca() above, whose X^T X
// is a float32 product): C = (X - mu)^T (X - mu) / N, summed over blocks of rows so that the
// float64 copy of the data is never whole. Decreasing order (D,).
xt::xarray<double> eigenvalues_float64(const xt::xarray<float>& images) {
    const std::size_t N = images.shape()[0], D = images.shape()[1], block = 5000;
    const xt::xarray<double> mu = xt::mean(xt::cast<double>(images), {0});  // (D,)
    xt::xarray<double> gram = xt::zeros<double>({D, D});                    // (D, D)
    for (std::size_t start = 0; start < N; start += block) {
        const xt::xarray<double> rows =
            xt::cast<double>(xt::view(images, xt::range(start, std::min(N, start + block)), xt::all())) - mu;
        gram += xt::linalg::dot(xt::transpose(rows), rows);  // (D, D)
    }
    const xt::xarray<double> values = xt::linalg::eigvalsh(xt::xarray<double>(gram / static_cast<double>(N)));
    return xt::flip(values, 0);
}

// The training MSE of the linear autoencoder r = (x W1 + b1) W2 + b2, computed in float64 from
// its float32 weights, so that its comparison with PCA's optimum is not blurred by float32
// rounding in the evaluation.
double linear_ae_mse_float64(const models::MLPAutoencoder& ae, const xt::xarray<float>& images) {
    const auto& enc = ae.encoder_layer(0);
    const auto& dec = ae.decoder_layer(0);
    const xt::xarray<double> W1 = xt::cast<double>(enc.weight.value()), b1 = xt::cast<double>(enc.bias.value());
    const xt::xarray<double> W2 = xt::cast<double>(dec.weight.value()), b2 = xt::cast<double>(dec.bias.value());
    const std::size_t N = images.shape()[0], block = 5000;
    double total = 0;
    for (std::size_t start = 0; start < N; start += block) {
        const xt::xarray<double> x =
            xt::cast<double>(xt::view(images, xt::range(start, std::min(N, start + block)), xt::all()));  // (n, D)
        const xt::xarray<double> h = xt::linalg::dot(x, W1) + b1;                                         // (n, K)
        const xt::xarray<double> r = xt::linalg::dot(h, W2) + b2;                                         // (n, D)
        total += xt::sum(xt::square(r - x))();
    }
    return total / static_cast<double>(images.size());
}

// ---- Part 1, Scott slide 7 ----
// What part 1 measures, and what its figures draw.
struct ThreeTwoThree {
    std::size_t n;                            // examples
    xt::xarray<float> x3f, r_before, r3, h3;  // (N, 3) the data, the untrained and trained outputs; (N, 2) the codes
    xt::xarray<double> components;            // (3, 3) PCA's axes, by decreasing variance
    double angle, angle_tolerance;            // the largest angle between the two planes, degrees, and its bound
    double error_gap, error_tolerance;        // |AE error - PCA's| / PCA's, and its bound
};

// Scott slide 7: a 3-2-3 linear autoencoder trained on correlated 3-D data, against PCA; returns
// how far its plane and its error are from PCA's, each with its float32 tolerance.
ThreeTwoThree three_two_three(Generator& gen) {
    lecture::section("Scott slide 7: a 3-2-3 linear autoencoder against PCA");
    // Data: x = R diag(sqrt(lambda)) z with z ~ N(0, I_3) and R a random rotation, so the
    // covariance is R diag(lambda) R^T: a flat cloud, long along R's first column, thin along its
    // third. Then centred (PCA and a bias-free autoencoder both assume zero mean).
    const std::size_t n = 2000;
    const xt::xarray<double> lambda{6.0, 2.0, 0.25};
    auto [rotation, unused_r] = xt::linalg::qr(xt::xarray<double>(randn<double>({3, 3}, gen).value()));
    const xt::xarray<double> z = randn<double>({n, 3}, gen).value();                         // (N, 3)
    xt::xarray<double> x3 = xt::linalg::dot(z * xt::sqrt(lambda), xt::transpose(rotation));  // (N, 3)
    x3 -= xt::mean(x3, {0});
    const xt::xarray<float> x3f = xt::cast<float>(x3);
    const PCA p3 = pca(x3f);
    fmt::print("covariance eigenvalues (PCA's variances): {:.4f} {:.4f} {:.4f}\n", p3.variances(0), p3.variances(1),
               p3.variances(2));
    // Keeping the top two components and dropping the third costs, per example, exactly the
    // variance along the third: E ||x - U2 U2^T x||^2 = lambda_3 (U2 = the top two eigenvectors).
    const double pca_error = p3.variances(2);

    // The autoencoder: h = x W1 (K = 2 linear units), r = h W2, no biases, no activations.
    nn::Linear enc(3, 2, gen, nn::Init::Xavier, /*bias=*/false), dec(2, 3, gen, nn::Init::Xavier, /*bias=*/false);
    std::vector<Tensor> params{enc.weight, dec.weight};
    nn::Adam adam(params, 0.01);
    const Tensor X(x3f);                                                                  // (N, 3)
    const xt::xarray<double> top2 = xt::view(p3.components, xt::all(), xt::range(0, 2));  // (3, 2)
    // Which plane does the decoder map onto? r = h W2 = W2^T h in column form: the span of W2^T's
    // two columns (3, 2). Before training it is a random plane:
    const auto decoder_plane = [&] { return xt::xarray<double>(xt::transpose(xt::cast<double>(dec.weight.value()))); };
    fmt::print("before training, the decoder's plane is {:.1f} degrees away from PCA's\n",
               principal_angles_deg(decoder_plane(), top2)[0]);
    xt::xarray<float> r_before;  // (N, 3) the untrained autoencoder's outputs, for the figure
    {
        NoGradGuard no_grad;
        r_before = dec(enc(X)).value();
    }
    // Full-batch Adam: 3000 steps take well under a second. The last thousand run at a tenth of
    // the rate, so the weights settle instead of jittering around the optimum.
    const std::size_t steps = 3000;
    double ae_mse = 0.0;
    for (std::size_t step = 0; step < steps; ++step) {
        if (step == 2000) adam.lr = 0.001;
        adam.zero_grad();
        Tensor r = dec(enc(X));                         // (N, 3)
        Tensor loss = mse_loss(r, X, Reduction::Mean);  // (1 / 3N) sum ||x - r||^2
        loss.backward();
        adam.step();
        ae_mse = loss.item();
        if (step % 500 == 0) fmt::print("step {:4d}  mse {:.6f}\n", step, ae_mse);
    }
    Tensor h3, r3;  // (N, 2) the codes and (N, 3) the reconstructions, after training
    {
        NoGradGuard no_grad;
        h3 = enc(X);
        r3 = dec(h3);
        ae_mse = mse_loss(r3, X, Reduction::Mean).item();
    }
    // mse_loss averages over the 3 coordinates too; per example the error is 3 * mse.
    const double ae_error = 3.0 * ae_mse;
    const double error_gap = std::abs(ae_error - pca_error) / pca_error;
    fmt::print("\nsquared error per example: autoencoder {:.6f}, PCA (lambda_3) {:.6f}, relative gap {:.1e}\n",
               ae_error, pca_error, error_gap);

    // After training, compare the decoder's plane with the span of the top two eigenvectors.
    const xt::xarray<double> decoder_cols = decoder_plane();  // (3, 2)
    const std::vector<double> angles = principal_angles_deg(decoder_cols, top2);
    fmt::print("after training, the principal angles between the two planes: {:.1e} and {:.1e} degrees\n", angles[0],
               angles[1]);
    // How close is "the same"? The model computes in float32, whose unit of rounding is
    // eps = 1.2e-7; a sum over N examples carries rounding of about eps sqrt(N) relative to its
    // terms. The gradient that turns the decoder onto PCA's plane is proportional to the angle
    // times lambda_2 - lambda_3, while the rounding in it scales with the largest variance
    // lambda_1, so the angle can only settle to about
    //   eps sqrt(N) lambda_1 / (lambda_2 - lambda_3) radians,
    // the tolerance below (about 1e-3 degrees here). The same rounding moves PCA itself: its
    // plane from the float32 covariance against the one computed in float64 is printed too.
    const double eps32 = static_cast<double>(std::numeric_limits<float>::epsilon());
    const double sqrt_n = std::sqrt(static_cast<double>(n));
    const double angle_tolerance =
        eps32 * sqrt_n * p3.variances(0) / (p3.variances(1) - p3.variances(2)) * 180.0 / M_PI;
    const xt::xarray<double> cov64 = xt::linalg::dot(xt::transpose(x3), x3) / static_cast<double>(n);  // (3, 3)
    auto [values64, vectors64] = xt::linalg::eigh(cov64);  // increasing order: columns 2 and 1 are the top two
    const xt::xarray<double> top2_64 = xt::view(vectors64, xt::all(), xt::range(1, 3));  // (3, 2)
    fmt::print(
        "float32 rounding: the tolerance eps sqrt(N) lambda_1 / (lambda_2 - lambda_3) = {:.1e} degrees; PCA's own "
        "plane from float32 against float64 differs by {:.1e} degrees\n",
        angle_tolerance, principal_angles_deg(top2, top2_64)[0]);
    // The error is a mean of 3N squares in float32: it agrees with lambda_3 to eps sqrt(3N).
    const double error_tolerance = eps32 * std::sqrt(3.0 * static_cast<double>(n));
    fmt::print("the error's tolerance, eps sqrt(3N) = {:.1e}\n", error_tolerance);
    // The same plane, but not the same axes: nothing asks the autoencoder for orthonormal
    // columns (Lamúrias: "without orthogonality constraint"). W2 W2^T is not the identity.
    const xt::xarray<double> gram = xt::linalg::dot(xt::transpose(decoder_cols), decoder_cols);  // (2, 2)
    fmt::print("the decoder's columns are not orthonormal: W2 W2^T = [[{:.3f} {:.3f}] [{:.3f} {:.3f}]]\n", gram(0, 0),
               gram(0, 1), gram(1, 0), gram(1, 1));
    return {n,          x3f,
            r_before,   r3.value(),
            h3.value(), p3.components,
            angles[0],  angle_tolerance,
            error_gap,  error_tolerance};
}

// Look at it: the 3-2-3 example drawn (plane.png, projection_pca.png, projection_ae.png).
void draw_three_two_three(const ThreeTwoThree& t, const std::string& out_dir) {
    // In PCA's coordinates c = x U (U the three eigenvectors, (3, 3)), PCA's plane is c3 = 0.
    // plane.png looks at the cloud edge-on to that plane (PC1 across, PC3 up): the data spread
    // up and down, PCA projects every point straight down to PC3 = 0, and the trained
    // autoencoder's outputs land there too; the untrained one's lie on its own, tilted plane.
    const xt::xarray<double> U3 = t.components;  // (3, 3)
    const auto in_pca_axes = [&](const xt::xarray<float>& pts, std::size_t a, std::size_t b) {
        const xt::xarray<double> c = xt::linalg::dot(xt::cast<double>(pts), U3);            // (N, 3)
        return xt::xarray<float>(xt::cast<float>(xt::view(c, xt::all(), xt::keep(a, b))));  // (N, 2)
    };
    {
        const xt::xarray<float> pts = xt::concatenate(
            xt::xtuple(in_pca_axes(t.x3f, 0, 2), in_pca_axes(t.r_before, 0, 2), in_pca_axes(t.r3, 0, 2)), 0);
        std::vector<std::size_t> labels(3 * t.n);
        for (std::size_t i = 0; i < 3 * t.n; ++i) labels[i] = i / t.n;
        io::PlotOptions plot;
        plot.title = "3-2-3 AE outputs, seen edge-on to PCA's plane (PC3 = 0)";
        plot.xlabel = "PC1 (along PCA's plane)";
        plot.ylabel = "PC3 (across PCA's plane)";
        io::save_scatter(out_dir + "/plane.png", pts, labels, plot,
                         {"data x (3-D points)", "AE output, untrained", "AE output, trained"});
    }
    // The two 2-D pictures of the cloud side by side: PCA's coordinates (PC1, PC2), and the
    // trained autoencoder's code h = x W1. Each point keeps its colour, the quadrant of PCA's
    // plane it falls in: in the code the quadrants are sheared and stretched, their borders still
    // straight lines through 0. The code is a linear mix of PCA's two coordinates, not the
    // coordinates themselves (Lamúrias: "without orthogonality constraint").
    {
        const xt::xarray<float> c12 = in_pca_axes(t.x3f, 0, 1);  // (N, 2)
        std::vector<std::size_t> quadrant(t.n);
        for (std::size_t i = 0; i < t.n; ++i) quadrant[i] = (c12(i, 0) < 0 ? 1 : 0) + (c12(i, 1) < 0 ? 2 : 0);
        const std::vector<std::string> names{"PC1 > 0, PC2 > 0", "PC1 < 0, PC2 > 0", "PC1 > 0, PC2 < 0",
                                             "PC1 < 0, PC2 < 0"};
        io::PlotOptions plot;
        plot.title = "PCA's 2-D projection of the 3-D cloud";
        plot.xlabel = "PC1";
        plot.ylabel = "PC2";
        io::save_scatter(out_dir + "/projection_pca.png", c12, quadrant, plot, names);
        plot.title = "The trained 3-2-3 AE's code h = x W1 of the same points";
        plot.xlabel = "h1";
        plot.ylabel = "h2";
        io::save_scatter(out_dir + "/projection_ae.png", t.h3, quadrant, plot, names);
    }
    fmt::print("wrote {0}/plane.png, {0}/projection_pca.png and {0}/projection_ae.png\n", out_dir);
}

// ---- Part 2, Lamúrias "PCA vs autoencoder" ----
// What part 2 measures, and what its figures draw.
struct Mnist32 {
    io::Dataset train, test;
    models::MLPAutoencoder linear, deep;
    xt::xarray<float> U, pca_recon;        // (D, K) PCA's top K axes; (N, D) its test reconstructions
    xt::xarray<double> linear_rows;        // (K, D) the linear decoder's rows
    double pca_mse, linear_mse, deep_mse;  // test MSEs
    double pca_train, pca_train_fewer, linear_train, linear_excess;  // training MSEs, float64
};

// Lamúrias, "PCA vs autoencoder": K numbers per MNIST digit through PCA-K, a linear autoencoder
// and a nonlinear one; returns the three and their errors.
Mnist32 pca_against_autoencoders(std::size_t K, const lecture::Options& opt, Generator& gen) {
    const bool quick = opt.quick;
    lecture::section("Lamúrias, PCA vs autoencoder: MNIST with 32 code units");
    // --quick: 5,000 training images and 1,000 test images, with more epochs (40 and 30).
    const io::Dataset train = lecture::load_mnist(opt, /*train=*/true, /*images=*/quick ? 5000 : 0);
    const io::Dataset test = lecture::load_mnist(opt, /*train=*/false, /*images=*/quick ? 1000 : 0);
    fmt::print("{} training images, {} test images\n", train.size(), test.size());

    // PCA-32: x_hat = mu + U U^T (x - mu), U (D, K) the top K eigenvectors of the training
    // covariance, mu (D,) the training mean.
    const xt::xarray<float> mu = xt::mean(train.images, {0});  // (D,)
    const PCA p = pca(xt::xarray<float>(train.images - mu));
    const xt::xarray<float> U = xt::cast<float>(xt::view(p.components, xt::all(), xt::range(0, K)));  // (D, K)
    const xt::xarray<float> centred_test = test.images - mu;                                          // (N, D)
    const xt::xarray<float> codes = xt::linalg::dot(centred_test, U);                                 // (N, K)
    const xt::xarray<float> pca_recon = xt::linalg::dot(codes, xt::transpose(U)) + mu;                // (N, D)
    const double pca_mse = xt::mean(xt::square(pca_recon - test.images))();
    const double kept = xt::sum(xt::view(p.variances, xt::range(0, K)))() / xt::sum(p.variances)();
    fmt::print("PCA-{}: keeps {:.1f}% of the training variance; test MSE {:.5f}\n", K, 100.0 * kept, pca_mse);

    // A linear autoencoder with the same budget: h = x W1 + b1 (K units), r = h W2 + b2. The
    // biases let it learn the mean that PCA subtracts by hand.
    lecture::section("linear autoencoder 784-32-784");
    models::MLPAutoencoder linear({784, K}, gen, nn::Activation::Identity, nn::Activation::Identity);
    const std::size_t linear_epochs = quick ? 40 : 10;
    // The training loop of mnist_autoencoder (Adam on the square loss, batches of 128), as
    // nn::fit_autoencoder; a linear model takes a larger step than the default 1e-3.
    nn::FitOptions linear_fit;
    linear_fit.epochs = linear_epochs;
    linear_fit.lr = 2e-3;
    linear_fit.seed = gen.next_u64();
    const double linear_mse = nn::fit_autoencoder(linear, train, test, linear_fit).back();

    // A nonlinear one, 784-256-32-256-784 with ReLU and a sigmoid output: still 32 numbers per
    // image, but the code can now follow a curved manifold instead of a flat subspace.
    lecture::section("nonlinear autoencoder 784-256-32-256-784");
    models::MLPAutoencoder deep({784, 256, K}, gen, nn::Activation::ReLU, nn::Activation::Sigmoid);
    const std::size_t deep_epochs = quick ? 30 : 10;
    nn::FitOptions deep_fit;  // Adam 1e-3, batches of 128
    deep_fit.epochs = deep_epochs;
    deep_fit.seed = gen.next_u64();
    const double deep_mse = nn::fit_autoencoder(deep, train, test, deep_fit).back();

    // The linear decoder's K rows span nearly PCA's K-dimensional subspace. Nearly: the largest
    // angle is a few degrees (5 in the default run, 31 in --quick's), because lambda_32 and
    // lambda_33 are close, and a direction between the two costs almost nothing (the gradient that
    // would rotate it is proportional to their gap). The MSE hardly notices, which is why it
    // matches PCA's while the largest angle does not vanish.
    const Tensor& linear_decoder = linear.decoder_layer(0).weight;  // (K, D)
    const xt::xarray<double> linear_rows = xt::cast<double>(linear_decoder.value());
    const std::vector<double> mnist_angles =
        principal_angles_deg(xt::transpose(linear_rows), xt::view(p.components, xt::all(), xt::range(0, K)));
    fmt::print(
        "principal angles between the linear decoder's subspace and PCA-{}'s: largest {:.1f}, median {:.1f} "
        "degrees\n",
        K, mnist_angles.front(), mnist_angles[K / 2]);
    fmt::print(
        "\ntest MSE with {} numbers per image:  PCA {:.5f}   linear AE {:.5f} ({:+.2f}%)   nonlinear AE {:.5f} "
        "({:+.1f}%)\n",
        K, pca_mse, linear_mse, 100.0 * (linear_mse / pca_mse - 1.0), deep_mse, 100.0 * (deep_mse / pca_mse - 1.0));

    // PCA is the best any linear code can do on the data it was fitted to: on the training images,
    // no affine map through K numbers, which is what the linear AE is, reconstructs with a smaller
    // MSE than sum_{k > K} lambda_k / D (the discarded eigenvalues of the training covariance). So
    // the linear AE's training MSE can only come down to PCA-K's, never below it; how close it
    // comes is a matter of training. One yardstick for "close": PCA with one component fewer, K - 1,
    // whose MSE is higher by lambda_K / D. An AE closer to PCA-K than that makes use of all K code
    // units. Both sides are computed in float64 (the covariance, its eigenvalues, the AE's outputs
    // from its float32 weights), so that float32 rounding does not blur the comparison.
    const xt::xarray<double> lambda_train = eigenvalues_float64(train.images);  // (D,) decreasing
    const auto D = static_cast<double>(train.images.shape()[1]);
    const double pca_train = xt::sum(xt::view(lambda_train, xt::range(K, lambda_train.size())))() / D;
    const double pca_train_fewer = pca_train + lambda_train(K - 1) / D;  // PCA-(K-1)
    const double linear_train = linear_ae_mse_float64(linear, train.images);
    const double linear_excess = linear_train / pca_train - 1.0;
    fmt::print(
        "training MSE (float64):  PCA-{} {:.6f} (the optimum)   linear AE {:.6f} ({:+.2f}%)   PCA-{} {:.6f} "
        "({:+.2f}%); the AE's excess is {:.2f} of lambda_{} / D\n",
        K, pca_train, linear_train, 100.0 * linear_excess, K - 1, pca_train_fewer,
        100.0 * (pca_train_fewer / pca_train - 1.0), (linear_train - pca_train) / (lambda_train(K - 1) / D), K);

    return {train,        test,         std::move(linear), std::move(deep), U,         pca_recon,
            linear_rows,  pca_mse,      linear_mse,        deep_mse,        pca_train, pca_train_fewer,
            linear_train, linear_excess};
}

// Look at it: reconstructions.png and components.png.
void draw_mnist(Mnist32& m, std::size_t K, const std::string& out_dir) {
    std::vector<std::size_t> first(12);
    for (std::size_t i = 0; i < first.size(); ++i) first[i] = i;
    const Tensor x = m.test.batch(first);  // (12, D)
    const xt::xarray<float> pca_rows = xt::view(m.pca_recon, xt::range(0, first.size()), xt::all());
    Tensor r_linear, r_deep;
    {
        NoGradGuard no_grad;
        r_linear = m.linear(x);
        r_deep = m.deep(x);
    }
    io::GridOptions grid;
    grid.scale = 3;
    grid.title = fmt::format("Test digits and their reconstructions from {} numbers each", K);
    grid.scale_key = "pixel value";
    io::save_image_rows(out_dir + "/reconstructions.png",
                        {{"original", x.value()},
                         {fmt::format("PCA-{}", K), pca_rows},
                         {"linear AE", r_linear.value()},
                         {"nonlinear AE", r_deep.value()}},
                        28, 28, grid);
    // The first 16 principal components next to the linear decoder's first 16 rows: both span
    // (nearly) the same 32-dimensional subspace, but PCA's axes are ordered and orthogonal while
    // the autoencoder's are any basis of it, so they do not look alike.
    xt::xarray<float> pcs = xt::transpose(xt::view(m.U, xt::all(), xt::range(0, 16)));                   // (16, D)
    xt::xarray<float> dec_rows = xt::cast<float>(xt::view(m.linear_rows, xt::range(0, 16), xt::all()));  // (16, D)
    io::GridOptions filters;
    filters.columns = 16;
    filters.scale = 2;
    filters.normalize_each = true;
    filters.title = "The first 16 PCA axes and the linear AE's first 16 decoder rows: one subspace, two bases";
    filters.scale_key = "weight";
    io::save_image_rows(out_dir + "/components.png", {{"PCA axes", pcs}, {"AE decoder rows", dec_rows}}, 28, 28,
                        filters);
    fmt::print("wrote {0}/reconstructions.png and {0}/components.png\n", out_dir);
}

}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt =
        lecture::parse_args(argc, argv, "pca_equivalence", 3, "compares linear and nonlinear autoencoders with PCA");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);

    // ---- Part 1, Scott slide 7: a 3-2-3 linear autoencoder on correlated 3-D data ----
    const ThreeTwoThree plane = three_two_three(gen);
    draw_three_two_three(plane, out_dir);

    // ---- Part 2, Lamúrias "PCA vs autoencoder": 32 numbers per MNIST digit ----
    const std::size_t K = 32;
    Mnist32 m = pca_against_autoencoders(K, opt, gen);
    draw_mnist(m, K, out_dir);

    // ---- Verdict ----
    // The floor for the linear AE: its training MSE and PCA's optimum are both computed in
    // float64 (u = 2^-53). The longest sum is the MSE's, over n = N D squares; a sum of n
    // positive terms is within gamma_n = n u / (1 - n u) of exact in any order (Higham, "Accuracy
    // and Stability of Numerical Algorithms", section 3.1), and the eigenvalues come from the
    // covariance with a sum over N rows and a backward-stable solver, far inside that. Allowing
    // gamma_n on each side, the AE may not come out below PCA's optimum by more than 2 gamma_n.
    const double u64 = std::ldexp(1.0, -53);
    const double n_squares = static_cast<double>(m.train.images.size());
    const double floor_tolerance = 2.0 * n_squares * u64 / (1.0 - n_squares * u64);
    fmt::print("float64 rounding on the training MSEs: 2 gamma_n, n = N D = {:.0f}: {:.1e} (relative)\n", n_squares,
               floor_tolerance);
    const double deep_ratio = m.deep_mse / m.pca_mse;
    lecture::quick_scope(opt,
                         "5,000 training images and 1,000 test images, 40 and 30 epochs (not 60,000, 10,000 and 10 "
                         "each): the same clauses as the default run");
    lecture::Verdict verdict(fmt::format(
        "the 3-2-3 linear AE finds PCA's plane and error to float32 precision; on MNIST the 784-{0}-784 linear AE "
        "comes down to PCA-{0}'s training error, not below it, closer than PCA-{1}, and the nonlinear AE beats "
        "PCA-{0} on unseen digits",
        K, K - 1));
    verdict.at_most("plane", plane.angle, plane.angle_tolerance,
                    "largest principal angle between the 3-2-3 decoder's plane and PCA's top two components, degrees",
                    "float32 rounding: eps sqrt(N) lambda_1 / (lambda_2 - lambda_3), eps = 2^-23 (derived above)");
    verdict.at_most("error", plane.error_gap, plane.error_tolerance,
                    "|AE error per example - lambda_3| / lambda_3, the 3-2-3 AE after training",
                    "float32 rounding of a mean of 3N squares: eps sqrt(3N)");
    verdict.at_least("linear_floor", m.linear_excess, -floor_tolerance,
                     fmt::format("(linear AE's training MSE - PCA-{0}'s optimum) / PCA-{0}'s optimum, float64", K),
                     "PCA is optimal among linear codes: 0, less float64 rounding, 2 gamma_n with n = N D (derived "
                     "above)");
    verdict.below("linear_all_units", m.linear_train, m.pca_train_fewer,
                  "linear AE's training MSE, float64 (one run; over seeds: ./lab verify)",
                  fmt::format("PCA-{}'s training MSE, the best linear code with one unit fewer (PCA-{} plus "
                              "lambda_{} / D)",
                              K - 1, K, K));
    verdict.below("nonlinear_beats_pca", deep_ratio, 1.0,
                  fmt::format("nonlinear AE's test MSE / PCA-{}'s (one run; over seeds: ./lab verify)", K),
                  fmt::format("1: PCA-{}, the best linear code of {} numbers, on the same test images", K, K));
    return verdict.finish(
        fmt::format("angle {:.1e} deg, error gap {:.1e}; MNIST training MSE PCA-{} {:.5f}, linear "
                    "{:.5f} ({:+.2f}%); test MSE PCA {:.5f}, nonlinear {:.5f} ({:.2f} of PCA's)",
                    plane.angle, plane.error_gap, K, m.pca_train, m.linear_train, 100.0 * m.linear_excess, m.pca_mse,
                    m.deep_mse, deep_ratio));
} catch (const std::exception& e) {
    return lecture::fail("pca_equivalence", e);
}

// Try this:
//  1. Make the two smallest variances nearly equal: lambda {6.0, 1.0, 1.0}. The plane of the top
//     two components is then barely defined, the gradient that would turn the decoder onto it is
//     proportional to lambda_2 - lambda_3 (0.09 in the sample), and 3,000 steps are not enough:
//     we measured a 33 degree angle and an error 3% above PCA's. The float32 tolerance widens
//     to 0.02 degrees with the small gap, and part 1's verdict fails, for a reason worth knowing.
//  2. Set K = 8 on MNIST (default run). PCA-8 keeps 44% of the variance (test MSE 0.0374); the
//     linear AE still comes down to it (training MSE +0.24% over PCA-8's optimum, well inside
//     PCA-7's) and the nonlinear one brings the test MSE to 0.0195: it saves more in absolute
//     terms than with 32 numbers (0.018 against 0.009), though relatively a little less (0.52
//     of PCA's against 0.49). The verdict holds.
//  3. Put a sigmoid between encoder and decoder: r = dec(sigmoid(enc(X))), everywhere part 1
//     calls dec(enc(X)) (and h3 = sigmoid(enc(X))). It is no longer PCA: the squashed code
//     cannot follow the long axis (variance 6), and the error rises to 2.19 per example against
//     PCA's 0.266, although the plane stays within 1.4 degrees.
