#include "io/linear_mixing.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xview.hpp>

namespace io {

xt::xarray<double> band_wavelengths(std::size_t bands, double lo, double hi) {
    if (bands < 2) throw std::invalid_argument("band_wavelengths: needs at least two bands");
    return xt::linspace<double>(lo, hi, bands);
}

xt::xarray<double> random_endmembers(std::size_t m, const xt::xarray<double>& wavelengths, autograd::Generator& gen) {
    const double lo = xt::amin(wavelengths)(), hi = xt::amax(wavelengths)();
    xt::xarray<double> E = xt::zeros<double>({m, wavelengths.size()});  // (M, B)
    for (std::size_t i = 0; i < m; ++i) {
        for (int bump = 0; bump < 4; ++bump) {
            const double centre = gen.uniform(lo, hi), width = gen.uniform(60.0, 300.0);
            const double height = gen.uniform(0.1, 0.5);
            xt::row(E, i) += height * xt::exp(-0.5 * xt::square((wavelengths - centre) / width));
        }
        // Overlapping bumps may add up past 0.85: scale those spectra down so that they peak at 0.9.
        const double peak = xt::amax(xt::row(E, i))();
        if (peak > 0.85) xt::row(E, i) *= 0.85 / peak;
    }
    return E + 0.05;
}

double sample_gamma(double shape, autograd::Generator& gen) {
    if (!(shape > 0.0)) throw std::invalid_argument(fmt::format("sample_gamma: shape {} is not positive", shape));
    // Below 1 the method does not apply; if G ~ Gamma(shape + 1) and U ~ U(0, 1), then
    // G U^(1 / shape) ~ Gamma(shape).
    if (shape < 1.0) return sample_gamma(shape + 1.0, gen) * std::pow(1.0 - gen.uniform(), 1.0 / shape);
    // Marsaglia and Tsang: with d = shape - 1/3 and c = 1 / sqrt(9 d), d v for v = (1 + c z)^3,
    // z ~ N(0, 1), is nearly Gamma(shape); accepting it when log u < z^2 / 2 + d - d v + d log v
    // (u ~ U(0, 1)) makes it exact. The cheap test u < 1 - 0.0331 z^4 accepts most draws first.
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        const double z = gen.normal();
        double v = 1.0 + c * z;
        if (v <= 0.0) continue;
        v = v * v * v;
        const double u = 1.0 - gen.uniform();  // in (0, 1], so log u is finite
        if (u < 1.0 - 0.0331 * z * z * z * z) return d * v;
        if (std::log(u) < 0.5 * z * z + d * (1.0 - v + std::log(v))) return d * v;
    }
}

xt::xarray<double> sample_dirichlet(const std::vector<double>& alpha, std::size_t n, autograd::Generator& gen) {
    if (alpha.empty()) throw std::invalid_argument("sample_dirichlet: alpha is empty");
    for (double a_m : alpha)
        if (!(a_m > 0.0)) throw std::invalid_argument(fmt::format("sample_dirichlet: alpha {} is not positive", a_m));
    xt::xarray<double> a = xt::zeros<double>({n, alpha.size()});  // (N, M)
    for (std::size_t i = 0; i < n; ++i) {
        double total = 0.0;
        for (std::size_t m = 0; m < alpha.size(); ++m) {
            a(i, m) = sample_gamma(alpha[m], gen);
            total += a(i, m);
        }
        xt::row(a, i) /= total;
    }
    return a;
}

double hapke_reflectance(double w) {
    const double t = std::sqrt(1.0 - w);
    return w / ((1.0 + 2.0 * t) * (1.0 + 2.0 * t));
}

double hapke_albedo(double r) {
    const double t = (std::sqrt(3.0 * r + 1.0) - 2.0 * r) / (4.0 * r + 1.0);
    return 1.0 - t * t;
}

MixedPixels mix_pixels(const xt::xarray<double>& endmembers, const std::vector<double>& alpha, std::size_t n,
                       double noise, autograd::Generator& gen, Mixing mixing) {
    const std::size_t M = endmembers.shape()[0];
    if (alpha.size() != M)
        throw std::invalid_argument(
            fmt::format("mix_pixels: {} Dirichlet parameters for {} endmembers", alpha.size(), M));
    MixedPixels p;
    p.abundances = sample_dirichlet(alpha, n, gen);  // (N, M)
    if (mixing == Mixing::Intimate) {
        if (xt::amin(endmembers)() < 0.0 || xt::amax(endmembers)() > 1.0)
            throw std::invalid_argument("mix_pixels: intimate mixing needs reflectances in [0, 1]");
        xt::xarray<double> albedo = endmembers;  // (M, B)
        for (double& v : albedo) v = hapke_albedo(v);
        p.clean = xt::linalg::dot(p.abundances, albedo);  // (N, B): the mixed albedo
        for (double& v : p.clean) v = hapke_reflectance(v);
    } else {
        p.clean = xt::linalg::dot(p.abundances, endmembers);  // (N, B)
    }
    if (mixing == Mixing::Bilinear)
        for (std::size_t i = 0; i < M; ++i)
            for (std::size_t j = i + 1; j < M; ++j) {
                const xt::xarray<double> ee = xt::row(endmembers, i) * xt::row(endmembers, j);      // (B,)
                const xt::xarray<double> aa = xt::col(p.abundances, i) * xt::col(p.abundances, j);  // (N,)
                p.clean += xt::linalg::outer(aa, ee);                                               // (N, B)
            }
    p.pixels = p.clean;
    for (double& v : p.pixels) v += noise * gen.normal();
    return p;
}

}  // namespace io
