// Exercise 13: a stacked autoencoder trained one level at a time. Read README.md first.
//
// Fill in the holes below; `./lab check 13` grades them.
#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex13 {

using autograd::Tensor;

// Stage 1: level 1 alone learns to reconstruct the images, x -> dec1(enc1(x)).
void train_stage1(Stack& s, const io::Dataset& images, const Schedule& schedule, autograd::Generator& gen) {
    // An nn::Adam over level 1's parameters only, an nn::DataLoader over the images (seeded from
    // gen.next_u64()), and schedule.epochs epochs of: zero the gradients, the loss
    // autograd::mse_loss(reconstruction, batch.x), backward, step.
    lab::hole("train_stage1: level 1 learns to reconstruct the images", s, images, schedule, gen);
}

// h1 = sigmoid(x W1 + b1), (N, H1): constants, with no history back into level 1.
Tensor codes(Stack& s, const Tensor& x) {
    // Level 1's code (s.level1->encode), computed where no graph is recorded (autograd::NoGradGuard).
    lab::hole("codes: level 1's codes, without history", s, x);
}

// Stage 2: level 1 frozen, level 2 learns to reconstruct level 1's codes, h1 -> dec2(enc2(h1)).
void train_stage2(Stack& s, const io::Dataset& images, const Schedule& schedule, autograd::Generator& gen) {
    // 1. Freeze level 1 (nn::Module::freeze), then an optimizer over what is still trainable.
    // 2. The loop of stage 1, with level 2's input and target both h1 = codes(s, batch.x).
    // 3. Unfreeze level 1 at the end (the finished stack can then be fine-tuned).
    lab::hole("train_stage2: level 2 learns level 1's codes, level 1 frozen", s, images, schedule, gen);
}

// x (N, D) -> z (N, H2): the encoders, in order.
Tensor stacked_encode(Stack& s, const Tensor& x) {
    lab::hole("stacked_encode: enc2(enc1(x))", s, x);
}

// z (N, H2) -> (N, D): the decoders, in reverse order.
Tensor stacked_decode(Stack& s, const Tensor& z) {
    lab::hole("stacked_decode: dec1(dec2(z))", s, z);
}

}  // namespace ex13
