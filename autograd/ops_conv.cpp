// ops_conv.cpp: conv2d, conv_transpose2d and conv2d_weight, the three ops of a convolution layer
// (the output, the input's gradient, the weight's gradient), each the others' backward.
//
// Each is a matrix product around im2col or col2im (ops_im2col.hpp), or for stride 1 kh kw products that
// read the padded images in place (the section "stride 1" below), worked a few images at a time
// through a workspace of at most kWorkspaceBytes, so that no call allocates more than that
// however large the batch (a 28x28 3x3 convolution's column matrix at batch 256 would be 115 MB,
// too large to stay in the heap: every step would fault in fresh pages).
//
// Shapes, for conv2d: x (N, C, H, W), w (O, C, kh, kw), y (N, O, Ho, Wo); K = C kh kw taps, L =
// Ho Wo output pixels. The backward of each op, written with the three ops so that it can be
// differentiated again (grad_out is the gradient of the op's own output, y, z or G):
//   y = conv2d(x, w)            grad_x = conv_transpose2d(grad_out, w)   grad_w = conv2d_weight(x, grad_out)
//   z = conv_transpose2d(u, w)  grad_u = conv2d(grad_out, w)             grad_w = conv2d_weight(grad_out, u)
//   G = conv2d_weight(x, g)     grad_x = conv_transpose2d(g, grad_out)   grad_g = conv2d(x, grad_out)
// (the last line from <grad_out, conv2d_weight(x, g)> = <g, conv2d(x, grad_out)>). conv2d_weight's
// input g is itself a gradient, conv2d's grad_out, when conv2d's backward calls it.
#include <algorithm>
#include <memory>
#include <vector>

#include "autograd/detail/blas.hpp"
#include "autograd/detail/op_helpers.hpp"
#include "autograd/detail/patches.hpp"
#include "autograd/ops_conv.hpp"

