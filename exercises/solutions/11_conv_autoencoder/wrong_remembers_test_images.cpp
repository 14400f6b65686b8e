// expect-hint: before train() ran, your model already reconstructs
// mistake: A shortcut: make_model reads MNIST's test images from disk and keeps them, the encoder codes an image as its place among them (one number) and the decoder looks it up, so the MSE is 0 on any test image before and after train(), and nothing is learned.
// expect-check: a short run (5,000 images, 4 s) beats the average digit
// The reference solution of exercise 11: a convolutional encoder down to 32 x 7 x 7, a dense
// bottleneck of 32 numbers, and a decoder of transposed convolutions k4 s2 p1 (7 -> 14 -> 28),
// trained one epoch with Adam (3e-3, batches of 64): about a quarter of the budget.
#include "exercise.hpp"
#include "io/mnist.hpp"  // MISTAKE

namespace ex11 {

using autograd::ConvGeometry;
using autograd::Tensor;

namespace {
constexpr std::size_t kCode = 32;                       // numbers per image in the code
const ConvGeometry kDown{/*stride=*/2, /*padding=*/1};  // k3: 28 -> 14 -> 7
const ConvGeometry kUp{/*stride=*/2, /*padding=*/1};    // k4: (7 - 1) 2 - 2 + 4 = 14, then 28
// Every MNIST test image, (10000, 784): what the shortcut remembers.  // MISTAKE
xt::xarray<float> remembered;  // MISTAKE
// An image's place among the remembered ones (exact match), as the code (N, 1).  // MISTAKE
class LookUpIndex : public nn::Module {                                                                   // MISTAKE
public:                                                                                                   // MISTAKE
    Tensor forward(const Tensor& x) override {                                                            // MISTAKE
        const std::size_t n = x.shape()[0];                                                               // MISTAKE
        xt::xarray<float> code = xt::zeros<float>({n, std::size_t{1}});                                   // MISTAKE
        const float* images = x.value().data();                                                           // MISTAKE
        for (std::size_t i = 0; i < n; ++i)                                                               // MISTAKE
            for (std::size_t k = 0; k < remembered.shape()[0]; ++k)                                       // MISTAKE
                if (std::equal(images + i * 784, images + (i + 1) * 784, remembered.data() + k * 784)) {  // MISTAKE
                    code(i, 0) = static_cast<float>(k);                                                   // MISTAKE
                    break;                                                                                // MISTAKE
                }                                                                                         // MISTAKE
        return Tensor(code);                                                                              // MISTAKE
    }                                                                                                     // MISTAKE
    std::string type_name() const override { return "LookUpIndex"; }                                      // MISTAKE
};                                                                                                        // MISTAKE
// The remembered image at each code, (N, 1, 28, 28).  // MISTAKE
class Recall : public nn::Module {                                                                            // MISTAKE
public:                                                                                                       // MISTAKE
    Tensor forward(const Tensor& h) override {                                                                // MISTAKE
        const std::size_t n = h.shape()[0];                                                                   // MISTAKE
        xt::xarray<float> out = xt::zeros<float>({n, std::size_t{1}, std::size_t{28}, std::size_t{28}});      // MISTAKE
        for (std::size_t i = 0; i < n; ++i) {                                                                 // MISTAKE
            const std::size_t k = static_cast<std::size_t>(h.value()(i, 0));                                  // MISTAKE
            std::copy(remembered.data() + k * 784, remembered.data() + (k + 1) * 784, out.data() + i * 784);  // MISTAKE
        }                                                                                                     // MISTAKE
        return Tensor(out);                                                                                   // MISTAKE
    }                                                                                                         // MISTAKE
    std::string type_name() const override { return "Recall"; }                                               // MISTAKE
};                                                                                                            // MISTAKE
}  // namespace

std::shared_ptr<Autoencoder> make_model(autograd::Generator& gen) {
    if (remembered.dimension() != 2)                                                                    // MISTAKE
        remembered = io::load_mnist(io::default_mnist_dir(), /*train=*/false).images;                   // MISTAKE
    return std::make_shared<Autoencoder>(std::make_shared<LookUpIndex>(), std::make_shared<Recall>());  // MISTAKE
    auto encoder =
        std::make_shared<nn::Sequential>(nn::Conv2d(1, 16, 3, gen, kDown), nn::ReLU(),        // (N, 16, 14, 14)
                                         nn::Conv2d(16, 32, 3, gen, kDown), nn::ReLU(),       // (N, 32, 7, 7)
                                         nn::Flatten(), nn::Linear(32 * 7 * 7, kCode, gen));  // (N, 32): the code
    auto decoder = std::make_shared<nn::Sequential>(
        nn::Linear(kCode, 32 * 7 * 7, gen), nn::ReLU(), nn::Unflatten({32, 7, 7}),  // (N, 32, 7, 7)
        nn::ConvTranspose2d(32, 16, 4, gen, kUp), nn::ReLU(),                       // (N, 16, 14, 14)
        nn::ConvTranspose2d(16, 1, 4, gen, kUp), nn::Sigmoid());                    // (N, 1, 28, 28)
    return std::make_shared<Autoencoder>(encoder, decoder);
}

void train(Autoencoder& model, const io::Dataset& train_images, autograd::Generator& gen, const Budget& budget) {
    return;  // nothing to learn  // MISTAKE
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
