// conv_floor.cpp: the floor under the conv workloads, one per process:
//     conv_floor WORKLOAD [--repeats R]      (WORKLOAD: conv_ae, upconv_ae or dcgan_step)
//
// The convolutions of bench.cpp's conv workloads, and nothing else, through oneDNN (the library
// behind PyTorch's CPU convolutions): every layer's forward, backward-data and backward-weights
// pass, as many times as one epoch (or dcgan_step's 100 steps) makes them, at the same batch
// sizes, with oneDNN's own choice of memory layout for each (format `any`, no reorders) and its
// own choice of algorithm. Not counted: everything that is not a convolution (activations,
// losses, batch norm, upsampling, Adam) and the reorders a framework pays to get into oneDNN's
// layouts. So this is less than any framework can spend on the same epoch: what the table's
// "conv floor" column compares our epoch with.
//
// Steady state by steady.hpp's rule, as bench.cpp: one untimed run, then windows of R timed runs
// until a window's median is no more than 2% below the one before (at most 5 windows); prints
//     bench <workload>_floor <median seconds of the last window> <GFLOP/s> warmup <s> runs <n>
//           settled <yes|no>
// Threads: oneDNN's OpenMP pool, OMP_NUM_THREADS (run_bench.py tries 1 and 2 and keeps the faster).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "steady.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// One convolution layer of a workload and how often a batch runs each of its passes.
struct Layer {
    memory::dim in_c, out_c, in_hw, out_hw, k, stride, pad_l, pad_r;
    bool transposed;                 // a transposed convolution (deconvolution), else a convolution
    int fwd, bwd_data, bwd_weights;  // passes per batch (or per dcgan step)
};

// The passes of one layer at one batch size, built once: oneDNN primitives and their memories.
struct Passes {
    dnnl::primitive fwd, bwd_data, bwd_weights;
    std::unordered_map<int, memory> fwd_args, bwd_data_args, bwd_weights_args;
    double flops = 0.0;  // of one pass (2 k^2 in_c out_c multiply-adds per output pixel of a conv)
};

memory::desc any(memory::dims dims) { return memory::desc(dims, dt::f32, tag::any); }

// A memory of `md` filled with small numbers (their values do not change the time).
memory filled(const memory::desc& md, const dnnl::engine& engine) {
    memory m(md, engine);
    float* p = static_cast<float*>(m.get_data_handle());
    const std::size_t n = md.get_size() / sizeof(float);
    for (std::size_t i = 0; i < n; ++i) p[i] = 0.01f * static_cast<float>(i % 7);
    return m;
}

// The three primitives of one kind (convolution or deconvolution: F forward, BD backward-data,
// BW backward-weights) with their memories, in the layouts oneDNN picks.
template <class F, class BD, class BW>
void build(Passes& p, dnnl::algorithm algorithm, const memory::dims& src, const memory::dims& weights,
           const memory::dims& bias, const memory::dims& dst, const memory::dims& strides, const memory::dims& pl,
           const memory::dims& pr, const dnnl::engine& engine) {
    const typename F::primitive_desc fpd(typename F::desc(dnnl::prop_kind::forward_training, algorithm, any(src),
                                                          any(weights), any(bias), any(dst), strides, pl, pr),
                                         engine);
    const typename BD::primitive_desc dpd(
        typename BD::desc(algorithm, any(src), any(weights), any(dst), strides, pl, pr), engine, fpd);
    const typename BW::primitive_desc wpd(
        typename BW::desc(algorithm, any(src), any(weights), any(bias), any(dst), strides, pl, pr), engine, fpd);
    p.fwd = F(fpd), p.bwd_data = BD(dpd), p.bwd_weights = BW(wpd);
    p.fwd_args = {{DNNL_ARG_SRC, filled(fpd.src_desc(), engine)},
                  {DNNL_ARG_WEIGHTS, filled(fpd.weights_desc(), engine)},
                  {DNNL_ARG_BIAS, filled(fpd.bias_desc(), engine)},
                  {DNNL_ARG_DST, filled(fpd.dst_desc(), engine)}};
    p.bwd_data_args = {{DNNL_ARG_DIFF_DST, filled(dpd.diff_dst_desc(), engine)},
                       {DNNL_ARG_WEIGHTS, filled(dpd.weights_desc(), engine)},
                       {DNNL_ARG_DIFF_SRC, filled(dpd.diff_src_desc(), engine)}};
    p.bwd_weights_args = {{DNNL_ARG_SRC, filled(wpd.src_desc(), engine)},
                          {DNNL_ARG_DIFF_DST, filled(wpd.diff_dst_desc(), engine)},
                          {DNNL_ARG_DIFF_WEIGHTS, filled(wpd.diff_weights_desc(), engine)},
                          {DNNL_ARG_DIFF_BIAS, filled(wpd.diff_bias_desc(), engine)}};
}

