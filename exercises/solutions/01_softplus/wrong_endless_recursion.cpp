// expect-hint: your program crashed in this check (a segmentation fault)
// mistake: softplus written through itself, softplus(x) = softplus(x) + 0, with no case that stops the calls, so the stack runs out and the program crashes.
// expect-check: the value is log(1 + e^x)
// The reference solution of exercise 01.
#include <xtensor/xmath.hpp>

#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

// f(x) = log(1 + e^x)        df/dx = e^x / (1 + e^x) = sigmoid(x)
Tensor64 softplus(const Tensor64& x) {
    const Tensor64 again = softplus(x);  // calls itself before anything else: never returns  // MISTAKE
    return again + 0.0;                  // MISTAKE
}

}  // namespace ex01
