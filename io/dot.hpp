// dot.hpp: a picture of the tape on disk: the DOT text of autograd::tape_dot (autograd/inspect.hpp)
// written to a file, and rendered by Graphviz's `dot` program when it is installed.
#pragma once

#include <string>

namespace io {

// Writes `dot_text` to `dot_path` and, when Graphviz's `dot` program is installed, renders it to
// `image_path` (PNG or SVG, by the extension). Returns whether the image was written. Both files
// are written atomically (io/atomic_file.hpp): a failed write is an io::WriteError naming the file
// and the system's reason, and leaves the file that was there.
bool write_dot(const std::string& dot_text, const std::string& dot_path, const std::string& image_path);

}  // namespace io
