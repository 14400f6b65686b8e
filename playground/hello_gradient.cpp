// playground/hello_gradient.cpp: a program of one's own, built against the whole library.
//
// Copy this file to playground/NAME.cpp, change it, and run it with
//     ./lab run playground/NAME
// Every .cpp in playground/ is built against autograd, io, nn and models, with no build file to
// edit. Outside the repository, link the installed library through pkg-config (README, "A program
// of one's own"); the test suite builds this very file that way.
//
// What it does: a tensor from numbers, a gradient and a second derivative; then one Linear layer
// trained to fit the line y = 2 x - 1, and that layer's gradients checked in float64.
#include <cmath>

#include <fmt/format.h>

#include "autograd/autograd.hpp"
#include "nn/nn.hpp"

using namespace autograd;

int main() try {
    // ---- a function, its gradient, and the gradient of that ----
    Tensor x = tensor({1.0, 2.0, 3.0}).requires_grad_();  // (3,)
    Tensor y = sum(x * x * x);                            // () y = x1^3 + x2^3 + x3^3
    Tensor dy = grad(y, {x}, create_graph)[0];            // (3,) 3 x^2, itself differentiable
    Tensor d2y = grad(sum(dy), {x})[0];                   // (3,) 6 x
    fmt::print("y = {}, dy/dx = [{}], d2y/dx2 = [{}]\n", y.item(), fmt::join(dy.value(), ", "),
               fmt::join(d2y.value(), ", "));

    // ---- one layer trained to fit y = 2 x - 1 ----
    Generator gen(0);
    nn::Linear layer(1, 1, gen);  // h = x W + b, W (1, 1), b (1,)
    nn::SGD sgd(layer.parameters(), /*lr=*/0.1);
    const Tensor inputs = tensor({{0.0}, {1.0}, {2.0}, {3.0}});    // (4, 1)
    const Tensor targets = tensor({{-1.0}, {1.0}, {3.0}, {5.0}});  // (4, 1)
    for (int step = 0; step < 300; ++step) {
        sgd.zero_grad();
        Tensor loss = mse_loss(layer(inputs), targets, Reduction::Mean);  // ()
        loss.backward();
        sgd.step();
    }
    const float W = layer.weight.item(), b = layer.bias.item();
    fmt::print("after 300 steps of SGD: W = {:.4f}, b = {:.4f} (the line: 2 and -1)\n", W, b);

    // ---- the layer's gradients, checked in float64 against central differences ----
    const GradcheckResult check = nn::gradcheck_module(layer, randn<double>({4, 1}, gen));
    fmt::print("gradcheck of {}: {} (largest relative error {:.1e} over {} entries)\n", layer.type_name(),
               check.ok ? "passes" : "FAILS", check.max_rel_error, check.checked);
    if (!check.ok) fmt::print("{}", check.report);
    return check.ok && std::abs(W - 2.0f) < 1e-3f && std::abs(b + 1.0f) < 1e-3f ? 0 : 1;
} catch (const std::exception& e) {
    fmt::print(stderr, "hello_gradient: error: {}\n", e.what());
    return 2;
}
