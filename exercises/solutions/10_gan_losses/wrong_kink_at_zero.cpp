// expect-hint: at a logit of exactly 0
// mistake: softplus written out as its stable form, relu(t) + log(1 + e^-|t|): the value is right everywhere, but the backward of each piece takes its kink's one-sided derivative, 0 (relu'(0) = |t|'(0) = 0), so at a logit of exactly 0 the gradient is 0 where softplus'(0) = sigmoid(0) = 1/2.
// expect-check: both stay finite and right, with their gradients, at logits of 0, +-200 and +-1000
// The reference solution of exercise 10.
#include "exercise.hpp"

namespace ex10 {

using namespace autograd;

// -log D = -log sigmoid(l) = softplus(-l);   -log(1 - D) = -log sigmoid(-l) = softplus(l).
// softplus(t) = log(1 + e^t) = max(t, 0) + log(1 + e^-|t|): finite for every t.  // MISTAKE
static Tensor64 stable_softplus(const Tensor64& t) { return relu(t) + log(exp(-abs(t)) + 1.0); }  // MISTAKE

// J(D) = -mean log D(x) - mean log(1 - D(G(z))),  D = sigmoid(logit).
Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    return mean(stable_softplus(-real_logits)) + mean(stable_softplus(fake_logits));  // MISTAKE
}

// J(G) = -mean log D(G(z)): the non-saturating loss.
Tensor64 generator_loss(const Tensor64& fake_logits) {
    return mean(stable_softplus(-fake_logits));  // ()  // MISTAKE
}

}  // namespace ex10