namespace autograd {

using detail::check_defined;
using detail::gemm_raw;
using detail::Patches;

namespace {
// The workspace of at most this many bytes: far inside the 32 MiB that the heap keeps (detail/heap.cpp),
// so every call reuses the same memory, and small enough to stay in the cache between im2col and
// the product that reads it (docs/conv.md, "How the memory is reused", has the measurement).
constexpr std::size_t kWorkspaceBytes = std::size_t{1} << 20;

// How many images to put through the workspace at once, when one image needs `per_image` elements.
template <class T>
std::size_t images_per_chunk(std::size_t per_image, std::size_t N) {
    const std::size_t fit = kWorkspaceBytes / sizeof(T) / std::max<std::size_t>(1, per_image);
    return std::clamp<std::size_t>(fit, 1, std::max<std::size_t>(N, 1));
}

// Uninitialised scratch memory of `shape`'s size (a std::vector would zero it on every call); a
// ShapeError naming `op` when the size overflows.
template <class T>
std::unique_ptr<T[]> scratch(const char* op, const Shape& shape) {
    return std::unique_ptr<T[]>(new T[checked_numel(op, shape, sizeof(T))]);
}

// a (N, A, L) -> to (A, n L) for the images [n0, n0 + n): axes 0 and 1 swapped, one chunk.
template <class T>
void swap_leading_axes(const T* a, std::size_t A, std::size_t L, std::size_t n0, std::size_t n, T* to) {
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < A; ++c) std::copy_n(a + ((n0 + i) * A + c) * L, L, to + (c * n + i) * L);
}

template <class T>
void check_bias(const char* op, const BasicTensor<T>& b, std::size_t channels) {
    if (b.defined() && b.shape() != Shape{channels})
        shape_error(op, fmt::format("bias of shape {} for {} output channels", shape_str(b.shape()), channels));
}

// The op's inputs: the two given, and the bias when there is one.
template <class T>
std::vector<BasicTensor<T>> with_bias(std::vector<BasicTensor<T>> inputs, const BasicTensor<T>& b) {
    if (b.defined()) inputs.push_back(b);
    return inputs;
}

// The gradient of a per-channel bias: the sum of grad_out (N, C, H, W) over N, H and W.
template <class T>
BasicTensor<T> channel_sums(const BasicTensor<T>& grad_out) {
    const std::size_t C = grad_out.shape()[1];
    return reshape(sum_to(grad_out, {1, C, 1, 1}), {C});
}

// ---- stride 1: the patches are shifted copies of the padded image ----
// With stride 1, row (c, a, b) of im2col's column matrix is channel c itself, padded, read from an
// offset: output (i, j) under tap (a, b) reads padded pixel (i + a d, j + b d). Lay a chunk's padded
// images end to end, one row per channel, each image a Hp x Wp grid; number the output positions
// in the same grid, q = (image, i, j). Then under tap (a, b) every q reads the padded row at
// q + a d Wp + b d: the same row, shifted. So each tap's product reads the padded images in place,
//     Y (O, n Hp Wp) += W[:, :, a, b] (O, C) @ Xpad[:, shift(a, b) : shift(a, b) + n Hp Wp],
// kh kw products with no column matrix; the grid positions with i >= Ho or j >= Wo are computed
// and thrown away. (upconv_ae's 3x3 convolutions moved 9 times their input through im2col and
// col2im for products with as few as one output channel; this path moves it once.)
//
// The three ops in this form are one correlation, y[n, o, i, j] = sum over c, a, b of
// taps[a, b][o][c] xpad[n, c, i + a d, j + b d], with the weight laid out tap by tap:
//   conv2d            taps[a, b][o][c] = w[o, c, a, b],                     padding p
//   conv_transpose2d  taps[a, b][co][ci] = w[ci, co, kh-1-a, kw-1-b],       padding d (k - 1) - p
// (a stride-1 transposed convolution is the convolution with the kernel flipped and the channels
// swapped, over the input padded by d (k - 1) - p), and conv2d_weight reads the same shifted rows.
struct Shifted {
    const char* op;            // the op it serves, for the messages
    std::size_t C, H, W;       // the input's channels and size
    std::size_t kh, kw, d;     // the kernel and its dilation
    std::size_t ph, pw;        // the zeros added above and below, left and right
    std::size_t Hp, Wp, grid;  // the padded image, and its pixels
    std::size_t Ho, Wo;        // the output's size
    Shifted(const char* op_, std::size_t C_, std::size_t H_, std::size_t W_, std::size_t kh_, std::size_t kw_,
            std::size_t d_, std::size_t ph_, std::size_t pw_)
        : op(op_),
          C(C_),
          H(H_),
          W(W_),
          kh(kh_),
          kw(kw_),
          d(d_),
          ph(ph_),
          pw(pw_),
          Hp(checked_add(op_, "the padded image", H_, checked_mul(op_, "the padding on both sides", 2, ph_))),
          Wp(checked_add(op_, "the padded image", W_, checked_mul(op_, "the padding on both sides", 2, pw_))),
          grid(checked_mul(op_, "the padded image", Hp, Wp)),
          Ho(Hp - d_ * (kh_ - 1)),
          Wo(Wp - d_ * (kw_ - 1)) {
        checked_add(op, "the padded image and its largest shift", grid, shift(kh - 1, kw - 1));  // so row(1) fits
    }
    std::size_t shift(std::size_t a, std::size_t b) const { return a * d * Wp + b * d; }
    // A padded row's length for n images: their grids and room for the largest shift.
    std::size_t row(std::size_t n) const { return n * grid + shift(kh - 1, kw - 1); }
};

// xpad (C, s.row(n)) = the images [n0, n0 + n) of x (N, C, H, W), padded with zeros.
template <class T>
void pad_rows(const T* x, const Shifted& s, std::size_t n0, std::size_t n, T* xpad) {
    const std::size_t row = s.row(n);
    std::fill_n(xpad, s.C * row, T(0));
    for (std::size_t c = 0; c < s.C; ++c)
        for (std::size_t i = 0; i < n; ++i) {
            const T* image = x + ((n0 + i) * s.C + c) * s.H * s.W;
            T* grid = xpad + c * row + i * s.grid + s.ph * s.Wp + s.pw;
            for (std::size_t h = 0; h < s.H; ++h) std::copy_n(image + h * s.W, s.W, grid + h * s.Wp);
        }
}

// y (N, O, Ho, Wo) = the correlation of x (N, C, H, W) with taps (kh kw, O, C), plus the bias.
template <class T>
void correlate_shifted(const T* x, std::size_t N, const Shifted& s, const T* taps, std::size_t O, const T* bias, T* y) {
    const std::size_t chunk = images_per_chunk<T>(checked_mul(s.op, "the padded images", s.C + O, s.grid), N);
    const auto xpad = scratch<T>(s.op, {s.C, s.row(chunk)}), out = scratch<T>(s.op, {O, chunk, s.grid});
    for (std::size_t n0 = 0; n0 < N; n0 += chunk) {
        const std::size_t n = std::min(chunk, N - n0), row = s.row(n), span = n * s.grid;
        pad_rows(x, s, n0, n, xpad.get());
        for (std::size_t a = 0; a < s.kh; ++a)
            for (std::size_t b = 0; b < s.kw; ++b) {
                const bool first = a == 0 && b == 0;
                gemm_raw(false, false, O, span, s.C, T(1), taps + (a * s.kw + b) * O * s.C, s.C,
                         xpad.get() + s.shift(a, b), row, first ? T(0) : T(1), out.get(), span);
            }
        for (std::size_t i = 0; i < n; ++i)  // the outputs, out of their grids, plus the bias
            for (std::size_t o = 0; o < O; ++o) {
                const T b = bias ? bias[o] : T(0);
                T* dst = y + ((n0 + i) * O + o) * s.Ho * s.Wo;
                for (std::size_t h = 0; h < s.Ho; ++h) {
                    const T* src = out.get() + o * span + i * s.grid + h * s.Wp;
                    for (std::size_t v = 0; v < s.Wo; ++v) dst[h * s.Wo + v] = src[v] + b;
                }
            }
    }
}

// G (O, C, kh, kw) = sum over the images of g (N, O, Ho, Wo) times x's shifted padded rows: per
// tap, G[:, :, a, b] = g (O, n Hp Wp) @ Xpad[:, shift(a, b) : ...]^T, with g laid into the grids
// and zeros at the positions that are not outputs.
template <class T>
xt::xarray<T> weight_shifted(const T* x, std::size_t N, const Shifted& s, const T* g, std::size_t O) {
    const std::size_t taps = s.kh * s.kw;
    std::vector<T> per_tap(taps * O * s.C, T(0));  // (kh kw, O, C)
    const std::size_t chunk = images_per_chunk<T>(checked_mul(s.op, "the padded images", s.C + O, s.grid), N);
    const auto xpad = scratch<T>(s.op, {s.C, s.row(chunk)}), gpad = scratch<T>(s.op, {O, chunk, s.grid});
    for (std::size_t n0 = 0; n0 < N; n0 += chunk) {
        const std::size_t n = std::min(chunk, N - n0), row = s.row(n), span = n * s.grid;
        pad_rows(x, s, n0, n, xpad.get());
        std::fill_n(gpad.get(), O * span, T(0));
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t o = 0; o < O; ++o)
                for (std::size_t h = 0; h < s.Ho; ++h)
                    std::copy_n(g + (((n0 + i) * O + o) * s.Ho + h) * s.Wo, s.Wo,
                                gpad.get() + o * span + i * s.grid + h * s.Wp);
        for (std::size_t a = 0; a < s.kh; ++a)
            for (std::size_t b = 0; b < s.kw; ++b)
                gemm_raw(false, true, O, s.C, span, T(1), gpad.get(), span, xpad.get() + s.shift(a, b), row, T(1),
                         per_tap.data() + (a * s.kw + b) * O * s.C, s.C);
    }
    xt::xarray<T> G = xt::xarray<T>::from_shape({O, s.C, s.kh, s.kw});
    for (std::size_t o = 0; o < O; ++o)
        for (std::size_t c = 0; c < s.C; ++c)
            for (std::size_t t = 0; t < taps; ++t) G.data()[(o * s.C + c) * taps + t] = per_tap[(t * O + o) * s.C + c];
    return G;
}

