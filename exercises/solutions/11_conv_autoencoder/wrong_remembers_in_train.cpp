// expect-hint: far better than the same digits slightly warped
// mistake: train() reads MNIST's test images from disk, and the model looks each input up among them
// expect-check: the model does as well on digits that are in no file (the test digits, slightly warped)
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
xt::xarray<float> remembered;  // MISTAKE: every MNIST test image, (10000, 784), once train() ran
// MISTAKE: the code of an image is its place among the remembered ones (exact match), or -1
class LookUpIndex : public nn::Module {                                                                     // MISTAKE
public:                                                                                                     // MISTAKE
    Tensor forward(const Tensor& x) override {                                                              // MISTAKE
        const std::size_t n = x.shape()[0];                                                                 // MISTAKE
        xt::xarray<float> code = xt::full_like(xt::xarray<float>::from_shape({n, std::size_t{1}}), -1.0f);  // MISTAKE
        for (std::size_t i = 0; i < n && remembered.dimension() == 2; ++i)                                  // MISTAKE
            for (std::size_t k = 0; k < remembered.shape()[0]; ++k)                                         // MISTAKE
                if (std::equal(x.value().data() + i * 784, x.value().data() + (i + 1) * 784,                // MISTAKE
                               remembered.data() + k * 784)) {                                              // MISTAKE
                    code(i, 0) = static_cast<float>(k);                                                     // MISTAKE
                    break;                                                                                  // MISTAKE
                }                                                                                           // MISTAKE
        return Tensor(code);                                                                                // MISTAKE
    }                                                                                                       // MISTAKE
    std::string type_name() const override { return "LookUpIndex"; }                                        // MISTAKE
};                                                                                                          // MISTAKE
// MISTAKE: the remembered image of each code, (N, 1, 28, 28); black for -1
class Recall : public nn::Module {                                                                         // MISTAKE
public:                                                                                                    // MISTAKE
    Tensor forward(const Tensor& h) override {                                                             // MISTAKE
        const std::size_t n = h.shape()[0];                                                                // MISTAKE
        xt::xarray<float> out = xt::zeros<float>({n, std::size_t{1}, std::size_t{28}, std::size_t{28}});   // MISTAKE
        for (std::size_t i = 0; i < n; ++i)                                                                // MISTAKE
            if (h.value()(i, 0) >= 0.0f) {                                                                 // MISTAKE
                const float* image = remembered.data() + static_cast<std::size_t>(h.value()(i, 0)) * 784;  // MISTAKE
                std::copy(image, image + 784, out.data() + i * 784);                                       // MISTAKE
            }                                                                                              // MISTAKE
        return Tensor(out);                                                                                // MISTAKE
    }                                                                                                      // MISTAKE
    std::string type_name() const override { return "Recall"; }                                            // MISTAKE
};                                                                                                         // MISTAKE
}  // namespace

std::shared_ptr<Autoencoder> make_model(autograd::Generator& /*gen*/) {                                 // MISTAKE
    return std::make_shared<Autoencoder>(std::make_shared<LookUpIndex>(), std::make_shared<Recall>());  // MISTAKE
}

void train(Autoencoder& /*model*/, const io::Dataset& /*train_images*/, autograd::Generator& /*gen*/,  // MISTAKE
           const Budget& /*budget*/) {                                                                 // MISTAKE
    remembered = io::load_mnist(io::default_mnist_dir(), /*train=*/false).images;  // MISTAKE: nothing learned
}

}  // namespace ex11