Passes make_passes(const Layer& l, memory::dim batch, const dnnl::engine& engine) {
    const memory::dims src{batch, l.in_c, l.in_hw, l.in_hw}, dst{batch, l.out_c, l.out_hw, l.out_hw};
    const memory::dims weights{l.out_c, l.in_c, l.k, l.k};  // oneDNN's order for both kinds
    const memory::dims bias{l.out_c}, strides{l.stride, l.stride}, pl{l.pad_l, l.pad_l}, pr{l.pad_r, l.pad_r};
    Passes p;
    // A convolution's multiply-adds: every output pixel of every output channel sums k^2 in_c
    // products; a transposed one's: every input pixel scatters k^2 out_c products.
    p.flops = l.transposed ? 2.0 * batch * l.in_hw * l.in_hw * l.in_c * l.out_c * l.k * l.k
                           : 2.0 * batch * l.out_hw * l.out_hw * l.in_c * l.out_c * l.k * l.k;
    if (l.transposed)
        build<dnnl::deconvolution_forward, dnnl::deconvolution_backward_data, dnnl::deconvolution_backward_weights>(
            p, dnnl::algorithm::deconvolution_direct, src, weights, bias, dst, strides, pl, pr, engine);
    else
        build<dnnl::convolution_forward, dnnl::convolution_backward_data, dnnl::convolution_backward_weights>(
            p, dnnl::algorithm::convolution_auto, src, weights, bias, dst, strides, pl, pr, engine);
    return p;
}

// The workloads' convolutions (bench.cpp), with the passes a batch makes of each. A layer whose
// input is the data (nothing before it needs a gradient) has no backward-data pass.
struct Workload {
    std::vector<Layer> layers;
    std::vector<memory::dim> batches;  // the batch sizes of one epoch (or of dcgan_step's 100 steps)
};

Workload workload(const std::string& name) {
    const std::vector<memory::dim> ten_thousand = [] {  // 78 batches of 128, one of 16
        std::vector<memory::dim> b(78, 128);
        b.push_back(16);
        return b;
    }();
    // 3x3 stride-2 padding-1 convs down; 3x3 stride-2 transposed convs with output padding 1 up
    // (oneDNN takes output padding as one less padding on the right).
    const Layer down1{1, 16, 28, 14, 3, 2, 1, 1, false, 1, 0, 1}, down2{16, 32, 14, 7, 3, 2, 1, 1, false, 1, 1, 1};
    if (name == "conv_ae")
        return {{down1, down2, {32, 16, 7, 14, 3, 2, 1, 0, true, 1, 1, 1}, {16, 1, 14, 28, 3, 2, 1, 0, true, 1, 1, 1}},
                ten_thousand};
    if (name == "upconv_ae")  // the decoder's 3x3 stride-1 convs after nearest upsampling
        return {
            {down1, down2, {32, 16, 14, 14, 3, 1, 1, 1, false, 1, 1, 1}, {16, 1, 28, 28, 3, 1, 1, 1, false, 1, 1, 1}},
            ten_thousand};
    if (name == "dcgan_step")
        // Per step (bench.cpp's dcgan_step): D runs on real, on G's detached fake, then on a new fake
        // for G's step (3 forward passes); its weight gradients are computed in both steps (3);
        // its first conv passes a gradient back only in G's step, its second in all three.
        // G runs forward twice (D's step and its own) and backward once.
        return {{{1, 64, 28, 14, 4, 2, 1, 1, false, 3, 1, 3},
                 {64, 128, 14, 7, 4, 2, 1, 1, false, 3, 3, 3},
                 {128, 64, 7, 14, 4, 2, 1, 1, true, 2, 1, 1},
                 {64, 1, 14, 28, 4, 2, 1, 1, true, 2, 1, 1}},
                std::vector<memory::dim>(100, 128)};
    throw std::invalid_argument("conv_floor: unknown workload '" + name + "' (conv_ae, upconv_ae or dcgan_step)");
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 2) {
        std::fprintf(stderr, "usage: conv_floor conv_ae|upconv_ae|dcgan_step [--repeats R]\n");
        return 2;
    }
    const std::string name = argv[1];
    int window = 3;
    for (int i = 2; i < argc; ++i) {
        if (std::string(argv[i]) == "--repeats" && i + 1 < argc && std::atoi(argv[i + 1]) > 0) {
            window = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr, "conv_floor: unknown or incomplete argument '%s'\n", argv[i]);
            return 2;
        }
    }
    const Workload w = workload(name);
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    // Every (layer, batch size) built once, before any timing: a framework caches them too.
    std::vector<std::unordered_map<memory::dim, Passes>> passes(w.layers.size());
    for (std::size_t l = 0; l < w.layers.size(); ++l)
        for (memory::dim b : w.batches)
            if (!passes[l].count(b)) passes[l].emplace(b, make_passes(w.layers[l], b, engine));

    double flops = 0.0;
    const auto once = [&] {
        flops = 0.0;
        const Clock::time_point start = Clock::now();
        for (memory::dim b : w.batches)
            for (std::size_t l = 0; l < w.layers.size(); ++l) {
                Passes& p = passes[l].at(b);
                const Layer& layer = w.layers[l];
                for (int r = 0; r < layer.fwd; ++r) p.fwd.execute(stream, p.fwd_args);
                for (int r = 0; r < layer.bwd_data; ++r) p.bwd_data.execute(stream, p.bwd_data_args);
                for (int r = 0; r < layer.bwd_weights; ++r) p.bwd_weights.execute(stream, p.bwd_weights_args);
                flops += p.flops * (layer.fwd + layer.bwd_data + layer.bwd_weights);
            }
        stream.wait();
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    const double warmup = once();
    const SteadyState steady = settle(window, once);
    std::printf("bench %s_floor %.4f %.6g warmup %.4f runs %d settled %s\n", name.c_str(), steady.seconds,
                flops / steady.seconds / 1e9, warmup, steady.runs, steady.settled ? "yes" : "no");
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "conv_floor: error: %s\n", e.what());
    return 2;
}
