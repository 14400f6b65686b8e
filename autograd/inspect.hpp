// inspect.hpp: look at the tape behind a tensor, as text or as a Graphviz picture.
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

// Writes `dot_text` to `dot_path` and, when Graphviz's `dot` program is installed, renders it to
// `image_path` (PNG or SVG, by the extension). Returns whether the image was written. Both files
// are written atomically (io/atomic_file.hpp): a failed write is an io::WriteError naming the file
// and the system's reason, and leaves the file that was there.
bool write_dot(const std::string& dot_text, const std::string& dot_path, const std::string& image_path);

}  // namespace autograd
