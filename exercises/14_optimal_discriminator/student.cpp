// Exercise 14: the optimal discriminator (Scott slides 35-37; Goodfellow et al. 2014, Proposition 1
// and Theorem 1). Read README.md first.
//
// Fill in the four bodies below; `./lab check 14` grades them.
#include <cmath>
#include <cstddef>
#include <memory>

#include "exercise.hpp"
#include "exercises/grader/lab.hpp"
#include "models/gan.hpp"

namespace ex14 {

using autograd::Tensor;

// D*(x) = p_data(x) / (p_data(x) + p_g(x)), elementwise; 1/2 where both are 0.
Array optimal_discriminator(const Array& p_data, const Array& p_g) {
    // Elementwise xtensor arithmetic on the two arrays; mind the points where both are 0
    // (README: "Where both densities are 0").
    lab::hole("optimal_discriminator: D* from the two densities", p_data, p_g);
}

// V(D, G) = sum_k dx [p_data_k log D_k + p_g_k log(1 - D_k)], a term of density 0 counting 0.
double game_value(const Array& p_data, const Array& p_g, const Array& D, double dx) {
    // One loop over the K grid points (or xtensor expressions); mind 0 log 0.
    lab::hole("game_value: V(D, G) by the rectangle rule", p_data, p_g, D, dx);
}

// JSD(p_data || p_g), from V(D*, G) = -log 4 + 2 JSD.
double jsd_by_game(const Array& p_data, const Array& p_g, double dx) {
    // Your two functions above, then Theorem 1 solved for the JSD.
    lab::hole("jsd_by_game: the JSD from the value of the game at D*", p_data, p_g, dx);
}

// A discriminator x (N, 1) -> logit (N, 1), trained on J(D) against the fixed generator's samples.
std::shared_ptr<nn::Module> train_discriminator(const Sampler& sample_data, const Sampler& sample_g,
                                                autograd::Generator& gen) {
    // 1. A small MLP from nn (Linear and Tanh), its weights drawn from gen, ending in a Linear
    //    layer to one logit (no sigmoid).
    // 2. An optimizer (nn::Adam) on its parameters.
    // 3. Each step: a batch of each sampler (drawn from gen), zero_grad, the loss
    //    models::discriminator_loss (real labelled 1, fake 0), backward, step.
    lab::hole("train_discriminator: a small MLP trained on J(D)", sample_data, sample_g, gen);
}

}  // namespace ex14
