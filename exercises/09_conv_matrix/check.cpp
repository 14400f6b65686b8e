// check.cpp (exercise 09): grades ex09::conv_matrix. Kernels, sizes and values come from the
// grader's seed. The expected matrix is computed here without the student's index arithmetic:
// column p of C is conv2d of the image that is 1 at pixel p and 0 elsewhere (the library's own
// op); C x and C^T y are compared with conv2d(x) and conv_transpose2d(y) themselves.
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Tensor64;
using Array = xt::xarray<double>;

namespace {

// One convolution to check: a kernel (kh, kw) on an H x W input.
struct Case {
    Array kernel;
    std::size_t H, W, stride, padding;
    std::size_t kh() const { return kernel.shape()[0]; }
    std::size_t kw() const { return kernel.shape()[1]; }
    std::size_t Ho() const { return (H + 2 * padding - kh()) / stride + 1; }
    std::size_t Wo() const { return (W + 2 * padding - kw()) / stride + 1; }
    autograd::ConvGeometry geometry() const {
        autograd::ConvGeometry g;
        g.stride = stride;
        g.padding = padding;
        // The rows the floor dropped, given back so that conv_transpose2d returns H x W (the
        // cases are drawn so that both axes need the same number).
        g.output_padding = (H + 2 * padding - kh()) % stride;
        return g;
    }
    std::string text() const {
        return fmt::format("a {}x{} kernel on a {}x{} input, stride {}, padding {}", kh(), kw(), H, W, stride, padding);
    }
};

// A (rows, cols) plane as a one-image, one-channel tensor (1, 1, rows, cols).
Tensor64 image(const Array& plane) {
    return Tensor64(
        Array(xt::reshape_view(plane, {std::size_t{1}, std::size_t{1}, plane.shape()[0], plane.shape()[1]})));
}

// conv2d of an H x W plane with the case's kernel and geometry, flattened to (Ho Wo,).
Array conv_flat(const Case& k, const Array& kernel, const Array& plane) {
    const Tensor64 out = autograd::conv2d(image(plane), image(kernel), {}, k.geometry());
    return xt::flatten(out.value());
}

// C by columns: column p is conv2d of the image that is 1 at pixel p (row-major) and 0 elsewhere.
Array reference_matrix(const Case& k, const Array& kernel) {
    Array C = xt::zeros<double>({k.Ho() * k.Wo(), k.H * k.W});
    for (std::size_t p = 0; p < k.H * k.W; ++p) {
        Array e = xt::zeros<double>({k.H, k.W});
        e.data()[p] = 1.0;
        xt::view(C, xt::all(), p) = conv_flat(k, kernel, e);
    }
    return C;
}

// ---- the usual mistakes, as matrices, to name the one a wrong C made ----------------------------
// True convolution: the kernel turned by 180 degrees.
Array flipped_matrix(const Case& k) { return reference_matrix(k, xt::flip(xt::flip(k.kernel, 0), 1)); }
// Padding forgotten in where a tap lands (input row i s + a instead of i s + a - p): C of the
// input padded by 2p at the bottom and right only, its columns for the image's own pixels.
Array unshifted_padding_matrix(const Case& k) {
    Array C = xt::zeros<double>({k.Ho() * k.Wo(), k.H * k.W});
    for (std::size_t i = 0; i < k.Ho(); ++i)
        for (std::size_t j = 0; j < k.Wo(); ++j)
            for (std::size_t a = 0; a < k.kh(); ++a)
                for (std::size_t b = 0; b < k.kw(); ++b) {
                    const std::size_t r = i * k.stride + a, c = j * k.stride + b;
                    if (r < k.H && c < k.W) C(i * k.Wo() + j, r * k.W + c) = k.kernel(a, b);
                }
    return C;
}
// The input flattened column by column: pixel (r, c) at column c H + r instead of r W + c.
Array column_major_matrix(const Case& k, const Array& C) {
    Array out = xt::zeros<double>(C.shape());
    for (std::size_t r = 0; r < k.H; ++r)
        for (std::size_t c = 0; c < k.W; ++c)
            xt::view(out, xt::all(), c * k.H + r) = xt::view(C, xt::all(), r * k.W + c);
    return out;
}

// A small kernel as its rows: "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]".
std::string kernel_text(const Array& k) {
    std::string out = "[";
    for (std::size_t a = 0; a < k.shape()[0]; ++a) {
        out += a ? ", [" : "[";
        for (std::size_t b = 0; b < k.shape()[1]; ++b) out += fmt::format("{}{:g}", b ? ", " : "", k(a, b));
        out += "]";
    }
    return out + "]";
}

bool same(const Array& a, const Array& b) {
    return a.shape() == b.shape() && xt::allclose(a, b, /*rtol=*/1e-12, /*atol=*/1e-12);
}

// ---- hints -------------------------------------------------------------------------------------
const char* const kSizeHint =
    "each axis: Ho = floor((H + 2p - kh) / s) + 1 and Wo = floor((W + 2p - kw) / s) + 1, and C is "
    "(Ho Wo, H W): one row per output pixel, one column per input pixel";
const char* const kCeilHint =
    "the output size rounds down: Ho = floor((H + 2p - kh) / s) + 1 (integer division of size_t does it); with "
    "ceil the last window would hang over the padded input";
const char* const kPlusOneHint =
    "the output size counts the places the window stops at, the first one included: Ho = floor((H + 2p - kh) / s) "
    "+ 1; without the + 1 it counts the steps between them";
const char* const kPaddingSizeHint =
    "padding adds p zeros on both sides of each axis: Ho = floor((H + 2p - kh) / s) + 1, with the 2p";
const char* const kFlipHint =
    "conv2d is a cross-correlation (as in PyTorch): output (i, j) = sum_ab k(a, b) x(i s + a - p, j s + b - p), "
    "the kernel laid on the input as it is, not turned by 180 degrees. C holds kernel(a, b) for tap (a, b), not "
    "kernel(kh - 1 - a, kw - 1 - b)";
const char* const kPaddingHint =
    "padding moves every tap up and left by p: tap (a, b) of output (i, j) lands on input pixel "
    "(i s + a - p, j s + b - p), and when that is outside the image (on the padding) it has no column in C";
const char* const kColumnMajorHint =
    "images are flattened row by row: input pixel (r, c) is column r * width + c of C (and output pixel (i, j) "
    "row i * Wo + j), not c * height + r";
const char* const kEntryHint =
    "row (i, j) of C is output pixel (i, j), row index i Wo + j; tap (a, b) lands on input pixel "
    "(i s + a - p, j s + b - p), column index (i s + a - p) W + (j s + b - p), and C there is kernel(a, b); every "
    "other entry is 0";

const char* size_hint(const Case& k, std::size_t got_rows) {
    auto rows_if = [&](std::size_t ho, std::size_t wo) { return ho * wo == got_rows; };
    const std::size_t nh = k.H + 2 * k.padding - k.kh(), nw = k.W + 2 * k.padding - k.kw();
    if (rows_if((nh + k.stride - 1) / k.stride + 1, (nw + k.stride - 1) / k.stride + 1)) return kCeilHint;
    if (rows_if(nh / k.stride, nw / k.stride)) return kPlusOneHint;
    if (k.padding > 0 && rows_if((k.H - k.kh()) / k.stride + 1, (k.W - k.kw()) / k.stride + 1)) return kPaddingSizeHint;
    return kSizeHint;
}

// The hint for a C of the right shape and wrong entries.
const char* entry_hint(const Case& k, const Array& C) {
    if (same(C, flipped_matrix(k))) return kFlipHint;
    if (k.padding > 0 && same(C, unshifted_padding_matrix(k))) return kPaddingHint;
    if (same(C, column_major_matrix(k, reference_matrix(k, k.kernel)))) return kColumnMajorHint;
    return kEntryHint;
}

// The student's C for a case, its shape checked.
Array checked_matrix(lab::Check& c, const Case& k) {
    const Array C = ex09::conv_matrix(k.kernel, k.H, k.W, k.stride, k.padding);
    const autograd::Shape got(C.shape().begin(), C.shape().end());
    const autograd::Shape want{k.Ho() * k.Wo(), k.H * k.W};
    if (got != want)
        c.fail(fmt::format("C for {}: its shape (Ho = {}, Wo = {})", k.text(), k.Ho(), k.Wo()), lab::shape_text(want),
               lab::shape_text(got), got.size() == 2 && got[1] == want[1] ? size_hint(k, got[0]) : kSizeHint);
    return C;
}

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("09", "convolution as a matrix: C x = conv2d(x), C^T y = conv_transpose2d(y)", argc, argv,
                       /*default_seed=*/4109);
    autograd::Generator gen = grader.generator(1);

