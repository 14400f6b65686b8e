// ops_conv.cpp: im2col and col2im (the two primitives, each the other's backward), and the image
// ops made of them and of the ops in ops.hpp: conv2d, conv_transpose2d, pooling, upsampling,
// batch norm. See conv.hpp for the shapes.
#include "autograd/conv.hpp"

#include <algorithm>
#include <cmath>

#include <xtensor/xbuilder.hpp>

#include "autograd/op_helpers.hpp"

namespace autograd {

using detail::check_defined;
using detail::constant;

std::size_t conv_output_size(const char* op, std::size_t in, std::size_t kernel, const ConvGeometry& g) {
    if (g.stride == 0 || g.dilation == 0 || kernel == 0)
        shape_error(op, fmt::format("stride ({}), dilation ({}) and kernel size ({}) must be positive", g.stride,
                                    g.dilation, kernel));
    const std::size_t span = g.dilation * (kernel - 1) + 1;  // the dilated kernel's extent
    if (span > in + 2 * g.padding)
        shape_error(op, fmt::format("kernel of size {} (dilated to {}) is larger than the padded input ({} + 2 x {})",
                                    kernel, span, in, g.padding));
    return (in + 2 * g.padding - span) / g.stride + 1;
}

namespace {
// The sizes of one im2col layout: image (N, C, H, W), kernel (kh, kw), output (Ho, Wo).
struct Patches {
    std::size_t N, C, H, W, kh, kw, Ho, Wo;
    std::size_t rows() const { return C * kh * kw; }
    std::size_t cols() const { return N * Ho * Wo; }
};

Patches patches(const char* op, const Shape& image, std::size_t kh, std::size_t kw, const ConvGeometry& g) {
    if (image.size() != 4) shape_error(op, fmt::format("expects an (N, C, H, W) image, got {}", shape_str(image)));
    return {image[0],
            image[1],
            image[2],
            image[3],
            kh,
            kw,
            conv_output_size(op, image[2], kh, g),
            conv_output_size(op, image[3], kw, g)};
}

// Calls row(column entry, pixel offset, n) for every run of in-range taps: column entries
// col .. col + n - 1 read pixels pix, pix + stride, ... Out-of-range taps (the padding) are
// skipped. Row r = (c, a, b) of the column matrix, column (n, i, j).
template <class Run>
void for_each_run(const Patches& p, const ConvGeometry& g, Run run) {
    const long pad = static_cast<long>(g.padding), s = static_cast<long>(g.stride);
    const std::size_t L = p.Ho * p.Wo, ncols = p.cols();
    for (std::size_t c = 0; c < p.C; ++c)
        for (std::size_t a = 0; a < p.kh; ++a)
            for (std::size_t b = 0; b < p.kw; ++b) {
                const std::size_t row = (c * p.kh + a) * p.kw + b;
                // The columns j whose tap w = j s + b d - pad lies inside [0, W): j0 <= j < j1.
                const long shift = static_cast<long>(b * g.dilation) - pad;
                const long j0 = std::min<long>(shift >= 0 ? 0 : (-shift + s - 1) / s, static_cast<long>(p.Wo));
                const long j1 =
                    std::clamp<long>((static_cast<long>(p.W) - shift + s - 1) / s, j0, static_cast<long>(p.Wo));
                if (j1 <= j0) continue;
                for (std::size_t n = 0; n < p.N; ++n) {
                    const std::size_t image = (n * p.C + c) * p.H * p.W;
                    for (std::size_t i = 0; i < p.Ho; ++i) {
                        const long h = static_cast<long>(i * g.stride + a * g.dilation) - pad;
                        if (h < 0 || h >= static_cast<long>(p.H)) continue;
                        run(row * ncols + n * L + i * p.Wo + static_cast<std::size_t>(j0),
                            image + static_cast<std::size_t>(h) * p.W + static_cast<std::size_t>(j0 * s + shift),
                            static_cast<std::size_t>(j1 - j0));
                    }
                }
            }
}

// The innermost loops, kept out of line so that the loop nest around them does not crowd them
// out of registers: to[j] = from[j s], and to[j s] += from[j].
template <class T>
[[gnu::noinline]] void gather(T* to, const T* from, std::size_t n, std::size_t s) {
    if (s == 1)
        std::copy_n(from, n, to);
    else
        for (std::size_t j = 0; j < n; ++j) to[j] = from[j * s];
}

template <class T>
[[gnu::noinline]] void scatter_add(T* to, const T* from, std::size_t n, std::size_t s) {
    if (s == 1)
        for (std::size_t j = 0; j < n; ++j) to[j] += from[j];
    else
        for (std::size_t j = 0; j < n; ++j) to[j * s] += from[j];
}
}  // namespace

// f(x) = P x for the 0/1 patch-gathering matrix P        df = P^T dC = col2im(dC)
template <class T>
BasicTensor<T> im2col(const BasicTensor<T>& x, std::size_t kh, std::size_t kw, const ConvGeometry& g) {
    check_defined("im2col", x);
    const Patches p = patches("im2col", x.shape(), kh, kw, g);
    xt::xarray<T> cols = xt::zeros<T>({p.rows(), p.cols()});  // padding taps stay 0
    const T* src = x.value().data();
    T* dst = cols.data();
    const std::size_t s = g.stride;
    for_each_run(
        p, g, [src, dst, s](std::size_t col, std::size_t pix, std::size_t n) { gather(dst + col, src + pix, n, s); });
    return record<T>("im2col", std::move(cols), {x},
                     [image = x.shape(), kh, kw, g](const BasicTensor<T>&, const BasicTensor<T>& grad) {
                         return std::vector<BasicTensor<T>>{col2im(grad, image, kh, kw, g)};
                     });
}

// f(cols) = P^T cols: every column added back onto its patch      df = P dC = im2col(dC)
template <class T>
BasicTensor<T> col2im(const BasicTensor<T>& cols, const Shape& image_shape, std::size_t kh, std::size_t kw,
                      const ConvGeometry& g) {
    check_defined("col2im", cols);
    const Patches p = patches("col2im", image_shape, kh, kw, g);
    if (cols.shape() != Shape{p.rows(), p.cols()})
        shape_error("col2im",
                    fmt::format("columns of shape {} do not fit image {} with a {}x{} kernel: expected ({}, {})",
                                shape_str(cols.shape()), shape_str(image_shape), kh, kw, p.rows(), p.cols()));
    xt::xarray<T> image = xt::zeros<T>(image_shape);
    const T* src = cols.value().data();
    T* dst = image.data();
    const std::size_t s = g.stride;
    for_each_run(p, g, [src, dst, s](std::size_t col, std::size_t pix, std::size_t n) {
        scatter_add(dst + pix, src + col, n, s);
    });
    return record<T>("col2im", std::move(image), {cols},
                     [kh, kw, g](const BasicTensor<T>&, const BasicTensor<T>& grad) {
                         return std::vector<BasicTensor<T>>{im2col(grad, kh, kw, g)};
                     });
}

// ---- convolutions: one matrix product each ---------------------------------------------------
namespace {
template <class T>
void check_bias(const char* op, const BasicTensor<T>& b, std::size_t channels) {
    if (b.defined() && b.shape() != Shape{channels})
        shape_error(op, fmt::format("bias of shape {} for {} output channels", shape_str(b.shape()), channels));
}

// y + b with b (C,) broadcast over (N, C, H, W).
template <class T>
BasicTensor<T> add_channel_bias(const BasicTensor<T>& y, const BasicTensor<T>& b) {
    return b.defined() ? y + reshape(b, {1, b.size(), 1, 1}) : y;
}
}  // namespace

template <class T>
BasicTensor<T> conv2d(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b,
                      const ConvGeometry& g) {
    check_defined("conv2d", x), check_defined("conv2d", w);
    if (x.dim() != 4 || w.dim() != 4)
        shape_error("conv2d", fmt::format("expects input (N, C, H, W) and weight (O, C, kh, kw), got {} and {}",
                                          shape_str(x.shape()), shape_str(w.shape())));
    const Shape xs = x.shape(), ws = w.shape();
    if (xs[1] != ws[1])
        shape_error("conv2d", fmt::format("input {} has {} channels but weight {} expects {}", shape_str(xs), xs[1],
                                          shape_str(ws), ws[1]));
    check_bias("conv2d", b, ws[0]);
    const Patches p = patches("conv2d", xs, ws[2], ws[3], g);
    const BasicTensor<T> cols = im2col(x, p.kh, p.kw, g);                                    // (C kh kw, N Ho Wo)
    const BasicTensor<T> y = matmul(reshape(w, {ws[0], p.rows()}), cols);                    // (O, N Ho Wo)
    const BasicTensor<T> out = permute(reshape(y, {ws[0], p.N, p.Ho, p.Wo}), {1, 0, 2, 3});  // (N, O, Ho, Wo)
    return add_channel_bias(out, b);
}

template <class T>
BasicTensor<T> conv_transpose2d(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b,
                                const ConvGeometry& g, std::size_t output_padding) {
    check_defined("conv_transpose2d", x), check_defined("conv_transpose2d", w);
    if (x.dim() != 4 || w.dim() != 4)
        shape_error("conv_transpose2d",
                    fmt::format("expects input (N, Cin, H, W) and weight (Cin, Cout, kh, kw), got {} and {}",
                                shape_str(x.shape()), shape_str(w.shape())));
    const Shape xs = x.shape(), ws = w.shape();
    if (xs[1] != ws[0])
        shape_error("conv_transpose2d", fmt::format("input {} has {} channels but weight {} expects {}", shape_str(xs),
                                                    xs[1], shape_str(ws), ws[0]));
    // (PyTorch also accepts output_padding < dilation; the extra rows are then ones no strided
    // convolution maps from, so they are refused here.)
    if (g.stride == 0 || g.dilation == 0)
        shape_error("conv_transpose2d",
                    fmt::format("stride ({}) and dilation ({}) must be positive", g.stride, g.dilation));
    if (output_padding >= g.stride)
        shape_error("conv_transpose2d",
                    fmt::format("output_padding {} must be smaller than the stride ({})", output_padding, g.stride));
    check_bias("conv_transpose2d", b, ws[1]);
    // Ho = (H - 1) s - 2p + d (k - 1) + op + 1, computed without going below zero.
    auto out_size = [&](std::size_t in, std::size_t k) {
        const std::size_t grow = (in - 1) * g.stride + g.dilation * (k - 1) + output_padding + 1;
        if (in == 0 || grow <= 2 * g.padding)
            shape_error("conv_transpose2d",
                        fmt::format("input {} with kernel {}x{}, stride {}, padding {} gives an empty output",
                                    shape_str(xs), ws[2], ws[3], g.stride, g.padding));
        return grow - 2 * g.padding;
    };
    const Shape image{xs[0], ws[1], out_size(xs[2], ws[2]), out_size(xs[3], ws[3])};              // (N, Cout, Ho, Wo)
    const BasicTensor<T> xm = reshape(permute(x, {1, 0, 2, 3}), {xs[1], xs[0] * xs[2] * xs[3]});  // (Cin, N H W)
    const BasicTensor<T> cols =
        gemm(reshape(w, {ws[0], ws[1] * ws[2] * ws[3]}), xm, true, false);  // (Cout kh kw, N H W)
    return add_channel_bias(col2im(cols, image, ws[2], ws[3], g), b);
}

// ---- pooling: im2col on each channel alone, then a reduction over the window -----------------
namespace {
template <class T>
BasicTensor<T> pool(const char* op, const BasicTensor<T>& x, std::size_t k, std::size_t stride, bool take_max) {
    check_defined(op, x);
    if (x.dim() != 4) shape_error(op, fmt::format("expects an (N, C, H, W) input, got {}", shape_str(x.shape())));
    const Shape s = x.shape();
    const ConvGeometry g{stride == 0 ? k : stride, 0, 1};
    const Patches p = patches(op, s, k, k, g);
    const BasicTensor<T> planes = reshape(x, {s[0] * s[1], 1, s[2], s[3]});      // every channel an image
    const BasicTensor<T> cols = im2col(planes, k, k, g);                         // (k k, N C Ho Wo)
    const BasicTensor<T> reduced = take_max ? max(cols, {0}) : mean(cols, {0});  // (N C Ho Wo,)
    return reshape(reduced, {s[0], s[1], p.Ho, p.Wo});
}
}  // namespace

template <class T>
BasicTensor<T> max_pool2d(const BasicTensor<T>& x, std::size_t k, std::size_t stride) {
    return pool("max_pool2d", x, k, stride, true);
}

template <class T>
BasicTensor<T> avg_pool2d(const BasicTensor<T>& x, std::size_t k, std::size_t stride) {
    return pool("avg_pool2d", x, k, stride, false);
}

// ---- upsampling ------------------------------------------------------------------------------
namespace {
template <class T>
Shape checked_upsample(const char* op, const BasicTensor<T>& x, std::size_t factor) {
    check_defined(op, x);
    if (x.dim() != 4) shape_error(op, fmt::format("expects an (N, C, H, W) input, got {}", shape_str(x.shape())));
    if (factor == 0) shape_error(op, "the factor must be positive");
    return x.shape();
}

// The (n f, n) matrix of linear interpolation along one axis, PyTorch's align_corners=False:
// output pixel o samples the input at s = (o + 1/2) / f - 1/2 (clamped at 0), between
// floor(s) and the next pixel.
template <class T>
xt::xarray<T> interpolation_matrix(std::size_t n, std::size_t f) {
    xt::xarray<T> A = xt::zeros<T>({n * f, n});
    for (std::size_t o = 0; o < n * f; ++o) {
        const double s = std::max(0.0, (static_cast<double>(o) + 0.5) / static_cast<double>(f) - 0.5);
        const std::size_t i0 = std::min(static_cast<std::size_t>(s), n - 1), i1 = std::min(i0 + 1, n - 1);
        const double t = s - static_cast<double>(i0);
        A(o, i0) += static_cast<T>(1.0 - t);
        A(o, i1) += static_cast<T>(t);
    }
    return A;
}
}  // namespace

template <class T>
BasicTensor<T> upsample_nearest2d(const BasicTensor<T>& x, std::size_t f) {
    const Shape s = checked_upsample("upsample_nearest2d", x, f);
    // Each pixel becomes an f x f block: a broadcast over two new axes of size f.
    const BasicTensor<T> blocks =
        broadcast_to(reshape(x, {s[0], s[1], s[2], 1, s[3], 1}), {s[0], s[1], s[2], f, s[3], f});
    return reshape(blocks, {s[0], s[1], s[2] * f, s[3] * f});
}

template <class T>
BasicTensor<T> upsample_bilinear2d(const BasicTensor<T>& x, std::size_t f) {
    const Shape s = checked_upsample("upsample_bilinear2d", x, f);
    const std::size_t planes = s[0] * s[1], H = s[2], W = s[3];
    // Every plane X (H, W) becomes A_h X A_w^T: interpolate the rows, then the columns.
    const BasicTensor<T> Aw = constant(interpolation_matrix<T>(W, f)), Ah = constant(interpolation_matrix<T>(H, f));
    BasicTensor<T> t = gemm(reshape(x, {planes * H, W}), Aw, false, true);                 // (planes H, W f)
    t = reshape(permute(reshape(t, {planes, H, W * f}), {0, 2, 1}), {planes * W * f, H});  // (planes W f, H)
    t = gemm(t, Ah, false, true);                                                          // (planes W f, H f)
    t = permute(reshape(t, {planes, W * f, H * f}), {0, 2, 1});                            // (planes, H f, W f)
    return reshape(t, {s[0], s[1], H * f, W * f});
}

// ---- batch norm --------------------------------------------------------------------------------
template <class T>
BasicTensor<T> batch_norm(const BasicTensor<T>& x, const BasicTensor<T>& gamma, const BasicTensor<T>& beta, double eps,
                          xt::xarray<T>* mean_out, xt::xarray<T>* var_out) {
    check_defined("batch_norm", x), check_defined("batch_norm", gamma), check_defined("batch_norm", beta);
    if (x.dim() != 2 && x.dim() != 4)
        shape_error("batch_norm", fmt::format("expects (N, C) or (N, C, H, W), got {}", shape_str(x.shape())));
    const Shape s = x.shape();
    const std::size_t C = s[1];
    if (gamma.shape() != Shape{C} || beta.shape() != Shape{C})
        shape_error("batch_norm", fmt::format("gamma {} and beta {} must both be ({},) for input {}",
                                              shape_str(gamma.shape()), shape_str(beta.shape()), C, shape_str(s)));
    const std::vector<long> axes = x.dim() == 2 ? std::vector<long>{0} : std::vector<long>{0, 2, 3};
    if (x.size() / C < 2)
        shape_error("batch_norm",
                    fmt::format("needs more than one value per channel in train mode, got input {}", shape_str(s)));
    const Shape per_channel = x.dim() == 2 ? Shape{1, C} : Shape{1, C, 1, 1};
    const BasicTensor<T> mu = mean(x, axes, true);  // (1, C[, 1, 1])
    const BasicTensor<T> centered = x - mu;
    const BasicTensor<T> var = mean(square(centered), axes, true);  // biased, as PyTorch normalises
    if (mean_out) {
        *mean_out = xt::xarray<T>::from_shape({C});
        std::copy_n(mu.value().data(), C, mean_out->data());
    }
    if (var_out) {
        *var_out = xt::xarray<T>::from_shape({C});
        std::copy_n(var.value().data(), C, var_out->data());
    }
    const BasicTensor<T> xhat = centered / sqrt(var + eps);
    return xhat * reshape(gamma, per_channel) + reshape(beta, per_channel);
}

// ---- the convolution matrix ---------------------------------------------------------------------
template <class T>
xt::xarray<T> conv_matrix(const xt::xarray<T>& kernel, std::size_t in_h, std::size_t in_w, const ConvGeometry& g) {
    if (kernel.dimension() != 2)
        shape_error("conv_matrix", fmt::format("expects a (kh, kw) kernel, got {}", shape_str(shape_of(kernel))));
    const std::size_t kh = kernel.shape()[0], kw = kernel.shape()[1];
    const Patches p = patches("conv_matrix", {1, 1, in_h, in_w}, kh, kw, g);
    // Row (i, j) of C holds the kernel laid over the input pixels that output (i, j) sees:
    // the same taps as im2col, with the weight of each tap written in.
    xt::xarray<T> C = xt::zeros<T>({p.Ho * p.Wo, in_h * in_w});
    const std::size_t taps = kh * kw, L = p.Ho * p.Wo;
    for_each_run(p, g, [&](std::size_t col, std::size_t pix, std::size_t n) {
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t tap = (col + j) / L,
                              out = (col + j) % L;  // im2col's row is the tap, its column the output
            C(out, pix + j * g.stride) = kernel.data()[tap % taps];
        }
    });
    return C;
}

