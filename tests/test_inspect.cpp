// The tape inspector: text and DOT.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "check.hpp"
#include "temp_dir.hpp"
#include "write_fault.hpp"

using namespace autograd;

namespace {
Tensor small_loss(Tensor& W, Tensor& b) {
    Tensor x = ones({2, 3}).set_name("x");
    return sum(sigmoid(matmul(x, W) + b)).set_name("loss");
}
}  // namespace

TEST_CASE("tape_text lists every node once, inputs first, with op, shape and inputs") {
    Tensor W = zeros({3, 4}).requires_grad_().set_name("W");
    Tensor b = zeros({4}).requires_grad_().set_name("b");
    const std::string text = tape_text(small_loss(W, b));
    CHECK(text.find("tape of %6 loss (7 nodes, inputs first)") != std::string::npos);
    CHECK(text.find("  %0 x       leaf           (2, 3)     constant\n") != std::string::npos);
    CHECK(text.find("  %1 W       leaf           (3, 4)     requires grad\n") != std::string::npos);
    CHECK(text.find("  %2         matmul         (2, 4)     <- %0 x, %1 W\n") != std::string::npos);
    CHECK(text.find("  %4         add            (2, 4)     <- %2, %3 b\n") != std::string::npos);
    CHECK(text.find("sigmoid") < text.find("  %6 loss    sum"));
}

TEST_CASE("a shared input appears once") {
    Tensor w = ones({2}).requires_grad_().set_name("w");
    const std::string text = tape_text(w * w);
    CHECK(text.find("(2 nodes") != std::string::npos);
    CHECK(text.find("<- %0 w, %0 w") != std::string::npos);
}

TEST_CASE("tape_dot draws leaves as boxes, ops as ellipses, one arrow per input") {
    Tensor W = zeros({3, 4}).requires_grad_().set_name("W");
    Tensor b = zeros({4}).requires_grad_().set_name("b");
    const std::string dot = tape_dot(small_loss(W, b));
    CHECK(dot.rfind("digraph tape {", 0) == 0);
    CHECK(dot.find("n1 [shape=box, style=\"filled,rounded\"") != std::string::npos);
    CHECK(dot.find("n2 [shape=ellipse, label=\"matmul\\n(2, 4)\"]") != std::string::npos);
    CHECK(dot.find("n0 -> n2;") != std::string::npos);
    CHECK(dot.find("n1 -> n2;") != std::string::npos);
    std::size_t arrows = 0;
    for (std::size_t p = dot.find("->"); p != std::string::npos; p = dot.find("->", p + 1)) ++arrows;
    CHECK(arrows == 6);
}

TEST_CASE("write_dot writes the file, and an unwritable path is a clear error") {
    const std::string dir = (std::filesystem::temp_directory_path() / "autograd_test_inspect").string();
    std::filesystem::create_directories(dir);
    write_dot("digraph tape {}\n", dir + "/t.dot", dir + "/t.png");
    std::ifstream in(dir + "/t.dot");
    std::string first;
    std::getline(in, first);
    CHECK(first == "digraph tape {}");
    CHECK_THROWS_CONTAINING(write_dot("x", "/nonexistent-dir/t.dot", "/nonexistent-dir/t.png"),
                            "/nonexistent-dir/t.dot: cannot create the file: No such file or directory");
    std::filesystem::remove_all(dir);
}

TEST_CASE("on a full disk write_dot fails with the system's reason and leaves the old files") {
    TempDir dir;
    const std::string dot = dir / "t.dot", png = dir / "t.png";
    Tensor W = ones({3, 2}).requires_grad_().set_name("W"), b = zeros({2}).requires_grad_().set_name("b");
    const std::string small = "digraph tape {}\n", graph = tape_dot(small_loss(W, b));
    REQUIRE(graph.size() > 600);
    const bool graphviz = write_dot(small, dot, png);
    // The .dot file itself does not fit.
    CHECK(error_on_full_disk(512, [&] { write_dot(graph, dot, png); }) == dot + ": cannot write: " + file_too_large());
    CHECK(read_bytes(dot) == small);
    if (graphviz) {
        // The .dot file fits, the picture of the larger graph does not: the old picture stays.
        const std::string picture = read_bytes(png);
        REQUIRE(picture.size() < 4096);
        CHECK(error_on_full_disk(4096, [&] { write_dot(graph, dot, png); }) ==
              png + ": cannot write: " + file_too_large());
        CHECK(read_bytes(dot) == graph);
        CHECK(read_bytes(png) == picture);
        CHECK(names_in(dir.path) == std::set<std::string>{"t.dot", "t.png"});
    } else {
        MESSAGE("Graphviz's dot is not installed: the picture's full disk is not checked");
        CHECK(names_in(dir.path) == std::set<std::string>{"t.dot"});
    }
}
