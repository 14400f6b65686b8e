// expect-compile-error: exercise 09 asks you to write it yourself: autograd::conv_matrix is the library's finished answer
// mistake: the library's autograd::conv_matrix called instead of the matrix built
// The reference solution of exercise 09.
#include <cstddef>

#include <xtensor/xbuilder.hpp>

#include "autograd/autograd.hpp"  // MISTAKE
#include "exercise.hpp"

namespace ex09 {

// Row (i, j) of C is output pixel (i, j): the kernel laid over the input where that output looks,
// flattened row by row.
xt::xarray<double> conv_matrix(const xt::xarray<double>& kernel, std::size_t height, std::size_t width,
                               std::size_t stride, std::size_t padding) {
    autograd::ConvGeometry geom;                                // MISTAKE
    geom.stride = stride;                                       // MISTAKE
    geom.padding = padding;                                     // MISTAKE
    return autograd::conv_matrix(kernel, height, width, geom);  // MISTAKE
}

}  // namespace ex09
