// models/conv_autoencoder.cpp: the three decoders' shapes and gradients, the coverage count
// against a transposed convolution of ones, and the checkerboard energy against closed forms.
#include <cmath>

#include <xtensor/xview.hpp>

#include "check.hpp"
#include "models/conv_autoencoder.hpp"
#include "nn/gradcheck_module.hpp"

using namespace autograd;

TEST_CASE("ConvAutoencoder: every decoder gives back (N, 784) in (0, 1); gradients in float64") {
    Generator gen(1);
    for (models::Upsampling u :
         {models::Upsampling::Transposed3, models::Upsampling::Transposed4, models::Upsampling::Nearest}) {
        INFO(models::upsampling_name(u));
        models::ConvAutoencoder ae(4, u, gen);
        const Tensor x = rand({2, 784}, gen);
        CHECK(ae.encode(x).shape() == Shape{2, 4, 7, 7});  // the code: 4 x 7 x 7 = 196 numbers
        const Tensor y = ae(x);
        CHECK(y.shape() == Shape{2, 784});
        CHECK(xt::all(y.value() > 0.0f && y.value() < 1.0f));
    }
    // Biases away from 0: with the zero biases of a fresh layer, a ReLU whose inputs are all 0 sits
    // exactly on its kink, where central differences see a slope of 1/2 and backward takes 0.
    for (models::Upsampling u :
         {models::Upsampling::Transposed3, models::Upsampling::Transposed4, models::Upsampling::Nearest}) {
        INFO(models::upsampling_name(u));
        models::ConvAutoencoder small(1, u, gen);
        for (auto& [name, p] : small.named_parameters())
            if (name.find("bias") != std::string::npos)
                p.mutable_value() = uniform({p.value().size()}, 0.1, 0.3, gen).value();
        const GradcheckResult r = nn::gradcheck_module(small, rand<double>({1, 784}, gen));
        CHECK_MESSAGE(r.ok, r.report);
    }
}

TEST_CASE("transposed_coverage: the counts a transposed convolution of ones writes") {
    const ConvGeometry k3{/*stride=*/2, /*padding=*/1, /*dilation=*/1, /*output_padding=*/1};
    const ConvGeometry k4{/*stride=*/2, /*padding=*/1};
    // k3 s2: even outputs are written once, odd ones twice (the last odd one once: its second
    // writer would be input 7, past the end); k4 s2: twice everywhere but the first and last.
    const xt::xarray<double> c3 = models::transposed_coverage(7, 3, k3);
    const xt::xarray<double> want3 = {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1};
    CHECK(c3 == want3);
    const xt::xarray<double> c4 = models::transposed_coverage(7, 4, k4);
    const xt::xarray<double> want4 = {1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1};
    CHECK(c4 == want4);
    // The 2-D map is the outer product of two such, and equals conv_transpose2d of ones with a
    // kernel of ones, for several geometries.
    for (const auto& [in, kernel, geom] : {std::tuple<std::size_t, std::size_t, ConvGeometry>{7, 3, k3},
                                           {7, 4, k4},
                                           {5, 3, ConvGeometry{3, 0}},
                                           {6, 5, ConvGeometry{2, 2, 1, 1}},
                                           {4, 2, ConvGeometry{2, 0}}}) {
        const Tensor ones_in = ones({1, 1, in, in}), ones_w = ones({1, 1, kernel, kernel});
        const xt::xarray<float> got = conv_transpose2d(ones_in, ones_w, {}, geom).value();
        const xt::xarray<double> c = models::transposed_coverage(in, kernel, geom);
        REQUIRE(got.shape(2) == c.size());
        for (std::size_t r = 0; r < c.size(); ++r)
            for (std::size_t q = 0; q < c.size(); ++q) CHECK(got(0, 0, r, q) == doctest::Approx(c(r) * c(q)));
    }
}

TEST_CASE("checkerboard_energy: all of a checkerboard, none of a smooth ramp or of 2x2 blocks") {
    xt::xarray<float> board = xt::zeros<float>({std::size_t{1}, std::size_t{16}});  // 4x4
    xt::xarray<float> ramp = board, blocks = board, stripes = board;
    for (std::size_t m = 0; m < 4; ++m)
        for (std::size_t c = 0; c < 4; ++c) {
            board(0, m * 4 + c) = static_cast<float>((m + c) % 2);
            stripes(0, m * 4 + c) = static_cast<float>(m % 2);  // all at (pi, 0)
            blocks(0, m * 4 + c) = static_cast<float>((m / 2 + c / 2) % 2);
            ramp(0, m * 4 + c) = static_cast<float>(c);
        }
    CHECK(models::checkerboard_energy(board, 4, 4) == doctest::Approx(1.0));
    CHECK(models::checkerboard_energy(stripes, 4, 4) == doctest::Approx(1.0));
    CHECK(models::checkerboard_energy(blocks, 4, 4) == doctest::Approx(0.0));  // nearest upsampling's pattern
    // A ramp 0 1 2 3 along columns: X(0, pi) = 4 (0 - 1 + 2 - 3) = -8, energy 4 * 5 = 20, share 64 / (16 * 20).
    CHECK(models::checkerboard_energy(ramp, 4, 4) == doctest::Approx(64.0 / 320.0));
    // White noise: about 3 / (H W) on average.
    Generator gen(2);
    const xt::xarray<float> noise = randn({400, 784}, gen).value();
    CHECK(models::checkerboard_energy(noise, 28, 28) == doctest::Approx(3.0 / 784.0).epsilon(0.15));
    CHECK_THROWS_CONTAINING(models::checkerboard_energy(noise, 27, 28), "checkerboard_energy");
}
