// exercise.hpp (exercise 11): what you write in student.cpp, and the two types it uses. Do not
// change the signatures or the types.
//
// Dimension letters: N images, C channels, H x W pixels.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <utility>

#include "autograd/autograd.hpp"
#include "nn/nn.hpp"

namespace ex11 {

// The CPU time train() may spend, counted from the moment the Budget is made (the check makes it
// right before it calls train). CPU time, std::clock, not wall time: other programs running at
// the same time do not count against you.
class Budget {
public:
    explicit Budget(double seconds) : seconds_(seconds), start_(std::clock()) {}
    // The whole budget, in seconds.
    double seconds() const { return seconds_; }
    // CPU seconds spent since the budget was made.
    double seconds_used() const { return static_cast<double>(std::clock() - start_) / CLOCKS_PER_SEC; }
    // CPU seconds still left (negative once overspent): poll it in your loop to stop in time.
    double seconds_left() const { return seconds_ - seconds_used(); }

private:
    double seconds_;
    std::clock_t start_;
};

// An autoencoder in two parts, forward(x) = decoder(encoder(x)): the code encoder(x) is all the
// decoder ever sees. `final`, so that nothing can reach around the code.
class Autoencoder final : public nn::Module {
public:
    Autoencoder(std::shared_ptr<nn::Module> encoder_, std::shared_ptr<nn::Module> decoder_)
        : encoder(register_module("encoder", std::move(encoder_))),
          decoder(register_module("decoder", std::move(decoder_))) {}
    autograd::Tensor encode(const autograd::Tensor& x) { return (*encoder)(x); }  // (N, 1, 28, 28) -> the code
    autograd::Tensor decode(const autograd::Tensor& h) { return (*decoder)(h); }  // the code -> (N, 1, 28, 28)
    autograd::Tensor forward(const autograd::Tensor& x) override { return decode(encode(x)); }
    std::string type_name() const override { return "Autoencoder"; }

    std::shared_ptr<nn::Module> encoder, decoder;
};

// Your convolutional autoencoder, its weights drawn from `gen`: (N, 1, 28, 28) pixels in [0, 1]
// to (N, 1, 28, 28), through a code of at most 32 numbers per image.
std::shared_ptr<Autoencoder> make_model(autograd::Generator& gen);

// Trains `model` to reconstruct `train_images` (one image per row, (N, 784), pixels in [0, 1]),
// drawing any randomness (the batches' order) from `gen`, and returns before `budget` runs out.
void train(Autoencoder& model, const io::Dataset& train_images, autograd::Generator& gen, const Budget& budget);

}  // namespace ex11
