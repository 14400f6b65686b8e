// linear_mixing.hpp: synthetic hyperspectral pixels from the linear mixing model, for lectures
// that need spectra and have no hyperspectral data set (none is reachable from this machine).
//
// The linear mixing model of remote sensing: a pixel's spectrum is a mixture of a few pure
// materials' spectra (the endmembers), weighted by how much of the pixel each covers (the
// abundances, non-negative and summing to 1):
//   x = sum_m a_m e_m + noise = a E + noise,   a on the simplex,  E (M, B)
// Abundances are drawn from a Dirichlet distribution: a_m = g_m / sum_k g_k with independent
// g_m ~ Gamma(alpha_m, 1). Two nonlinear variants, for comparison:
//   bilinear (Fan et al., 2009): light that bounced off two materials adds
//       sum_{i<j} a_i a_j (e_i * e_j), the product taken band by band;
//   intimate: grains of the materials mixed within the sample (sand of several minerals). Then
//       what mixes linearly is each material's single-scattering albedo w, not its reflectance
//       (Hapke), and the pixel is x_b = r(sum_m a_m w(e_mb)), with r the reflectance of grains
//       of albedo w that scatter isotropically, lit and seen from overhead (Hapke's H-functions
//       in his 1981 approximation, scaled so that r(1) = 1):
//           r(w) = w / (1 + 2 sqrt(1 - w))^2,   w(r) its inverse.
//
// Dimension letters: N pixels, M endmembers (materials), B bands.
#pragma once

#include <cstddef>
#include <vector>

#include <xtensor/xarray.hpp>

#include "autograd/random.hpp"

namespace io {

// The centre wavelengths of B evenly spaced bands from `lo` to `hi` nanometres (B,).
xt::xarray<double> band_wavelengths(std::size_t bands, double lo = 400.0, double hi = 2500.0);

// M smooth positive reflectance spectra over `wavelengths` (M, B): each a floor of 0.05 plus
// four Gaussian bumps with random centres (anywhere in the range), widths (60 to 300 nm) and
// heights (0.1 to 0.5), scaled down where they add up past 0.85, so every value is in [0.05, 0.9].
xt::xarray<double> random_endmembers(std::size_t m, const xt::xarray<double>& wavelengths, autograd::Generator& gen);

// One draw from Gamma(shape, 1) (density x^(shape-1) e^-x / Gamma(shape)), shape > 0, by
// Marsaglia and Tsang's method (2000); for shape < 1 through Gamma(shape + 1) U^(1 / shape).
double sample_gamma(double shape, autograd::Generator& gen);

// N draws from Dirichlet(alpha) (N, M): each row non-negative, summing to 1, with mean
// alpha / sum(alpha). Every alpha_m must be positive (std::invalid_argument otherwise).
xt::xarray<double> sample_dirichlet(const std::vector<double>& alpha, std::size_t n, autograd::Generator& gen);

// Hapke's reflectance r(w) of grains with single-scattering albedo w in [0, 1] (above), and its
// inverse w(r) for r in [0, 1]: with t = sqrt(1 - w), r (1 + 2t)^2 = 1 - t^2 gives
// t = (sqrt(3r + 1) - 2r) / (4r + 1).
double hapke_reflectance(double w);
double hapke_albedo(double r);

// How the materials of a pixel mix (above).
enum class Mixing { Linear, Bilinear, Intimate };

// Pixels with the abundances they were made from.
struct MixedPixels {
    xt::xarray<double> abundances;  // (N, M)
    xt::xarray<double> clean;       // (N, B): the mixture before noise
    xt::xarray<double> pixels;      // (N, B): clean + N(0, noise^2) in every band
};

// N pixels mixed from `endmembers` (M, B) with abundances a ~ Dirichlet(alpha) (alpha.size() must
// be M), plus noise * eps with eps ~ N(0, I). Intimate mixing needs every endmember value in [0, 1].
MixedPixels mix_pixels(const xt::xarray<double>& endmembers, const std::vector<double>& alpha, std::size_t n,
                       double noise, autograd::Generator& gen, Mixing mixing = Mixing::Linear);

}  // namespace io
