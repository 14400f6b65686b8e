// ops_im2col.cpp: the index arithmetic of convolution. Which input pixel each kernel tap sees, and
// the two primitives built on it, im2col and col2im (each the other's backward), and the dense
// matrix C that they stand for (ops_im2col.hpp explains all three).
#include <algorithm>

#include "autograd/detail/op_helpers.hpp"
#include "autograd/detail/patches.hpp"
#include "autograd/ops_im2col.hpp"

namespace autograd {

using detail::check_defined;

std::size_t conv_output_size(const char* op, std::size_t in, std::size_t kernel, const ConvGeometry& geom) {
    if (geom.stride == 0 || geom.dilation == 0 || kernel == 0)
        shape_error(op, fmt::format("stride ({}), dilation ({}) and kernel size ({}) must be positive", geom.stride,
                                    geom.dilation, kernel));
    // The dilated kernel's extent and the padded input, each at most 2^63 - 1 (kMaxSize).
    const std::size_t span =
        checked_add(op, "the dilated kernel", checked_mul(op, "the dilated kernel", geom.dilation, kernel - 1), 1);
    const std::size_t padded =
        checked_add(op, "the padded input", in, checked_mul(op, "the padding on both sides", 2, geom.padding));
    if (span > padded)
        shape_error(op, fmt::format("kernel of size {} (dilated to {}) is larger than the padded input ({} + 2 x {})",
                                    kernel, span, in, geom.padding));
    return (padded - span) / geom.stride + 1;
}

namespace detail {
Patches patches(const char* op, const Shape& image, std::size_t kh, std::size_t kw, const ConvGeometry& geom) {
    if (image.size() != 4) shape_error(op, fmt::format("expects an (N, C, H, W) image, got {}", shape_str(image)));
    return {image[0],
            image[1],
            image[2],
            image[3],
            kh,
            kw,
            conv_output_size(op, image[2], kh, geom),
            conv_output_size(op, image[3], kw, geom)};
}
}  // namespace detail

namespace {
using detail::Patches;

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

template <class T>
void detail::im2col_into(const T* image, const Patches& p, const ConvGeometry& geom, T* cols) {
    const std::size_t s = geom.stride, ncols = p.cols();
    detail::for_each_run(
        p, geom,
        [=](std::size_t row, std::size_t column, std::size_t pixel, std::size_t count) {
            gather(cols + row * ncols + column, image + pixel, count, s);
        },
        [=](std::size_t row, std::size_t column, std::size_t count) {
            std::fill_n(cols + row * ncols + column, count, T(0));
        });
}

template <class T>
void detail::col2im_add(const T* cols, const Patches& p, const ConvGeometry& geom, T* image) {
    const std::size_t s = geom.stride, ncols = p.cols();
    detail::for_each_run(p, geom, [=](std::size_t row, std::size_t column, std::size_t pixel, std::size_t count) {
        scatter_add(image + pixel, cols + row * ncols + column, count, s);
    });
}

// f(x) = P x for the 0/1 patch-gathering matrix P        grad_x = P^T grad_out = col2im(grad_out)
template <class T>
BasicTensor<T> im2col(const BasicTensor<T>& x, std::size_t kh, std::size_t kw, const ConvGeometry& geom) {
    check_defined("im2col", x);
    const Patches p = detail::patches("im2col", x.shape(), kh, kw, geom);
    checked_numel("im2col", {p.C, p.kh, p.kw, p.N, p.Ho, p.Wo}, sizeof(T));  // so rows() and cols() cannot wrap
    xt::xarray<T> cols = xt::xarray<T>::from_shape({p.rows(), p.cols()});
    detail::im2col_into(x.value().data(), p, geom, cols.data());  // every entry, the padding taps as 0
    return record<T>("im2col", std::move(cols), {x},
                     [image = x.shape(), kh, kw, geom](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         return Grads<T>{col2im(grad_out, image, kh, kw, geom)};
                     });
}

// f(cols) = P^T cols: every column added back onto its patch      grad_cols = P grad_out = im2col(grad_out)
template <class T>
BasicTensor<T> col2im(const BasicTensor<T>& cols, const Shape& image_shape, std::size_t kh, std::size_t kw,
                      const ConvGeometry& geom) {
    check_defined("col2im", cols);
    const Patches p = detail::patches("col2im", image_shape, kh, kw, geom);
    if (cols.shape() != Shape{p.rows(), p.cols()})
        shape_error("col2im",
                    fmt::format("columns of shape {} do not fit image {} with a {}x{} kernel: expected ({}, {})",
                                shape_str(cols.shape()), shape_str(image_shape), kh, kw, p.rows(), p.cols()));
    xt::xarray<T> image = xt::zeros<T>(image_shape);
    detail::col2im_add(cols.value().data(), p, geom, image.data());
    return record<T>("col2im", std::move(image), {cols},
                     [kh, kw, geom](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         return Grads<T>{im2col(grad_out, kh, kw, geom)};
                     });
}

template <class T>
xt::xarray<T> conv_matrix(const xt::xarray<T>& kernel, std::size_t in_h, std::size_t in_w, const ConvGeometry& geom) {
    if (kernel.dimension() != 2)
        shape_error("conv_matrix", fmt::format("expects a (kh, kw) kernel, got {}", shape_str(shape_of(kernel))));
    const std::size_t kh = kernel.shape()[0], kw = kernel.shape()[1];
    const Patches p = detail::patches("conv_matrix", {1, 1, in_h, in_w}, kh, kw, geom);
    // Row (i, j) of C holds the kernel laid over the input pixels that output (i, j) sees:
    // the same taps as im2col, with the weight of each tap written in.
    checked_numel("conv_matrix", {p.Ho, p.Wo, in_h, in_w}, sizeof(T));  // so the products below cannot wrap
    xt::xarray<T> C = xt::xarray<T>::from_shape({p.Ho * p.Wo, in_h * in_w});
    C.fill(T(0));
    const std::size_t taps = kh * kw, L = p.Ho * p.Wo;
    const std::size_t ncols = p.cols();
    detail::for_each_run(p, geom, [&](std::size_t row, std::size_t column, std::size_t pix, std::size_t n) {
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t col = row * ncols + column;
            const std::size_t tap = (col + j) / L,
                              out = (col + j) % L;  // im2col's row is the tap, its column the output
            C(out, pix + j * geom.stride) = kernel.data()[tap % taps];
        }
    });
    return C;
}

#define AUTOGRAD_INSTANTIATE(T)                                                                              \
    template BasicTensor<T> im2col(const BasicTensor<T>&, std::size_t, std::size_t, const ConvGeometry&);    \
    template BasicTensor<T> col2im(const BasicTensor<T>&, const Shape&, std::size_t, std::size_t,            \
                                   const ConvGeometry&);                                                     \
    template xt::xarray<T> conv_matrix(const xt::xarray<T>&, std::size_t, std::size_t, const ConvGeometry&); \
    template void detail::im2col_into(const T*, const detail::Patches&, const ConvGeometry&, T*);            \
    template void detail::col2im_add(const T*, const detail::Patches&, const ConvGeometry&, T*);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
