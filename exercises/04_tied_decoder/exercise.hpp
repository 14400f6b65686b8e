// exercise.hpp (exercise 04): the functions you write in student.cpp. Do not change their signatures.
//
// Dimension letters: N examples, D inputs (pixels), H hidden units.
#pragma once

#include <cstddef>
#include <memory>

#include "nn/nn.hpp"

namespace ex04 {

// Your tied decoder layer (the class TiedDecoder in student.cpp) made for `encoder`, an
// nn::Linear(D, H) with weight W (D, H): y = h W^T + c, h (N, H) -> y (N, D). It shares W with
// the encoder (no weight of its own) and has its own bias c (D,).
std::shared_ptr<nn::Module> make_tied_decoder(std::shared_ptr<nn::Linear> encoder);

// The tied autoencoder D-H-D: x -> h = sigmoid(x W + b) -> y = sigmoid(h W^T + c), made of an
// nn::Linear(D, H) drawn from `gen` and your TiedDecoder on that same layer.
std::shared_ptr<nn::Sequential> tied_autoencoder(std::size_t D, std::size_t H, autograd::Generator& gen);

}  // namespace ex04
