// expect-hint: an eps added to the denominator
// mistake: D* as p_data / (p_data + p_g + 1e-12), an eps against 0 / 0 that spoils D* wherever the densities are small
// expect-check: D* where a density is 0: 0, 1, and 1/2 where both are
// Exercise 14: D*, the value of the game, the JSD it measures, and a trained discriminator.
#include <cmath>
#include <cstddef>
#include <memory>

#include "exercise.hpp"
#include "models/gan.hpp"

namespace ex14 {

using autograd::Tensor;

// For each x, D(x) maximises a log y + b log(1 - y) with a = p_data(x), b = p_g(x): y = a / (a + b).
Array optimal_discriminator(const Array& p_data, const Array& p_g) {
    const Array total = p_data + p_g;
    // Where a = b = 0 every y does as well, and 0 / 0 is nan: take 1/2 there.
    return p_data / (total + 1e-12);  // MISTAKE
}

// V(D, G) = sum_k dx [p_data_k log D_k + p_g_k log(1 - D_k)]; a term with density 0 is 0.
double game_value(const Array& p_data, const Array& p_g, const Array& D, double dx) {
    double v = 0.0;
    for (std::size_t k = 0; k < D.size(); ++k) {
        if (p_data(k) > 0.0) v += p_data(k) * std::log(D(k)) * dx;
        if (p_g(k) > 0.0) v += p_g(k) * std::log(1.0 - D(k)) * dx;
    }
    return v;
}

// V(D*, G) = -log 4 + 2 JSD, so JSD = (V(D*, G) + log 4) / 2.
double jsd_by_game(const Array& p_data, const Array& p_g, double dx) {
    const double v = game_value(p_data, p_g, optimal_discriminator(p_data, p_g), dx);
    return (v + std::log(4.0)) / 2.0;
}

namespace {
constexpr std::size_t kSteps = 600;  // Adam steps
constexpr std::size_t kBatch = 128;  // samples of each distribution per step
}  // namespace

// A small MLP on the real line, trained on J(D): binary cross-entropy in the logits, data 1, G 0.
std::shared_ptr<nn::Module> train_discriminator(const Sampler& sample_data, const Sampler& sample_g,
                                                autograd::Generator& gen) {
    auto D = std::make_shared<nn::Sequential>(nn::Linear(1, 32, gen), nn::Tanh(), nn::Linear(32, 32, gen), nn::Tanh(),
                                              nn::Linear(32, 1, gen));  // x (N, 1) -> logit (N, 1)
    nn::Adam adam(D->parameters(), /*lr=*/1e-2);
    for (std::size_t step = 0; step < kSteps; ++step) {
        const Tensor real = sample_data(kBatch, gen), fake = sample_g(kBatch, gen);  // (N, 1) each
        adam.zero_grad();
        const Tensor loss = models::discriminator_loss((*D)(real), (*D)(fake));  // (): real labelled 1, fake 0
        loss.backward();
        adam.step();
    }
    return D;
}

}  // namespace ex14
