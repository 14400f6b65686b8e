// Exercise 05: denoising corruption, masking and salt-and-pepper noise. Read README.md first.
//
// Fill in the two bodies below; `./lab check 05` grades them.
#include <stdexcept>
#include <utility>

#include <xtensor/xarray.hpp>

#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex05 {

using autograd::Generator;
using autograd::Tensor;

// x~ = x with each element set to 0 with probability nu.
Tensor masking_noise(const Tensor& x, double nu, Generator& gen) {
    // 1. nu outside [0, 1]: throw std::invalid_argument.
    // 2. Copy x's value into an xt::xarray<float>; for each element draw u = gen.uniform() in
    //    [0, 1) and set the element to 0 when u < nu.
    // 3. Return the copy as a new tensor, one with no history.
    lab::hole("masking_noise: zero each element with probability nu", x, nu, gen);
}

// x~ = x with each element, with probability nu, set to 0 or to 1 (equally likely).
Tensor salt_and_pepper(const Tensor& x, double nu, Generator& gen) {
    // As masking_noise, but a corrupted element becomes 0 (pepper) or 1 (salt), each with
    // probability 1/2: one more draw, or split the event u < nu into two halves.
    lab::hole("salt_and_pepper: set each element to 0 or 1 with probability nu", x, nu, gen);
}

}  // namespace ex05
