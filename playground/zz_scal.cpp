#include <chrono>
#include <fmt/format.h>
#include "nn/nn.hpp"
using namespace autograd;
using Clock = std::chrono::steady_clock;
int main() {
    for (std::size_t B : {32, 256, 32, 256}) {
        Generator gen(1);
        nn::Conv2d conv(1, 16, 3, gen, {2, 1});
        Tensor x = randn({B, 1, 28, 28}, gen).requires_grad_();
        const std::size_t steps = 4096 / B;
        double t_fwd = 0, t_sum = 0, t_bwd = 0;
        for (std::size_t i = 0; i < steps; ++i) {
            conv.zero_grad(); x.zero_grad();
            auto a = Clock::now();
            Tensor y = conv(x);
            auto b = Clock::now();
            Tensor s = sum(y);
            auto c = Clock::now();
            s.backward();
            auto d = Clock::now();
            t_fwd += std::chrono::duration<double>(b - a).count();
            t_sum += std::chrono::duration<double>(c - b).count();
            t_bwd += std::chrono::duration<double>(d - c).count();
        }
        fmt::print("B {:3}: per image fwd {:.4f} ms, sum {:.4f} ms, bwd {:.4f} ms\n", B, 1e3 * t_fwd / 4096, 1e3 * t_sum / 4096, 1e3 * t_bwd / 4096);
    }
}
