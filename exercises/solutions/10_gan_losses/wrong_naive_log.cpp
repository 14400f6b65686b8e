// expect-hint: Never take the log of a probability
// mistake: The losses written as they read, the log of a sigmoid: right for moderate logits, but 1 - sigmoid(200) is 0 in float64 and its log is -inf.
// expect-check: both stay finite and right, with their gradients, at logits of 0, +-200 and +-1000
// The reference solution of exercise 10.
#include "exercise.hpp"

namespace ex10 {

using namespace autograd;

// -log D = -log sigmoid(l) = softplus(-l);   -log(1 - D) = -log sigmoid(-l) = softplus(l).

// J(D) = -mean log D(x) - mean log(1 - D(G(z))),  D = sigmoid(logit).
Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    return -mean(log(sigmoid(real_logits))) - mean(log(1.0 - sigmoid(fake_logits)));  // ()  // MISTAKE
}

// J(G) = -mean log D(G(z)): the non-saturating loss.
Tensor64 generator_loss(const Tensor64& fake_logits) {
    return -mean(log(sigmoid(fake_logits)));  // ()  // MISTAKE
}

}  // namespace ex10
