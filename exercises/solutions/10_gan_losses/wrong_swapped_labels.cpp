// expect-hint: label 1 for real and 0 for fake
// mistake: The discriminator's labels swapped: real samples pay -log(1 - D(x)) and fakes -log D(G(z)), as if real were 0 and fake 1.
// expect-check: J(D) = -mean log D(x) - mean log(1 - D(G(z)))
// The reference solution of exercise 10.
#include "exercise.hpp"

namespace ex10 {

using namespace autograd;

// -log D = -log sigmoid(l) = softplus(-l);   -log(1 - D) = -log sigmoid(-l) = softplus(l).

// J(D) = -mean log D(x) - mean log(1 - D(G(z))),  D = sigmoid(logit).
Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    return mean(softplus(real_logits)) + mean(softplus(-fake_logits));  // (): real labelled 0, fake 1  // MISTAKE
}

// J(G) = -mean log D(G(z)): the non-saturating loss.
Tensor64 generator_loss(const Tensor64& fake_logits) {
    return mean(softplus(-fake_logits));  // ()
}

}  // namespace ex10
