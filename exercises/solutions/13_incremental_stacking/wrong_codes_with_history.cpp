// expect-hint: the codes carry their history
// mistake: the codes computed on the tape (no NoGradGuard), so a loss made from them reaches level 1's weights
// expect-check: the codes carry no history: no gradient can flow back into level 1
// The reference solution of exercise 13.
#include "exercise.hpp"

namespace ex13 {

using autograd::Tensor;

// Stage 1: level 1 alone learns to reconstruct the images, x -> dec1(enc1(x)).
void train_stage1(Stack& s, const io::Dataset& images, const Schedule& schedule, autograd::Generator& gen) {
    nn::Adam adam(s.level1->parameters(), schedule.learning_rate);
    nn::DataLoader loader(images, schedule.batch_size, /*shuffle=*/true, gen.next_u64());
    for (std::size_t epoch = 0; epoch < schedule.epochs; ++epoch)
        for (const nn::Batch& batch : loader) {
            adam.zero_grad();
            const Tensor loss = autograd::mse_loss(s.level1->forward(batch.x), batch.x);  // ()
            loss.backward();
            adam.step();
        }
}

// h1 = sigmoid(x W1 + b1), computed without a graph: constants.
Tensor codes(Stack& s, const Tensor& x) {
    // MISTAKE: no autograd::NoGradGuard: the codes keep their history
    return s.level1->encode(x);  // (N, H1)
}

// Stage 2: level 1 frozen, level 2 learns to reconstruct level 1's codes, h1 -> dec2(enc2(h1)).
void train_stage2(Stack& s, const io::Dataset& images, const Schedule& schedule, autograd::Generator& gen) {
    s.level1->freeze();
    nn::Adam adam(s.trainable_parameters(), schedule.learning_rate);  // level 2's only
    nn::DataLoader loader(images, schedule.batch_size, /*shuffle=*/true, gen.next_u64());
    for (std::size_t epoch = 0; epoch < schedule.epochs; ++epoch)
        for (const nn::Batch& batch : loader) {
            const Tensor h1 = codes(s, batch.x);  // (B, H1): level 2's input and its target
            adam.zero_grad();
            const Tensor loss = autograd::mse_loss(s.level2->forward(h1), h1);  // ()
            loss.backward();
            adam.step();
        }
    s.level1->unfreeze();
}

// x -> enc1 -> enc2: the code of the whole stack.
Tensor stacked_encode(Stack& s, const Tensor& x) {
    return s.level2->encode(s.level1->encode(x));  // (N, H2)
}

// z -> dec2 -> dec1: the decoders in the reverse order of the encoders.
Tensor stacked_decode(Stack& s, const Tensor& z) {
    return s.level1->decode(s.level2->decode(z));  // (N, D)
}

}  // namespace ex13