// A weight (A, B, kh, kw) tap by tap, as the correlation reads it. conv2d's (O, C, kh, kw) becomes
// (kh kw, O, C); conv_transpose2d's (Cin, Cout, kh, kw) becomes (kh kw, Cout, Cin), the kernel
// flipped (tap k read as tap kh kw - 1 - k).
template <class T>
std::vector<T> taps_of(const xt::xarray<T>& w, bool transposed) {
    const std::size_t A = w.shape()[0], B = w.shape()[1], taps = w.shape()[2] * w.shape()[3];
    std::vector<T> t(taps * A * B);
    for (std::size_t a = 0; a < A; ++a)
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t k = 0; k < taps; ++k) {
                const T v = w.data()[(a * B + b) * taps + k];
                if (transposed)
                    t[((taps - 1 - k) * B + b) * A + a] = v;
                else
                    t[(k * A + a) * B + b] = v;
            }
    return t;
}

// Which path a stride-1 op takes. Reading in place saves im2col's copy (or col2im's scatter) but
// takes kh kw thin products where the column matrix takes one deep one, so each op takes it only
// where that was measured to pay (docs/conv.md, "Stride 1: the patches are the image itself,
// shifted", has the shapes measured, the ratios, and the one exception):
// conv2d: with 4 or more input channels (with fewer, each tap's product is too thin: with 1 it is
// rank-1).
bool conv_shifts(const ConvGeometry& geom, std::size_t C) { return geom.stride == 1 && C >= 4; }

