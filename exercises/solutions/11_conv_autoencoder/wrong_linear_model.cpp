// expect-hint: your model is linear end to end
// mistake: The reference's layers without a single activation: every layer is linear, so the whole model is an affine map of the image through 32 numbers, which reconstructs no better than PCA-32 (0.0169) whatever the training, and misses the target.
// expect-check: after train() on 20,000 images, the test MSE is below 0.015
// The reference solution of exercise 11: a convolutional encoder down to 32 x 7 x 7, a dense
// bottleneck of 32 numbers, and a decoder of transposed convolutions k4 s2 p1 (7 -> 14 -> 28),
// trained one epoch with Adam (3e-3, batches of 64): about a quarter of the budget.
#include "exercise.hpp"

namespace ex11 {

using autograd::ConvGeometry;
using autograd::Tensor;

namespace {
constexpr std::size_t kCode = 32;                       // numbers per image in the code
const ConvGeometry kDown{/*stride=*/2, /*padding=*/1};  // k3: 28 -> 14 -> 7
const ConvGeometry kUp{/*stride=*/2, /*padding=*/1};    // k4: (7 - 1) 2 - 2 + 4 = 14, then 28
}  // namespace

std::shared_ptr<Autoencoder> make_model(autograd::Generator& gen) {
    auto encoder =
        std::make_shared<nn::Sequential>(nn::Conv2d(1, 16, 3, gen, kDown),   // (N, 16, 14, 14)  // MISTAKE
                                         nn::Conv2d(16, 32, 3, gen, kDown),  // (N, 32, 7, 7)  // MISTAKE
                                         nn::Flatten(), nn::Linear(32 * 7 * 7, kCode, gen));  // (N, 32): the code
    auto decoder = std::make_shared<nn::Sequential>(
        nn::Linear(kCode, 32 * 7 * 7, gen), nn::Unflatten({32, 7, 7}),  // (N, 32, 7, 7)  // MISTAKE
        nn::ConvTranspose2d(32, 16, 4, gen, kUp),                       // (N, 16, 14, 14)  // MISTAKE
        nn::ConvTranspose2d(16, 1, 4, gen, kUp));                       // (N, 1, 28, 28)  // MISTAKE
    return std::make_shared<Autoencoder>(encoder, decoder);
}

void train(Autoencoder& model, const io::Dataset& train_images, autograd::Generator& gen, const Budget& budget) {
    const std::size_t epochs = 1;
    const double reserve = 0.1 * budget.seconds();  // stop with a tenth of the budget left
    nn::Adam adam(model.parameters(), /*lr=*/3e-3);
    nn::DataLoader loader(train_images, /*batch_size=*/64, /*shuffle=*/true, gen.next_u64());
    for (std::size_t epoch = 0; epoch < epochs; ++epoch)
        for (const nn::Batch& batch : loader) {
            if (budget.seconds_left() < reserve) return;
            const std::size_t n = batch.x.shape()[0];
            const Tensor x = autograd::reshape(batch.x, {n, 1, 28, 28});  // (N, 1, 28, 28)
            adam.zero_grad();
            const Tensor loss = autograd::mse_loss(model(x), x);  // ()
            loss.backward();
            adam.step();
        }
}

}  // namespace ex11
