// expect-hint: a branch you did not pick still runs its backward
// A wrong solution of exercise 10: softplus by cases with autograd::where, t + log(1 + e^-t) for
// t > 0 and log(1 + e^t) otherwise. Each value is finite where it is picked, so the losses are
// right; but the backward of the branch not taken still runs, e^1000 / (1 + e^1000) = inf / inf is
// nan, and nan times the mask's 0 is nan: the gradient is nan at logits of +-1000.
#include "exercise.hpp"

namespace ex10 {

using namespace autograd;

namespace {
Tensor64 softplus_by_cases(const Tensor64& t) {
    const xt::xarray<bool> positive = t.value() > 0.0;
    return autograd::where(positive, t + log(exp(-t) + 1.0), log(exp(t) + 1.0));
}
}  // namespace

Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    return mean(softplus_by_cases(-real_logits)) + mean(softplus_by_cases(fake_logits));
}

Tensor64 generator_loss(const Tensor64& fake_logits) { return mean(softplus_by_cases(-fake_logits)); }

}  // namespace ex10