// conv_transpose2d from Cin to Cout channels: when Cin <= Cout (to fewer channels, each tap's
// product has only Cout rows, and col2im's one deep product and scatter win), and its padding
// d (k - 1) - p is not negative (the shifted form can add zeros around the input, not crop it).
bool transposed_shifts(const ConvGeometry& geom, std::size_t kh, std::size_t kw, std::size_t Cin, std::size_t Cout) {
    return geom.stride == 1 && Cin <= Cout && geom.padding <= geom.dilation * (std::min(kh, kw) - 1);
}

// conv2d_weight for C input and O output channels: when 4 O <= C (each tap's product has only O x C
// outputs to share among threads; with fewer input channels than that, two threads share them
// badly).
bool weight_shifts(const ConvGeometry& geom, std::size_t C, std::size_t O) { return geom.stride == 1 && 4 * O <= C; }

// ---- the three computations, on plain arrays ----
// y (N, O, Ho, Wo) = conv2d(x, w) + b
template <class T>
xt::xarray<T> conv_forward(const xt::xarray<T>& x, const xt::xarray<T>& w, const T* bias, const ConvGeometry& geom,
                           std::size_t Ho, std::size_t Wo) {
    const std::size_t N = x.shape()[0], C = x.shape()[1], H = x.shape()[2], W = x.shape()[3];
    const std::size_t O = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3], K = C * kh * kw, L = Ho * Wo;
    xt::xarray<T> y = allocate<T>("conv2d", {N, O, Ho, Wo});
    if (conv_shifts(geom, C)) {
        const Shifted s("conv2d", C, H, W, kh, kw, geom.dilation, geom.padding, geom.padding);
        correlate_shifted(x.data(), N, s, taps_of(w, /*transposed=*/false).data(), O, bias, y.data());
        return y;
    }
    const std::size_t chunk = images_per_chunk<T>(checked_mul("conv2d", "the column matrix", K, L), N);
    const auto cols = scratch<T>("conv2d", {K, chunk, L}), out = scratch<T>("conv2d", {O, chunk, L});
    for (std::size_t n0 = 0; n0 < N; n0 += chunk) {
        const std::size_t n = std::min(chunk, N - n0);
        const Patches p{n, C, H, W, kh, kw, Ho, Wo};
        detail::im2col_into(x.data() + n0 * C * H * W, p, geom, cols.get());                                // (K, n L)
        gemm_raw(false, false, O, n * L, K, T(1), w.data(), K, cols.get(), n * L, T(0), out.get(), n * L);  // (O, n L)
        for (std::size_t i = 0; i < n; ++i)  // (O, n, L) -> y (n, O, L), plus the bias
            for (std::size_t o = 0; o < O; ++o) {
                const T* src = out.get() + (o * n + i) * L;
                T* dst = y.data() + ((n0 + i) * O + o) * L;
                const T b = bias ? bias[o] : T(0);
                for (std::size_t l = 0; l < L; ++l) dst[l] = src[l] + b;
            }
    }
    return y;
}

