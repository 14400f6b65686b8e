// The tape inspector: text and DOT.
#include "check.hpp"

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
