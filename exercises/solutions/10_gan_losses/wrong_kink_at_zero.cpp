// expect-hint: at a logit of exactly 0
// A wrong solution of exercise 10: softplus written out as its stable form, relu(t) +
// log(1 + e^-|t|). The value is right everywhere, but the backward of each piece takes its kink's
// one-sided derivative, 0: relu'(0) = 0 and |t|'(0) = 0, so at a logit of exactly 0 the gradient
// is 0 where softplus'(0) = sigmoid(0) = 1/2. Random logits never land on 0; a check at 0 does.
#include "exercise.hpp"

namespace ex10 {

using namespace autograd;

namespace {
// softplus(t) = log(1 + e^t) = max(t, 0) + log(1 + e^-|t|): finite for every t.
Tensor64 stable_softplus(const Tensor64& t) { return relu(t) + log(exp(-abs(t)) + 1.0); }
}  // namespace

Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    return mean(stable_softplus(-real_logits)) + mean(stable_softplus(fake_logits));
}

Tensor64 generator_loss(const Tensor64& fake_logits) { return mean(stable_softplus(-fake_logits)); }

}  // namespace ex10
