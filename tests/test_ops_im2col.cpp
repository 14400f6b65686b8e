// ops_im2col.cpp: im2col and col2im are adjoint, and the convolution matrix C of Scott slides 14-18:
// conv(x) = C x, conv_transpose(y) = C^T y = the input gradient of conv.
#include <limits>

#include "autograd/detail/patches.hpp"
#include "check.hpp"

using namespace autograd;

TEST_CASE(
    "the convolution matrix: conv(x) = C x, conv_transpose(y) = C^T y, and conv_transpose is conv's input gradient") {
    Generator gen(121);
    for (const ConvGeometry& geom : std::vector<ConvGeometry>{{1, 0, 1}, {2, 1, 1}, {2, 0, 1}}) {
        CAPTURE(geom.stride);
        CAPTURE(geom.padding);
        const std::size_t H = 5, W = 7;  // sizes that a transposed convolution gives back exactly
        const Tensor64 kernel = rnd(gen, {1, 1, 3, 3});
        const xt::xarray<double> k2 = xt::xarray<double>(xt::reshape_view(kernel.value(), {3, 3}));
        const xt::xarray<double> C = conv_matrix(k2, H, W, geom);
        const std::size_t Ho = conv_output_size("test", H, 3, geom), Wo = conv_output_size("test", W, 3, geom);
        REQUIRE(C.shape() == std::vector<std::size_t>{Ho * Wo, H * W});
        // conv(x) = C x
        const Tensor64 x = rnd(gen, {1, 1, H, W});
        const Tensor64 Cx = matmul(Tensor64(C), reshape(x, {H * W, 1}));
        check_close(conv2d(x, kernel, {}, geom).value(), reshape(Cx, {1, 1, Ho, Wo}).value(), 1e-12);
        // conv_transpose(y) = C^T y, for the output_padding that gives back H x W
        ConvGeometry back = geom;
        back.output_padding = H - ((Ho - 1) * geom.stride - 2 * geom.padding + 3);
        REQUIRE(W - ((Wo - 1) * geom.stride - 2 * geom.padding + 3) == back.output_padding);
        const Tensor64 y = rnd(gen, {1, 1, Ho, Wo});
        const Tensor64 Cty = matmul(transpose(Tensor64(C)), reshape(y, {Ho * Wo, 1}));
        const Tensor64 ct = conv_transpose2d(y, kernel, {}, back);
        REQUIRE(ct.shape() == Shape{1, 1, H, W});
        check_close(ct.value(), reshape(Cty, {1, 1, H, W}).value(), 1e-12);
        // and that is the gradient of conv2d with respect to its input, seeded with y
        Tensor64 xg(xt::xarray<double>(x.value()), true);
        conv2d(xg, kernel, {}, geom).backward(y);
        check_close(xg.grad().value(), ct.value(), 1e-12);
    }
    // Several channels: conv_transpose2d is still the input gradient of conv2d.
    const Tensor64 w = rnd(gen, {4, 3, 3, 3});
    Tensor64 x(rnd(gen, {2, 3, 8, 8}).value(), true);
    const Tensor64 y = rnd(gen, {2, 4, 4, 4});
    conv2d(x, w, {}, {2, 1, 1}).backward(y);
    check_close(x.grad().value(), conv_transpose2d(y, w, {}, {2, 1, 1, 1}).value(), 1e-12);
}

TEST_CASE("im2col and col2im are adjoint: <im2col(x), c> = <x, col2im(c)>") {
    Generator gen(122);
    const ConvGeometry geom{2, 1, 2};
    const Tensor64 x = rnd(gen, {2, 3, 7, 8});
    const Tensor64 cols = im2col(x, 3, 2, geom);
    const Tensor64 c = rnd(gen, cols.shape());
    const double lhs = sum(cols * c).item(), rhs = sum(x * col2im(c, x.shape(), 3, 2, geom)).item();
    CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
    CHECK_GRADCHECK([geom](const V& v) { return im2col(v[0], 2, 2, geom); }, V{rnd(gen, {1, 2, 4, 5})});
}

TEST_CASE("im2col_into writes every entry: the taps on the padding as 0, the others from the image") {
    // The column matrix by its definition, entry by entry: row (c, a, b), column (n, i, j) holds
    // pixel (n, c, i s + a d - p, j s + b d - p), or 0 where that falls outside the image. The
    // buffer starts as NaN, so an entry im2col_into leaves unwritten cannot pass.
    Generator gen(123);
    for (const ConvGeometry& geom : std::vector<ConvGeometry>{{1, 0, 1}, {2, 1, 1}, {1, 2, 1}, {2, 1, 2}, {3, 4, 1}}) {
        CAPTURE(geom.stride);
        CAPTURE(geom.padding);
        CAPTURE(geom.dilation);
        const std::size_t N = 2, C = 2, H = 5, W = 6, kh = 3, kw = 2;
        const xt::xarray<double> x = rnd(gen, {N, C, H, W}).value();
        const detail::Patches p = detail::patches("test", {N, C, H, W}, kh, kw, geom);
        std::vector<double> cols(p.rows() * p.cols(), std::numeric_limits<double>::quiet_NaN());
        detail::im2col_into(x.data(), p, geom, cols.data());
        for (std::size_t c = 0; c < C; ++c)
            for (std::size_t a = 0; a < kh; ++a)
                for (std::size_t b = 0; b < kw; ++b)
                    for (std::size_t n = 0; n < N; ++n)
                        for (std::size_t i = 0; i < p.Ho; ++i)
                            for (std::size_t j = 0; j < p.Wo; ++j) {
                                const long h = static_cast<long>(i * geom.stride + a * geom.dilation) -
                                               static_cast<long>(geom.padding);
                                const long w = static_cast<long>(j * geom.stride + b * geom.dilation) -
                                               static_cast<long>(geom.padding);
                                const bool inside =
                                    h >= 0 && h < static_cast<long>(H) && w >= 0 && w < static_cast<long>(W);
                                const double expected = inside ? x(n, c, h, w) : 0.0;
                                const double got = cols[((c * kh + a) * kw + b) * p.cols() + (n * p.Ho + i) * p.Wo + j];
                                if (got != expected)
                                    FAIL_CHECK("entry (" << c << ", " << a << ", " << b << "; " << n << ", " << i
                                                         << ", " << j << "): expected " << expected << ", got " << got);
                            }
    }
}

TEST_CASE("errors name the op and the shapes") {
    CHECK_THROWS_CONTAINING(col2im(zeros({5, 4}), {1, 1, 4, 4}, 2, 2, {}), "col2im", "(5, 4)", "(4, 9)");
    CHECK_THROWS_CONTAINING(conv_matrix(xt::xarray<double>{1.0, 2.0}, 4, 4), "conv_matrix", "(2,)");
    CHECK_THROWS_CONTAINING(im2col(zeros({1, 1, 2, 2}), 3, 3, {}), "im2col", "kernel of size 3");
    CHECK_THROWS_CONTAINING(im2col(zeros({2, 2}), 1, 1, {}), "im2col", "(N, C, H, W)", "(2, 2)");
}
