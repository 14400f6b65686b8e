// ops_pool.cpp: pooling (im2col on each channel alone, then a max or a mean over the window) and
// upsampling: nearest is an op of its own (each pixel copied to an f x f block; its backward sums
// the blocks), bilinear two matrix products.
#include <algorithm>

#include "autograd/detail/op_helpers.hpp"
#include "autograd/ops_im2col.hpp"
#include "autograd/ops_pool.hpp"

namespace autograd {

using detail::check_defined;
using detail::constant;

// ---- pooling: im2col on each channel alone, then a reduction over the window -----------------
namespace {
template <class T>
BasicTensor<T> pool(const char* op, const BasicTensor<T>& x, std::size_t k, std::size_t stride, bool take_max) {
    check_defined(op, x);
    if (x.dim() != 4) shape_error(op, fmt::format("expects an (N, C, H, W) input, got {}", shape_str(x.shape())));
    const Shape s = x.shape();
    ConvGeometry geom;
    geom.stride = stride == 0 ? k : stride;
    const std::size_t Ho = conv_output_size(op, s[2], k, geom), Wo = conv_output_size(op, s[3], k, geom);
    const BasicTensor<T> planes = reshape(x, {s[0] * s[1], 1, s[2], s[3]});      // every channel an image
    const BasicTensor<T> cols = im2col(planes, k, k, geom);                      // (k k, N C Ho Wo)
    const BasicTensor<T> reduced = take_max ? max(cols, {0}) : mean(cols, {0});  // (N C Ho Wo,)
    return reshape(reduced, {s[0], s[1], Ho, Wo});
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
// The output's shape (N, C, H f, W f), checked: a ShapeError naming `op` when it has more elements
// than a tensor may hold.
template <class T>
Shape checked_upsample(const char* op, const BasicTensor<T>& x, std::size_t factor) {
    check_defined(op, x);
    if (x.dim() != 4) shape_error(op, fmt::format("expects an (N, C, H, W) input, got {}", shape_str(x.shape())));
    if (factor == 0) shape_error(op, "the factor must be positive");
    const Shape s = x.shape();
    const Shape out{s[0], s[1], checked_mul(op, "the upsampled height", s[2], factor),
                    checked_mul(op, "the upsampled width", s[3], factor)};
    checked_numel(op, out, sizeof(T));
    return out;
}

// The (n f, n) matrix of linear interpolation along one axis, PyTorch's align_corners=False:
// output pixel o samples the input at s = (o + 1/2) / f - 1/2 (clamped at 0), between
// floor(s) and the next pixel.
template <class T>
xt::xarray<T> interpolation_matrix(std::size_t n, std::size_t f) {
    xt::xarray<T> A = allocate<T>("upsample_bilinear2d", {n * f, n});  // n f: checked by checked_upsample
    A.fill(T(0));
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

namespace {
// The sum of each f x f block of x (N, C, H f, W f): (N, C, H, W). The transpose of nearest
// upsampling, so each is the other's backward.
template <class T>
BasicTensor<T> block_sum2d(const BasicTensor<T>& x, std::size_t f) {
    const Shape s = x.shape();
    const std::size_t planes = s[0] * s[1], H = s[2] / f, W = s[3] / f;
    xt::xarray<T> out = xt::zeros<T>({s[0], s[1], H, W});
    const T* src = x.value().data();
    T* dst = out.data();
    for (std::size_t p = 0; p < planes; ++p)
        for (std::size_t i = 0; i < H * f; ++i) {
            const T* row = src + (p * H * f + i) * W * f;
            T* to = dst + (p * H + i / f) * W;
            for (std::size_t j = 0; j < W; ++j)
                for (std::size_t a = 0; a < f; ++a) to[j] += row[j * f + a];
        }
    return record<T>("block_sum2d", std::move(out), {x}, [f](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{upsample_nearest2d(grad_out, f)};
    });
}
}  // namespace

// f(x) = each pixel repeated as an f x f block       grad_x = the sum of each block of grad_out
template <class T>
BasicTensor<T> upsample_nearest2d(const BasicTensor<T>& x, std::size_t f) {
    const Shape out_shape = checked_upsample("upsample_nearest2d", x, f), s = x.shape();
    const std::size_t planes = s[0] * s[1], H = s[2], W = s[3];
    xt::xarray<T> out = xt::xarray<T>::from_shape(out_shape);
    const T* src = x.value().data();
    T* dst = out.data();
    for (std::size_t p = 0; p < planes; ++p)
        for (std::size_t i = 0; i < H; ++i) {
            const T* row = src + (p * H + i) * W;
            T* first = dst + (p * H + i) * f * W * f;  // the first of the f output rows of input row i
            for (std::size_t j = 0; j < W; ++j)
                for (std::size_t a = 0; a < f; ++a) first[j * f + a] = row[j];
            for (std::size_t r = 1; r < f; ++r) std::copy_n(first, W * f, first + r * W * f);
        }
    return record<T>(
        "upsample_nearest2d", std::move(out), {x},
        [f](const BasicTensor<T>&, const BasicTensor<T>& grad_out) { return Grads<T>{block_sum2d(grad_out, f)}; });
}

template <class T>
BasicTensor<T> upsample_bilinear2d(const BasicTensor<T>& x, std::size_t f) {
    checked_upsample("upsample_bilinear2d", x, f);
    const Shape s = x.shape();
    const std::size_t planes = s[0] * s[1], H = s[2], W = s[3];
    // Every plane X (H, W) becomes A_h X A_w^T: interpolate the rows, then the columns.
    const BasicTensor<T> Aw = constant(interpolation_matrix<T>(W, f)), Ah = constant(interpolation_matrix<T>(H, f));
    BasicTensor<T> t = gemm(reshape(x, {planes * H, W}), Aw, false, true);                 // (planes H, W f)
    t = reshape(permute(reshape(t, {planes, H, W * f}), {0, 2, 1}), {planes * W * f, H});  // (planes W f, H)
    t = gemm(t, Ah, false, true);                                                          // (planes W f, H f)
    t = permute(reshape(t, {planes, W * f, H * f}), {0, 2, 1});                            // (planes, H f, W f)
    return reshape(t, {s[0], s[1], H * f, W * f});
}

#define AUTOGRAD_INSTANTIATE(T)                                                          \
    template BasicTensor<T> max_pool2d(const BasicTensor<T>&, std::size_t, std::size_t); \
    template BasicTensor<T> avg_pool2d(const BasicTensor<T>&, std::size_t, std::size_t); \
    template BasicTensor<T> upsample_nearest2d(const BasicTensor<T>&, std::size_t);      \
    template BasicTensor<T> upsample_bilinear2d(const BasicTensor<T>&, std::size_t);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
