// regular_file.hpp: what a path is when it is not a regular file, for the errors of the readers.
//
// The readers of files from outside (io/idx.hpp, io/npz.hpp) read regular files only, and learn
// a file's size before reading it: a FIFO would block them forever, /dev/zero fill the memory.
#pragma once

#include <string>

namespace io {

// "" when `path` names a regular file (after following symbolic links); otherwise what it is, to
// follow the path in an error: "no such file", "is a folder, not a file", "is a FIFO, not a
// regular file", "is a character device, not a regular file", "is a symbolic link loop (too many
// levels of symbolic links)", or the system's reason ("cannot be read: Permission denied").
std::string not_a_regular_file(const std::string& path);

}  // namespace io