    // Slide 16's example: a 3x3 kernel on a 4x4 input, stride 1, no padding. Its weights are 1..9
    // in a hidden order, all different, so that each one can be found again in C.
    Case slide{Array::from_shape({3, 3}), 4, 4, 1, 0};
    const std::vector<std::size_t> order = gen.permutation(9);
    for (std::size_t t = 0; t < 9; ++t) slide.kernel.data()[t] = static_cast<double>(order[t] + 1);

    // Four hidden cases: stride 1 and 2, padding 0 and 1; kernels 2 or 3 on each axis, inputs not
    // square (H != W). For stride 2, H + 2p - kh is odd (the floor matters) and W's remainder
    // matches H's (one output_padding gives conv_transpose2d the input's size on both axes).
    std::vector<Case> cases;
    for (const auto& [stride, padding] :
         std::vector<std::pair<std::size_t, std::size_t>>{{1, 0}, {2, 0}, {1, 1}, {2, 1}}) {
        const std::size_t kh = 2 + gen.below(2), kw = 2 + gen.below(2);
        std::size_t H = 4 + gen.below(4);
        if (stride == 2 && (H + 2 * padding - kh) % 2 == 0) ++H;
        std::size_t W = H + 1 + gen.below(3);
        if (stride == 2 && (W + 2 * padding - kw) % 2 != (H + 2 * padding - kh) % 2) ++W;
        cases.push_back({autograd::uniform<double>({kh, kw}, -1.0, 1.0, gen).value(), H, W, stride, padding});
    }

