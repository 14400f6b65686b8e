// expect-hint: Use the non-saturating loss
// mistake: The generator minimises the minimax loss mean log(1 - D(G(z))) (slide 37's J(G) = -J(D), without the term G cannot change), whose gradient vanishes when D rejects the fakes.
// expect-check: J(G) = -mean log D(G(z)), the non-saturating loss
// The reference solution of exercise 10.
#include "exercise.hpp"

namespace ex10 {

using namespace autograd;

// -log D = -log sigmoid(l) = softplus(-l);   -log(1 - D) = -log sigmoid(-l) = softplus(l).

// J(D) = -mean log D(x) - mean log(1 - D(G(z))),  D = sigmoid(logit).
Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    return mean(softplus(-real_logits)) + mean(softplus(fake_logits));  // (): real labelled 1, fake 0
}

// J(G) = -mean log D(G(z)): the non-saturating loss.
Tensor64 generator_loss(const Tensor64& fake_logits) {
    return -mean(softplus(fake_logits));  // () = mean log(1 - D(G(z))): the minimax loss  // MISTAKE
}

}  // namespace ex10
