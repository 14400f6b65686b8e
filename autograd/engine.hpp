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
//     second backward() through the same graph is an error, unless the first passed
//     retain_graph = true; then the second sweep runs again and leaf gradients add up once more.
//   - With create_graph = true the sweep records itself: the gradients are tensors with a
//     history of their own and can be differentiated again (the contractive autoencoder's
//     penalty on dh/dx). create_graph implies retain_graph.
#pragma once

#include <vector>

#include "autograd/tensor.hpp"

namespace autograd {

// Sweeps from `output`, accumulating into the grad() of every leaf that requires grad.
// `seed` is d loss / d output; it may be left undefined only when output has one element.
template <class T>
void backward(const BasicTensor<T>& output, const BasicTensor<T>& seed = {}, bool retain_graph = false,
              bool create_graph = false);

// Returns d output / d inputs[i] for each input (leaves or not) without touching any grad().
// An input that `output` does not depend on gets zeros. With create_graph the results are
// differentiable.
template <class T>
std::vector<BasicTensor<T>> grad(const BasicTensor<T>& output, const std::vector<BasicTensor<T>>& inputs,
                                 const BasicTensor<T>& seed = {}, bool retain_graph = false, bool create_graph = false);

}  // namespace autograd