    grader.check("slide 16: a 3x3 kernel on a 4x4 input gives a 4x16 C, entry by entry", [&](lab::Check& c) {
        const Array C = checked_matrix(c, slide);
        const Array want = reference_matrix(slide, slide.kernel);
        for (std::size_t row = 0; row < 4; ++row)
            for (std::size_t col = 0; col < 16; ++col) {
                if (C(row, col) == want(row, col)) continue;
                const std::size_t i = row / 2, j = row % 2, r = col / 4, q = col % 4;
                const bool tap = r >= i && r < i + 3 && q >= j && q < j + 3;
                c.fail(fmt::format("C[{}, {}]: output pixel ({}, {}), input pixel ({}, {}), for the kernel {}", row,
                                   col, i, j, r, q, kernel_text(slide.kernel)),
                       tap ? fmt::format("{:g} = kernel({}, {})", want(row, col), r - i, q - j)
                           : std::string("0 (the kernel does not cover that pixel)"),
                       fmt::format("{:g}", C(row, col)), entry_hint(slide, C));
            }
    });

    grader.check("C has shape (Ho Wo, H W), Ho = floor((H + 2p - kh) / s) + 1", [&](lab::Check& c) {
        for (const Case& k : cases) checked_matrix(c, k);
    });

    grader.check("C x = conv2d(x), for strides 1 and 2 and paddings 0 and 1", [&](lab::Check& c) {
        for (const Case& k : cases) {
            const Array C = checked_matrix(c, k);
            const Array x = autograd::uniform<double>({k.H, k.W}, -1.0, 1.0, gen).value();  // (H, W)
            const Array x_flat = xt::flatten(x);                                            // (H W,)
            const Array Cx = xt::linalg::dot(C, x_flat);                                    // (Ho Wo,)
            c.expect_close(fmt::format("C x for {}, against conv2d(x) ({}x{}, output pixel (i, j) at flat index "
                                       "i * {} + j)",
                                       k.text(), k.Ho(), k.Wo(), k.Wo()),
                           Cx, conv_flat(k, k.kernel, x), 1e-12, 1e-12, entry_hint(k, C));
        }
    });

    grader.check("C^T y = conv_transpose2d(y): the transposed convolution is the transpose", [&](lab::Check& c) {
        for (const Case& k : cases) {
            const Array C = checked_matrix(c, k);
            const Array y = autograd::uniform<double>({k.Ho(), k.Wo()}, -1.0, 1.0, gen).value();  // (Ho, Wo)
            const Array CTy = xt::linalg::dot(xt::transpose(C), xt::flatten(y));                  // (H W,)
            const Tensor64 back = autograd::conv_transpose2d(image(y), image(k.kernel), {}, k.geometry());
            c.expect_close(fmt::format("C^T y for {}, against conv_transpose2d(y) (output_padding {}; input pixel "
                                       "(r, c) at flat index r * {} + c)",
                                       k.text(), k.geometry().output_padding, k.W),
                           CTy, xt::flatten(back.value()), 1e-12, 1e-12, entry_hint(k, C));
        }
    });

    return grader.finish();
}
