// Exercise 10: the GAN losses (Scott slide 37). Read README.md first.
//
// Fill in the two bodies below; `./lab check 10` grades them.
#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex10 {

using namespace autograd;

// J(D) = -mean log D(x) - mean log(1 - D(G(z))),  D = sigmoid(logit).
Tensor64 discriminator_loss(const Tensor64& real_logits, const Tensor64& fake_logits) {
    // Each term from autograd ops on the logits, written so that no log ever sees 0 (README:
    // "Logits, not probabilities"); each term a mean over its own batch.
    lab::hole("discriminator_loss: J(D) from the logits", real_logits, fake_logits);
}

// J(G) = -mean log D(G(z)): the non-saturating loss.
Tensor64 generator_loss(const Tensor64& fake_logits) {
    // The same care: from the logits, no log of 0.
    lab::hole("generator_loss: the non-saturating J(G)", fake_logits);
}

}  // namespace ex10
