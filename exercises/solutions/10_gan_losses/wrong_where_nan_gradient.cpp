// expect-hint: a branch you did not pick still runs its backward
// mistake: softplus by cases with autograd::where, t + log(1 + e^-t) for t > 0 and log(1 + e^t) otherwise: the losses are right, but the backward of the branch not taken still runs, e^1000 / (1 + e^1000) = inf / inf is nan, and nan times the mask's 0 is nan, so the gradient is nan at logits of +-1000.
// expect-check: both stay finite and right, with their gradients, at logits of 0, +-200 and +-1000
// The reference solution of exercise 10.
#include "exercise.hpp"

namespace ex10 {

using namespace autograd;

// -log D = -log sigmoid(l) = softplus(-l);   -log(1 - D) = -log sigmoid(-l) = softplus(l).
static Tensor64 softplus_by_cases(const Tensor64& t) {                            // MISTAKE
    const xt::xarray<bool> positive = t.value() > 0.0;                            // MISTAKE
    return autograd::where(positive, t + log(exp(-t) + 1.0), log(exp(t) + 1.0));  // MISTAKE
}  // MISTAKE

// J(D) = -mean log D(x) - mean log(1 - D(G(z))),  D = sigmoid(logit).
Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    return mean(softplus_by_cases(-real_logits)) + mean(softplus_by_cases(fake_logits));  // MISTAKE
}

// J(G) = -mean log D(G(z)): the non-saturating loss.
Tensor64 generator_loss(const Tensor64& fake_logits) {
    return mean(softplus_by_cases(-fake_logits));  // ()  // MISTAKE
}

}  // namespace ex10
