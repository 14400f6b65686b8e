// expect-hint: your program crashed in this check (a segmentation fault)
// A wrong solution of exercise 01: softplus written through itself, softplus(x) = softplus(x) +
// 0, with no case that stops the calls: the stack runs out and the program crashes. The grader
// names the check that was running and what such a crash usually means.
#include "exercise.hpp"

namespace ex01 {

using autograd::Tensor64;

Tensor64 softplus(const Tensor64& x) {
    const Tensor64 again = softplus(x);  // calls itself before anything else: never returns
    return again + 0.0;
}

}  // namespace ex01
