// expect-hint: not a sum
// mistake: Both losses sum over the batch instead of averaging: the loss and every gradient grow with the batch size.
// expect-check: J(D) = -mean log D(x) - mean log(1 - D(G(z)))
// The reference solution of exercise 10.
#include "exercise.hpp"

namespace ex10 {

using namespace autograd;

// -log D = -log sigmoid(l) = softplus(-l);   -log(1 - D) = -log sigmoid(-l) = softplus(l).

// J(D) = -mean log D(x) - mean log(1 - D(G(z))),  D = sigmoid(logit).
Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    return sum(softplus(-real_logits)) + sum(softplus(fake_logits));  // (): real labelled 1, fake 0  // MISTAKE
}

// J(G) = -mean log D(G(z)): the non-saturating loss.
Tensor64 generator_loss(const Tensor64& fake_logits) {
    return sum(softplus(-fake_logits));  // ()  // MISTAKE
}

}  // namespace ex10