#define AUTOGRAD_INSTANTIATE(T)                                                                                     \
    template BasicTensor<T> im2col(const BasicTensor<T>&, std::size_t, std::size_t, const ConvGeometry&);           \
    template BasicTensor<T> col2im(const BasicTensor<T>&, const Shape&, std::size_t, std::size_t,                   \
                                   const ConvGeometry&);                                                            \
    template BasicTensor<T> conv2d(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&,             \
                                   const ConvGeometry&);                                                            \
    template BasicTensor<T> conv_transpose2d(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&,   \
                                             const ConvGeometry&, std::size_t);                                     \
    template BasicTensor<T> max_pool2d(const BasicTensor<T>&, std::size_t, std::size_t);                            \
    template BasicTensor<T> avg_pool2d(const BasicTensor<T>&, std::size_t, std::size_t);                            \
    template BasicTensor<T> upsample_nearest2d(const BasicTensor<T>&, std::size_t);                                 \
    template BasicTensor<T> upsample_bilinear2d(const BasicTensor<T>&, std::size_t);                                \
    template BasicTensor<T> batch_norm(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&, double, \
                                       xt::xarray<T>*, xt::xarray<T>*);                                             \
    template xt::xarray<T> conv_matrix(const xt::xarray<T>&, std::size_t, std::size_t, const ConvGeometry&);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)

}  // namespace autograd
