// inspect.hpp: look at the tape behind a tensor, as text or as a graph in Graphviz's DOT language
// (writing it to a file and rendering it is io's, write_dot).
#pragma once

#include <string>

#include "autograd/tensor.hpp"

namespace autograd {

// One line per node, inputs before the ops that use them:
//   %2  matmul         (4, 2)   <- %0 x, %1 W
template <class T>
std::string tape_text(const BasicTensor<T>& t);

// The same graph in Graphviz's DOT language: leaves as boxes (filled when they require grad),
// ops as ellipses, arrows in the direction of the forward pass, with a title that says so.
template <class T>
std::string tape_dot(const BasicTensor<T>& t);

}  // namespace autograd
