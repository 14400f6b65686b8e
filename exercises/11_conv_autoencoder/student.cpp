// Exercise 11: a convolutional autoencoder that reaches a target test MSE within a CPU-time
// budget. Read README.md first.
//
// Fill in the two bodies below; `./lab check 11` grades them.
#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex11 {

using autograd::ConvGeometry;
using autograd::Tensor;

// Your design: an encoder (N, 1, 28, 28) -> a code of at most 32 numbers per image, and a
// decoder back to (N, 1, 28, 28) with pixels in [0, 1].
std::shared_ptr<Autoencoder> make_model(autograd::Generator& gen) {
    // 1. The encoder, an nn::Sequential of Conv2d (ConvGeometry{stride, padding}), activations, ...
    //    down to the code. Write the shape after each layer in a comment.
    // 2. The decoder, from the code back up: ConvTranspose2d, or Upsample then Conv2d, ... Check
    //    every size with (H - 1) s - 2p + k + output_padding.
    // 3. return std::make_shared<Autoencoder>(encoder, decoder);
    lab::hole("make_model: the encoder and the decoder", gen);
}

// Trains `model` to reconstruct the images of `train_images`, within `budget`.
void train(Autoencoder& model, const io::Dataset& train_images, autograd::Generator& gen, const Budget& budget) {
    // An optimizer over model.parameters(), an nn::DataLoader (seeded from gen.next_u64()), and
    // for each batch: reshape batch.x (B, 784) to (B, 1, 28, 28), zero the gradients, the loss
    // mse_loss(model(x), x), backward, step. Stop when budget.seconds_left() runs low.
    lab::hole("train: the training loop", model, train_images, gen, budget);
}

}  // namespace ex11