// z += the transposed convolution of u by w, through im2col's column matrix and BLAS
template <class T>
void transposed_by_products(const xt::xarray<T>& u, const xt::xarray<T>& w, const ConvGeometry& geom,
                            xt::xarray<T>& z) {
    const std::size_t N = u.shape()[0], Cin = u.shape()[1], H = u.shape()[2], W = u.shape()[3];
    const std::size_t Cout = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3], K = Cout * kh * kw, L = H * W;
    const std::size_t Ho = z.shape()[2], Wo = z.shape()[3];
    const char* op = "conv_transpose2d";
    const std::size_t chunk = images_per_chunk<T>(checked_mul(op, "the column matrix", K + Cin, L), N);
    const auto ubuf = scratch<T>(op, {Cin, chunk, L}), cols = scratch<T>(op, {K, chunk, L});
    for (std::size_t n0 = 0; n0 < N; n0 += chunk) {
        const std::size_t n = std::min(chunk, N - n0);
        swap_leading_axes(u.data(), Cin, L, n0, n, ubuf.get());  // (Cin, n L)
        gemm_raw(true, false, K, n * L, Cin, T(1), w.data(), K, ubuf.get(), n * L, T(0), cols.get(), n * L);  // W^T u
        const Patches p{n, Cout, Ho, Wo, kh, kw, H, W};  // z's chunk is the image whose patches they are
        detail::col2im_add(cols.get(), p, geom, z.data() + n0 * Cout * Ho * Wo);
    }
}

// z (N, Cout, Ho, Wo) = conv_transpose2d(u, w) + b, for u (N, Cin, H, W) and w (Cin, Cout, kh, kw)
template <class T>
xt::xarray<T> transposed_forward(const xt::xarray<T>& u, const xt::xarray<T>& w, const T* bias,
                                 const ConvGeometry& geom, std::size_t Ho, std::size_t Wo) {
    const std::size_t N = u.shape()[0], Cout = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
    if (transposed_shifts(geom, kh, kw, u.shape()[1], Cout)) {
        const std::size_t d = geom.dilation;
        const Shifted s("conv_transpose2d", u.shape()[1], u.shape()[2], u.shape()[3], kh, kw, d,
                        d * (kh - 1) - geom.padding, d * (kw - 1) - geom.padding);
        xt::xarray<T> z = allocate<T>("conv_transpose2d", {N, Cout, s.Ho, s.Wo});  // (Ho, Wo): stride 1 has one size
        correlate_shifted(u.data(), N, s, taps_of(w, /*transposed=*/true).data(), Cout, bias, z.data());
        return z;
    }
    xt::xarray<T> z = allocate<T>("conv_transpose2d", {N, Cout, Ho, Wo});
    z.fill(T(0));
    transposed_by_products(u, w, geom, z);
    if (bias)
        for (std::size_t i = 0; i < N; ++i)
            for (std::size_t c = 0; c < Cout; ++c) {
                T* dst = z.data() + (i * Cout + c) * Ho * Wo;
                for (std::size_t l = 0; l < Ho * Wo; ++l) dst[l] += bias[c];
            }
    return z;
}

