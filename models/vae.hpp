// vae.hpp: the variational autoencoder of Scott's slides 25-32 (Kingma and Welling, 2014), as an
// MLP: x (D) -> hidden -> (mu, logvar) of the latent code (L) -> z -> hidden -> logits (D).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "nn/layers.hpp"
#include "nn/module.hpp"

namespace models {

class VAE : public nn::Module {
public:
    VAE(std::size_t input, std::size_t hidden, std::size_t latent, autograd::Generator& gen);

    // The encoder's two heads: the mean and the log-variance of q(z | x), each (N, L).
    struct Code {
        autograd::Tensor mu, logvar;
    };
    Code encode(const autograd::Tensor& x);
    // z = mu + sigma * eps with eps ~ N(0, I) drawn from `gen` (slide 29: the randomness sits in
    // eps, outside the graph, so gradients reach mu and sigma).
    static autograd::Tensor reparameterize(const Code& code, autograd::Generator& gen);
    // The decoder's logits (N, D); sigmoid of them is the Bernoulli mean of each pixel.
    autograd::Tensor decode_logits(const autograd::Tensor& z);

    // The negative ELBO summed over the batch: Bernoulli reconstruction loss (BCE from logits,
    // summed over pixels) plus KL(q(z | x) || N(0, I)) in closed form. Also returns the two parts.
    struct Loss {
        autograd::Tensor total, reconstruction, kl;
    };
    Loss loss(const autograd::Tensor& x, autograd::Generator& gen);

    // The reconstruction through the mean code (no sampling): sigmoid(decode(mu)).
    autograd::Tensor forward(const autograd::Tensor& x) override;
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const nn::Params64& p) override;
    std::string type_name() const override;

    std::shared_ptr<nn::Linear> hidden_in, to_mu, to_logvar, hidden_out, to_logits;
};

}  // namespace models
