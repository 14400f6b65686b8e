// nn/init.cpp: Xavier and He initialisation draw with the variances of their formulas, from the
// generator they are given.
#include <xtensor/xmath.hpp>

#include "check.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"

using namespace autograd;

TEST_CASE("Xavier and He initialisation have the variances of their formulas") {
    Generator gen(2);
    const double fan_in = 400, fan_out = 200;
    nn::Linear xavier(400, 200, gen);
    nn::Linear he(400, 200, gen, nn::Init::He);
    auto variance = [](const xt::xarray<float>& w) {
        double s = 0, s2 = 0;
        for (float v : w) s += v, s2 += double(v) * v;
        const double n = double(w.size());
        return s2 / n - (s / n) * (s / n);
    };
    CHECK(variance(xavier.weight.value()) == doctest::Approx(2.0 / (fan_in + fan_out)).epsilon(0.03));
    CHECK(variance(he.weight.value()) == doctest::Approx(2.0 / fan_in).epsilon(0.03));
    const float a = static_cast<float>(std::sqrt(6.0 / (fan_in + fan_out)));
    CHECK(xt::amax(xavier.weight.value())() <= a);
    CHECK(xt::amin(xavier.weight.value())() >= -a);
    // The same seed gives the same weights, bit for bit.
    Generator g1(9), g2(9);
    CHECK(nn::Linear(5, 4, g1).weight.value() == nn::Linear(5, 4, g2).weight.value());
}