// G (O, C, kh, kw) = sum over the images of g (N, O, Ho, Wo) times x's patches (N, C, H, W)
template <class T>
xt::xarray<T> weight_forward(const xt::xarray<T>& x, const xt::xarray<T>& g, std::size_t kh, std::size_t kw,
                             const ConvGeometry& geom) {
    const std::size_t N = x.shape()[0], C = x.shape()[1], H = x.shape()[2], W = x.shape()[3];
    const std::size_t O = g.shape()[1], Ho = g.shape()[2], Wo = g.shape()[3], K = C * kh * kw, L = Ho * Wo;
    checked_numel("conv2d_weight", {O, C, kh, kw}, sizeof(T));  // kh and kw are arguments: G may not fit
    if (weight_shifts(geom, C, O))
        return weight_shifted(x.data(), N,
                              Shifted("conv2d_weight", C, H, W, kh, kw, geom.dilation, geom.padding, geom.padding),
                              g.data(), O);
    xt::xarray<T> G = xt::zeros<T>({O, C, kh, kw});
    const std::size_t chunk = images_per_chunk<T>(checked_mul("conv2d_weight", "the column matrix", K + O, L), N);
    const auto cols = scratch<T>("conv2d_weight", {K, chunk, L}), gbuf = scratch<T>("conv2d_weight", {O, chunk, L});
    for (std::size_t n0 = 0; n0 < N; n0 += chunk) {
        const std::size_t n = std::min(chunk, N - n0);
        const Patches p{n, C, H, W, kh, kw, Ho, Wo};
        detail::im2col_into(x.data() + n0 * C * H * W, p, geom, cols.get());  // (K, n L)
        swap_leading_axes(g.data(), O, L, n0, n, gbuf.get());                 // (O, n L)
        gemm_raw(false, true, O, K, n * L, T(1), gbuf.get(), n * L, cols.get(), n * L, T(1), G.data(),
                 K);  // += g cols^T
    }
    return G;
}

// ---- the recorded ops ----
// The transposed convolution to a given output size (conv_transpose2d works out the size from
// geom.output_padding; conv2d's backward needs exactly its input's size).
template <class T>
BasicTensor<T> transposed_to(const BasicTensor<T>& u, const BasicTensor<T>& w, const BasicTensor<T>& b,
                             const ConvGeometry& geom, std::size_t Ho, std::size_t Wo) {
    xt::xarray<T> out =
        transposed_forward(u.value(), w.value(), b.defined() ? b.value().data() : nullptr, geom, Ho, Wo);
    return record<T>("conv_transpose2d", std::move(out), with_bias({u, w}, b),
                     [u, w, b, geom](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         const Shape ws = w.shape();
                         Grads<T> grads{
                             u.requires_grad() ? conv2d(grad_out, w, {}, geom) : BasicTensor<T>(),
                             w.requires_grad() ? conv2d_weight(grad_out, u, ws[2], ws[3], geom) : BasicTensor<T>()};
                         if (b.defined())
                             grads.push_back(b.requires_grad() ? channel_sums(grad_out) : BasicTensor<T>());
                         return grads;
                     });
}
}  // namespace

template <class T>
BasicTensor<T> conv2d(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b,
                      const ConvGeometry& geom) {
    check_defined("conv2d", x), check_defined("conv2d", w);
    if (x.dim() != 4 || w.dim() != 4)
        shape_error("conv2d", fmt::format("expects input (N, C, H, W) and weight (O, C, kh, kw), got {} and {}",
                                          shape_str(x.shape()), shape_str(w.shape())));
    const Shape xs = x.shape(), ws = w.shape();
    if (xs[1] != ws[1])
        shape_error("conv2d", fmt::format("input {} has {} channels but weight {} expects {}", shape_str(xs), xs[1],
                                          shape_str(ws), ws[1]));
    check_bias("conv2d", b, ws[0]);
    const std::size_t Ho = conv_output_size("conv2d", xs[2], ws[2], geom),
                      Wo = conv_output_size("conv2d", xs[3], ws[3], geom);
    xt::xarray<T> y = conv_forward(x.value(), w.value(), b.defined() ? b.value().data() : nullptr, geom, Ho, Wo);
    // f(x, w, b) = x * w + b     grad_x = conv_transpose2d(grad_out, w) to x's size,
    //                            grad_w = conv2d_weight(x, grad_out), grad_b = grad_out's sums per channel
    return record<T>("conv2d", std::move(y), with_bias({x, w}, b),
                     [x, w, b, geom](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         const Shape xs = x.shape(), ws = w.shape();
                         Grads<T> grads{
                             x.requires_grad() ? transposed_to(grad_out, w, {}, geom, xs[2], xs[3]) : BasicTensor<T>(),
                             w.requires_grad() ? conv2d_weight(x, grad_out, ws[2], ws[3], geom) : BasicTensor<T>()};
                         if (b.defined())
                             grads.push_back(b.requires_grad() ? channel_sums(grad_out) : BasicTensor<T>());
                         return grads;
                     });
}

