// Exercise 09: convolution as a matrix (Scott slides 15-18). Read README.md first.
//
// Fill in the body below; `./lab check 09` grades it.
#include <cstddef>

#include <xtensor/xbuilder.hpp>

#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex09 {

// Row (i, j) of C is output pixel (i, j): the kernel laid over the input where that output looks,
// flattened row by row.
xt::xarray<double> conv_matrix(const xt::xarray<double>& kernel, std::size_t height, std::size_t width,
                               std::size_t stride, std::size_t padding) {
    // 1. The output size Ho x Wo (README: the formula, for each axis with its own kernel size).
    // 2. C = xt::zeros<double>({Ho * Wo, height * width}).
    // 3. For each output pixel (i, j) and each kernel tap (a, b): find the input pixel the tap
    //    lands on (stride and padding move it; README: "Where a tap lands"). A tap on the padding
    //    has no column; otherwise write kernel(a, b) into C at (the row of (i, j), the column of
    //    that input pixel).
    lab::hole("conv_matrix: the convolution's matrix C", kernel, height, width, stride, padding);
}

}  // namespace ex09
