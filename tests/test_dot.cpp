// Writing a tape's DOT text, and its picture rendered by Graphviz.
#include <filesystem>
#include <fstream>

#include "check.hpp"
#include "temp_dir.hpp"
#include "write_fault.hpp"

#include "io/dot.hpp"

using namespace autograd;

namespace {
// The DOT text of one sigmoid layer's tape (about 1 kB).
std::string dot_of_a_layer() {
    Tensor W = ones({3, 2}).requires_grad_().set_name("W"), b = zeros({2}).requires_grad_().set_name("b");
    Tensor x = ones({2, 3}).set_name("x");
    return tape_dot(sum(sigmoid(matmul(x, W) + b)).set_name("loss"));
}
}  // namespace

TEST_CASE("write_dot writes the file, and an unwritable path is a clear error") {
    const std::string dir = (std::filesystem::temp_directory_path() / "io_test_dot").string();
    std::filesystem::create_directories(dir);
    io::write_dot("digraph tape {}\n", dir + "/t.dot", dir + "/t.png");
    std::ifstream in(dir + "/t.dot");
    std::string first;
    std::getline(in, first);
    CHECK(first == "digraph tape {}");
    CHECK_THROWS_CONTAINING(io::write_dot("x", "/nonexistent-dir/t.dot", "/nonexistent-dir/t.png"),
                            "/nonexistent-dir/t.dot: cannot create the file: No such file or directory");
    std::filesystem::remove_all(dir);
}

TEST_CASE("on a full disk write_dot fails with the system's reason and leaves the old files") {
    TempDir dir;
    const std::string dot = dir / "t.dot", png = dir / "t.png";
    const std::string small = "digraph tape {}\n", graph = dot_of_a_layer();
    REQUIRE(graph.size() > 600);
    const bool graphviz = io::write_dot(small, dot, png);
    // The .dot file itself does not fit.
    CHECK(error_on_full_disk(512, [&] { io::write_dot(graph, dot, png); }) ==
          dot + ": cannot write: " + file_too_large());
    CHECK(read_bytes(dot) == small);
    if (graphviz) {
        // The .dot file fits, the picture of the larger graph does not: the old picture stays.
        const std::string picture = read_bytes(png);
        REQUIRE(picture.size() < 4096);
        CHECK(error_on_full_disk(4096, [&] { io::write_dot(graph, dot, png); }) ==
              png + ": cannot write: " + file_too_large());
        CHECK(read_bytes(dot) == graph);
        CHECK(read_bytes(png) == picture);
        CHECK(names_in(dir.path) == std::set<std::string>{"t.dot", "t.png"});
    } else {
        MESSAGE("Graphviz's dot is not installed: the picture's full disk is not checked");
        CHECK(names_in(dir.path) == std::set<std::string>{"t.dot"});
    }
}
