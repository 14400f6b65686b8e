// exercise.hpp (exercise 13): what you write in student.cpp, and the types it uses. Do not change
// the signatures or the types.
//
// Dimension letters: N images, D = 784 pixels, H1 and H2 the code sizes of level 1 and level 2.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "autograd/autograd.hpp"
#include "io/dataset.hpp"
#include "nn/nn.hpp"

namespace ex13 {

// One level of the stack: an autoencoder in -> out -> in, a sigmoid after each of its two layers.
class Level final : public nn::Module {
public:
    Level(std::size_t in, std::size_t out, autograd::Generator& gen)
        : encoder(register_module("encoder", std::make_shared<nn::Linear>(in, out, gen))),
          decoder(register_module("decoder", std::make_shared<nn::Linear>(out, in, gen))) {}
    // The code sigmoid(x W + b): (N, in) -> (N, out). (`encoder` alone is the Linear x W + b,
    // without the sigmoid.)
    autograd::Tensor encode(const autograd::Tensor& x) { return autograd::sigmoid((*encoder)(x)); }
    // sigmoid(h V + c): (N, out) -> (N, in).
    autograd::Tensor decode(const autograd::Tensor& h) { return autograd::sigmoid((*decoder)(h)); }
    // The level's reconstruction of its input, decode(encode(x)).
    autograd::Tensor forward(const autograd::Tensor& x) override { return decode(encode(x)); }
    std::string type_name() const override { return "Level"; }

    std::shared_ptr<nn::Linear> encoder;  // in -> out
    std::shared_ptr<nn::Linear> decoder;  // out -> in
};

// The stacked autoencoder D-H1-H2-H1-D of Scott slides 8-10, kept as its two levels: level 1 (the
// outer pair, D -> H1 -> D) and level 2 (the inner pair, H1 -> H2 -> H1).
class Stack final : public nn::Module {
public:
    Stack(std::size_t D, std::size_t H1, std::size_t H2, autograd::Generator& gen)
        : level1(register_module("level1", std::make_shared<Level>(D, H1, gen))),
          level2(register_module("level2", std::make_shared<Level>(H1, H2, gen))) {}
    // The stack's reconstruction, stacked_decode(stacked_encode(x)) (below): (N, D) -> (N, D).
    autograd::Tensor forward(const autograd::Tensor& x) override;
    std::string type_name() const override { return "Stack"; }

    std::shared_ptr<Level> level1;  // D -> H1 -> D
    std::shared_ptr<Level> level2;  // H1 -> H2 -> H1
};

// How each stage trains: Adam with this learning rate, batches of this size drawn in an order
// seeded from the generator, this many epochs. The check sets it.
struct Schedule {
    std::size_t epochs = 0;
    std::size_t batch_size = 0;
    double learning_rate = 0.0;
};

// Stage 1 (Scott slide 9, phase 1): trains level 1 alone to reconstruct the images
// (images.images, (N, D)); level 2 is not touched.
void train_stage1(Stack& s, const io::Dataset& images, const Schedule& schedule, autograd::Generator& gen);

// Level 1's codes h1 = sigmoid(x W1 + b1) of the images x (N, D), (N, H1), as constants: no
// history, so that no gradient can flow from them back into level 1.
autograd::Tensor codes(Stack& s, const autograd::Tensor& x);

// Stage 2 (slide 9, phase 2; slide 10): with level 1 frozen, trains level 2 to reconstruct level
// 1's codes of the images. Level 1 comes out of it exactly as it went in.
void train_stage2(Stack& s, const io::Dataset& images, const Schedule& schedule, autograd::Generator& gen);

// The stacked encoder: z = enc2(enc1(x)), (N, D) -> (N, H2).
autograd::Tensor stacked_encode(Stack& s, const autograd::Tensor& x);
// The stacked decoder, the decoders in reverse order: dec1(dec2(z)), (N, H2) -> (N, D).
autograd::Tensor stacked_decode(Stack& s, const autograd::Tensor& z);

inline autograd::Tensor Stack::forward(const autograd::Tensor& x) {
    return stacked_decode(*this, stacked_encode(*this, x));
}

}  // namespace ex13
