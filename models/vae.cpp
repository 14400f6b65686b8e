#include "models/vae.hpp"

#include <fmt/format.h>

#include "autograd/losses.hpp"

namespace models {

using namespace autograd;

VAE::VAE(std::size_t input, std::size_t hidden, std::size_t latent, autograd::Generator& gen) {
    hidden_in = register_module("hidden_in", std::make_shared<nn::Linear>(input, hidden, gen, nn::Init::He));
    to_mu = register_module("to_mu", std::make_shared<nn::Linear>(hidden, latent, gen));
    to_logvar = register_module("to_logvar", std::make_shared<nn::Linear>(hidden, latent, gen));
    hidden_out = register_module("hidden_out", std::make_shared<nn::Linear>(latent, hidden, gen, nn::Init::He));
    to_logits = register_module("to_logits", std::make_shared<nn::Linear>(hidden, input, gen));
}

VAE::Code VAE::encode(const autograd::Tensor& x) {
    const autograd::Tensor h = relu((*hidden_in)(x));  // (N, hidden)
    return {(*to_mu)(h), (*to_logvar)(h)};             // (N, L) each
}

autograd::Tensor VAE::reparameterize(const Code& code, autograd::Generator& gen) {
    const autograd::Tensor eps = randn(code.mu.shape(), gen);  // (N, L), a constant: no gradient
    return code.mu + exp(code.logvar * 0.5) * eps;             // sigma = exp(logvar / 2)
}

autograd::Tensor VAE::decode_logits(const autograd::Tensor& z) { return (*to_logits)(relu((*hidden_out)(z))); }

VAE::Loss VAE::loss(const autograd::Tensor& x, autograd::Generator& gen) {
    const Code code = encode(x);
    const autograd::Tensor logits = decode_logits(reparameterize(code, gen));
    const autograd::Tensor reconstruction = bce_with_logits(logits, x, Reduction::Sum);
    const autograd::Tensor kl = gaussian_kl(code.mu, code.logvar, Reduction::Sum);
    return {reconstruction + kl, reconstruction, kl};
}

autograd::Tensor VAE::forward(const autograd::Tensor& x) { return sigmoid(decode_logits(encode(x).mu)); }

autograd::Tensor64 VAE::forward64(const autograd::Tensor64& x, const nn::Params64& p) {
    // forward in float64: sigmoid(decode_logits(mu)), through each layer's forward64.
    const autograd::Tensor64 h = relu(hidden_in->forward64(x, p));                // (N, hidden)
    const autograd::Tensor64 mu = to_mu->forward64(h, p);                         // (N, L)
    return sigmoid(to_logits->forward64(relu(hidden_out->forward64(mu, p)), p));  // (N, D)
}

std::string VAE::type_name() const {
    return fmt::format("VAE({}-{}-{})", hidden_in->in_features(), hidden_in->out_features(), to_mu->out_features());
}

}  // namespace models
