// regular_file.cpp: the kind of a path, from stat(2).
#include "io/regular_file.hpp"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>

#include <fmt/format.h>

namespace io {

std::string not_a_regular_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return "no such file";
        if (errno == ELOOP) return "is a symbolic link loop (too many levels of symbolic links)";
        return fmt::format("cannot be read: {}", std::strerror(errno));
    }
    if (S_ISREG(st.st_mode)) return "";
    if (S_ISDIR(st.st_mode)) return "is a folder, not a file";
    if (S_ISFIFO(st.st_mode)) return "is a FIFO, not a regular file";
    if (S_ISCHR(st.st_mode)) return "is a character device, not a regular file";
    if (S_ISBLK(st.st_mode)) return "is a block device, not a regular file";
    if (S_ISSOCK(st.st_mode)) return "is a socket, not a regular file";
    return "is not a regular file";
}

}  // namespace io
