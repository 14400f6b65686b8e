// morphology.hpp: grey dilation and erosion of images with a 3x3 square, the thickening and
// thinning of Morpho-MNIST (Castro et al. 2019), used to give digits a second "style"; and the
// 3x3 median filter, the classic filter for salt-and-pepper noise (a baseline for the denoising
// autoencoder).
//   dilation: y[m, n] = max of x over the 3x3 square centred on (m, n)  (strokes grow a pixel)
//   erosion:  y[m, n] = min of x over the same square                    (strokes shrink a pixel)
//   median:   y[m, n] = median of x over the same square  (a lone outlier among 9 pixels is out-voted)
// Outside the image counts as absent (neither maximum nor minimum nor median sees it). Erosion is
// dilation's dual: erode(x) = 1 - dilate(1 - x) for pixels in [0, 1].
#pragma once

#include <cstddef>

#include <xtensor/xarray.hpp>

namespace io {

// Each row of `images` (N, height * width) dilated or eroded as a height x width picture; a
// std::invalid_argument when the rows do not have height * width pixels.
xt::xarray<float> dilate3x3(const xt::xarray<float>& images, std::size_t height, std::size_t width);
xt::xarray<float> erode3x3(const xt::xarray<float>& images, std::size_t height, std::size_t width);

// Each row of `images` (N, height * width) median-filtered as a height x width picture: each pixel
// becomes the median of its 3x3 neighbourhood (9 pixels inside, 6 on an edge, 4 at a corner; of an
// even count, the mean of the middle two). A std::invalid_argument when the rows do not have
// height * width pixels.
xt::xarray<float> median3x3(const xt::xarray<float>& images, std::size_t height, std::size_t width);

}  // namespace io
