// steady.hpp: the benchmarks' steady-state rule, shared by bench.cpp and conv_floor.cpp (and
// followed by bench_torch.py): after an untimed warm-up, timed runs in windows of `window` runs
// until the times stop falling, a window's median no more than 2% below the window before it,
// or kSettleWindows windows.
#pragma once

#include <algorithm>
#include <functional>
#include <vector>

constexpr int kSettleWindows = 5;

struct SteadyState {
    double seconds;  // the last window's median
    int runs;        // timed runs made
    bool settled;    // false when kSettleWindows windows passed and the times still fell
};

// `timed_run` runs the workload once and returns its seconds.
inline SteadyState settle(int window, const std::function<double()>& timed_run) {
    const auto median = [](std::vector<double> t) {
        std::sort(t.begin(), t.end());
        return t[t.size() / 2];
    };
    std::vector<double> last, before;
    bool settled = false;
    int runs = 0;
    for (int w = 0; w < kSettleWindows && !settled; ++w) {
        before = last;
        last.clear();
        for (int r = 0; r < window; ++r, ++runs) last.push_back(timed_run());
        settled = !before.empty() && median(last) >= 0.98 * median(before);
    }
    return {median(last), runs, settled};
}