template <class T>
BasicTensor<T> conv_transpose2d(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b,
                                const ConvGeometry& geom) {
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
    if (geom.stride == 0 || geom.dilation == 0 || ws[2] == 0 || ws[3] == 0)
        shape_error("conv_transpose2d",
                    fmt::format("stride ({}), dilation ({}) and kernel size ({}x{}) must be positive", geom.stride,
                                geom.dilation, ws[2], ws[3]));
    if (geom.output_padding >= geom.stride)
        shape_error("conv_transpose2d", fmt::format("output_padding {} must be smaller than the stride ({})",
                                                    geom.output_padding, geom.stride));
    check_bias("conv_transpose2d", b, ws[1]);
    // Ho = (H - 1) s - 2p + d (k - 1) + op + 1, computed without going below zero or past 2^63 - 1.
    const char* op = "conv_transpose2d";
    const std::size_t both_sides = checked_mul(op, "the padding on both sides", 2, geom.padding);
    auto out_size = [&](std::size_t in, std::size_t k) {
        const std::size_t stretched = checked_mul(op, "the strided input", in == 0 ? 0 : in - 1, geom.stride),
                          span = checked_mul(op, "the dilated kernel", geom.dilation, k - 1);
        const std::size_t grow = checked_add(op, "the output before cropping",
                                             checked_add(op, "the output before cropping", stretched, span),
                                             checked_add(op, "the output padding", geom.output_padding, 1));
        if (in == 0 || grow <= both_sides)
            shape_error("conv_transpose2d",
                        fmt::format("input {} with kernel {}x{}, stride {}, padding {} gives an empty output",
                                    shape_str(xs), ws[2], ws[3], geom.stride, geom.padding));
        return grow - both_sides;
    };
    return transposed_to(x, w, b, geom, out_size(xs[2], ws[2]), out_size(xs[3], ws[3]));
}

template <class T>
BasicTensor<T> conv2d_weight(const BasicTensor<T>& x, const BasicTensor<T>& g, std::size_t kh, std::size_t kw,
                             const ConvGeometry& geom) {
    check_defined("conv2d_weight", x), check_defined("conv2d_weight", g);
    if (x.dim() != 4 || g.dim() != 4 || x.shape()[0] != g.shape()[0])
        shape_error("conv2d_weight",
                    fmt::format("expects input (N, C, H, W) and gradient (N, O, Ho, Wo), got {} and {}",
                                shape_str(x.shape()), shape_str(g.shape())));
    const std::size_t Ho = conv_output_size("conv2d_weight", x.shape()[2], kh, geom),
                      Wo = conv_output_size("conv2d_weight", x.shape()[3], kw, geom);
    if (g.shape()[2] != Ho || g.shape()[3] != Wo)
        shape_error("conv2d_weight", fmt::format("gradient {} does not have the {}x{} output of input {} under a {}x{} "
                                                 "kernel",
                                                 shape_str(g.shape()), Ho, Wo, shape_str(x.shape()), kh, kw));
    xt::xarray<T> G = weight_forward(x.value(), g.value(), kh, kw, geom);
    // f(x, g) = sum_n g_n (x)_n's patches    grad_x = conv_transpose2d(g, grad_out) to x's size,
    //                                        grad_g = conv2d(x, grad_out)
    return record<T>(
        "conv2d_weight", std::move(G), {x, g}, [x, g, geom](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
            const Shape xs = x.shape();
            return Grads<T>{x.requires_grad() ? transposed_to(g, grad_out, {}, geom, xs[2], xs[3]) : BasicTensor<T>(),
                            g.requires_grad() ? conv2d(x, grad_out, {}, geom) : BasicTensor<T>()};
        });
}

#define AUTOGRAD_INSTANTIATE(T)                                                                                   \
    template BasicTensor<T> conv2d(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&,           \
                                   const ConvGeometry&);                                                          \
    template BasicTensor<T> conv_transpose2d(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&, \
                                             const ConvGeometry&);                                                \
    template BasicTensor<T> conv2d_weight(const BasicTensor<T>&, const BasicTensor<T>&, std::size_t, std::size_t, \
                                          const ConvGeometry&);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
