// expect-compile-error: exercise 10 asks you to write it yourself: autograd::bce_with_logits is the library's finished answer
// mistake: the discriminator's loss from the library's binary cross-entropy in logits
// The reference solution of exercise 10.
#include "exercise.hpp"

namespace ex10 {

using namespace autograd;

// -log D = -log sigmoid(l) = softplus(-l);   -log(1 - D) = -log sigmoid(-l) = softplus(l).

// J(D) = -mean log D(x) - mean log(1 - D(G(z))),  D = sigmoid(logit).
Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    return bce_with_logits(real_logits, ones_like(real_logits)) +  // MISTAKE
           bce_with_logits(fake_logits, zeros_like(fake_logits));  // MISTAKE
}

// J(G) = -mean log D(G(z)): the non-saturating loss.
Tensor64 generator_loss(const Tensor64& fake_logits) {
    return mean(softplus(-fake_logits));  // ()
}

}  // namespace ex10
