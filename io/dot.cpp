// dot.cpp: the DOT file written atomically, and `dot` run through a pipe.
#include "io/dot.hpp"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "io/atomic_file.hpp"
#include "io/figures.hpp"

namespace io {

namespace {
// `s` quoted for the shell: inside single quotes, with each ' written as '\''.
std::string shell_quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}
}  // namespace

bool write_dot(const std::string& dot_text, const std::string& dot_path, const std::string& image_path) {
    write_file_atomically(dot_path, dot_text);
    if (std::system("command -v dot > /dev/null 2>&1") != 0) return false;
    // dot writes to a pipe, not to image_path: the picture replaces the old one only once it is whole.
    const std::string format =
        image_path.size() > 4 && image_path.substr(image_path.size() - 4) == ".svg" ? "svg" : "png";
    const std::string command = fmt::format("dot -T{} {}", format, shell_quoted(dot_path));
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return false;
    std::string image;
    char buffer[1 << 16];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) image.append(buffer, n);
    if (::pclose(pipe) != 0 || image.empty()) return false;
    write_file_atomically(image_path, image);
    figure_saved({image_path, "The tape as a graph (Graphviz)", "drawn by dot from " + dot_path});
    return true;
}

}  // namespace io
