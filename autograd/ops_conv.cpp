// ops_conv.cpp: conv2d and conv_transpose2d, each one matrix product around im2col or col2im
// (im2col.cpp), so that their backward comes from those of matmul, im2col and col2im.
#include "autograd/conv.hpp"
#include "autograd/op_helpers.hpp"

namespace autograd {

using detail::check_defined;

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
    const std::size_t O = ws[0], Ho = conv_output_size("conv2d", xs[2], ws[2], geom),
                      Wo = conv_output_size("conv2d", xs[3], ws[3], geom);
    const BasicTensor<T> cols = im2col(x, ws[2], ws[3], geom);                         // (C kh kw, N Ho Wo)
    const BasicTensor<T> y = matmul(reshape(w, {O, ws[1] * ws[2] * ws[3]}), cols);     // (O, N Ho Wo)
    const BasicTensor<T> out = permute(reshape(y, {O, xs[0], Ho, Wo}), {1, 0, 2, 3});  // (N, O, Ho, Wo)
    return add_channel_bias(out, b);
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
    if (geom.stride == 0 || geom.dilation == 0)
        shape_error("conv_transpose2d",
                    fmt::format("stride ({}) and dilation ({}) must be positive", geom.stride, geom.dilation));
    if (geom.output_padding >= geom.stride)
        shape_error("conv_transpose2d", fmt::format("output_padding {} must be smaller than the stride ({})",
                                                    geom.output_padding, geom.stride));
    check_bias("conv_transpose2d", b, ws[1]);
    // Ho = (H - 1) s - 2p + d (k - 1) + op + 1, computed without going below zero.
    auto out_size = [&](std::size_t in, std::size_t k) {
        const std::size_t grow = (in - 1) * geom.stride + geom.dilation * (k - 1) + geom.output_padding + 1;
        if (in == 0 || grow <= 2 * geom.padding)
            shape_error("conv_transpose2d",
                        fmt::format("input {} with kernel {}x{}, stride {}, padding {} gives an empty output",
                                    shape_str(xs), ws[2], ws[3], geom.stride, geom.padding));
        return grow - 2 * geom.padding;
    };
    const Shape image{xs[0], ws[1], out_size(xs[2], ws[2]), out_size(xs[3], ws[3])};              // (N, Cout, Ho, Wo)
    const BasicTensor<T> xm = reshape(permute(x, {1, 0, 2, 3}), {xs[1], xs[0] * xs[2] * xs[3]});  // (Cin, N H W)
    const BasicTensor<T> cols =
        gemm(reshape(w, {ws[0], ws[1] * ws[2] * ws[3]}), xm, true, false);  // (Cout kh kw, N H W)
    return add_channel_bias(col2im(cols, image, ws[2], ws[3], geom), b);
}

#define AUTOGRAD_INSTANTIATE(T)                                                                                   \
    template BasicTensor<T> conv2d(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&,           \
                                   const ConvGeometry&);                                                          \
    template BasicTensor<T> conv_transpose2d(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&, \
                                             const ConvGeometry&);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)

}  // namespace autograd
