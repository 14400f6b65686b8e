// ops_conv.cpp: conv2d against its six-loop definition, conv_transpose2d, output sizes as PyTorch
// documents them, gradchecks in float64 (first and second order), errors.
#include <xtensor/xview.hpp>

#include "check.hpp"

using namespace autograd;

namespace {
// conv2d by its definition, six loops deep: the reference the fast path is checked against.
xt::xarray<double> conv_reference(const xt::xarray<double>& x, const xt::xarray<double>& w, const ConvGeometry& geom) {
    const std::size_t N = x.shape()[0], C = x.shape()[1], H = x.shape()[2], W = x.shape()[3];
    const std::size_t O = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3];
    const std::size_t Ho = conv_output_size("ref", H, kh, geom), Wo = conv_output_size("ref", W, kw, geom);
    xt::xarray<double> y = xt::zeros<double>({N, O, Ho, Wo});
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t o = 0; o < O; ++o)
            for (std::size_t i = 0; i < Ho; ++i)
                for (std::size_t j = 0; j < Wo; ++j)
                    for (std::size_t c = 0; c < C; ++c)
                        for (std::size_t a = 0; a < kh; ++a)
                            for (std::size_t b = 0; b < kw; ++b) {
                                const long h = long(i * geom.stride + a * geom.dilation) - long(geom.padding);
                                const long v = long(j * geom.stride + b * geom.dilation) - long(geom.padding);
                                if (h >= 0 && h < long(H) && v >= 0 && v < long(W))
                                    y(n, o, i, j) += x(n, c, std::size_t(h), std::size_t(v)) * w(o, c, a, b);
                            }
    return y;
}

const std::vector<ConvGeometry> geometries{{1, 0, 1}, {2, 1, 1}, {1, 2, 2}, {3, 1, 1}, {2, 0, 2}};
}  // namespace

TEST_CASE("conv2d equals the six-loop definition for several stride / padding / dilation, odd sizes") {
    Generator gen(117);
    for (const ConvGeometry& geom : geometries) {
        CAPTURE(geom.stride);
        CAPTURE(geom.padding);
        CAPTURE(geom.dilation);
        const Tensor64 x = rnd(gen, {2, 3, 7, 6}), w = rnd(gen, {4, 3, 3, 2}), b = rnd(gen, {4});
        const xt::xarray<double> expected = conv_reference(x.value(), w.value(), geom);
        check_close(conv2d(x, w, {}, geom).value(), expected, 1e-12);
        const xt::xarray<double> with_bias = conv2d(x, w, b, geom).value();
        CHECK(with_bias(1, 2, 0, 0) == doctest::Approx(expected(1, 2, 0, 0) + b.value()(2)));
    }
}

TEST_CASE("conv2d gradchecks in float64, first and second order") {
    Generator gen(118);
    for (const ConvGeometry& geom : geometries) {
        CAPTURE(geom.stride);
        CAPTURE(geom.padding);
        CAPTURE(geom.dilation);
        const V in{rnd(gen, {2, 2, 5, 7}), rnd(gen, {3, 2, 3, 2}), rnd(gen, {3})};
        CHECK_GRADCHECK([geom](const V& v) { return conv2d(v[0], v[1], v[2], geom); }, in);
    }
    const V in{rnd(gen, {1, 2, 4, 5}), rnd(gen, {2, 2, 2, 3})};
    CHECK_GRADGRADCHECK([](const V& v) { return conv2d(v[0], v[1], {}, ConvGeometry{2, 1, 1}); }, in);
}

TEST_CASE("conv_transpose2d gradchecks with stride, padding, output_padding and dilation") {
    Generator gen(119);
    // {stride, padding, dilation, output_padding}
    for (const ConvGeometry& geom :
         std::vector<ConvGeometry>{{1, 0, 1, 0}, {2, 1, 1, 1}, {2, 0, 1, 0}, {3, 1, 2, 2}, {1, 1, 2, 0}}) {
        CAPTURE(geom.stride);
        CAPTURE(geom.padding);
        CAPTURE(geom.dilation);
        CAPTURE(geom.output_padding);
        const V in{rnd(gen, {2, 3, 4, 3}), rnd(gen, {3, 2, 3, 3}), rnd(gen, {2})};
        CHECK_GRADCHECK([geom](const V& v) { return conv_transpose2d(v[0], v[1], v[2], geom); }, in);
    }
    const V in{rnd(gen, {1, 2, 3, 3}), rnd(gen, {2, 2, 3, 3})};
    CHECK_GRADGRADCHECK([](const V& v) { return conv_transpose2d(v[0], v[1], {}, ConvGeometry{2, 1, 1, 1}); }, in);
}

TEST_CASE("output shapes follow PyTorch's formulas") {
    // Values from the formulas in PyTorch's Conv2d and ConvTranspose2d documentation.
    CHECK(conv2d(zeros<double>({1, 1, 28, 28}), zeros<double>({16, 1, 3, 3}), {}, {2, 1, 1}).shape() ==
          Shape{1, 16, 14, 14});
    CHECK(conv2d(zeros<double>({1, 16, 14, 14}), zeros<double>({32, 16, 3, 3}), {}, {2, 1, 1}).shape() ==
          Shape{1, 32, 7, 7});
    CHECK(conv2d(zeros<double>({2, 1, 10, 9}), zeros<double>({1, 1, 3, 3}), {}, {1, 0, 3}).shape() ==
          Shape{2, 1, 4, 3});
    CHECK(conv_transpose2d(zeros<double>({1, 32, 7, 7}), zeros<double>({32, 16, 3, 3}), {}, {2, 1, 1, 1}).shape() ==
          Shape{1, 16, 14, 14});
    CHECK(conv_transpose2d(zeros<double>({1, 16, 14, 14}), zeros<double>({16, 1, 3, 3}), {}, {2, 1, 1, 1}).shape() ==
          Shape{1, 1, 28, 28});
    // DCGAN's generator: 4x4 kernels, stride 2, padding 1 double the size.
    CHECK(conv_transpose2d(zeros<double>({1, 8, 4, 4}), zeros<double>({8, 4, 4, 4}), {}, {2, 1, 1}).shape() ==
          Shape{1, 4, 8, 8});
    // One geometry describes a convolution and its transpose: conv2d does not read output_padding.
    CHECK(conv2d(zeros<double>({1, 1, 28, 28}), zeros<double>({16, 1, 3, 3}), {}, {2, 1, 1, 1}).shape() ==
          Shape{1, 16, 14, 14});
}

TEST_CASE("float32 convolution matches float64") {
    Generator gen(120);
    const Tensor64 x = rnd(gen, {2, 3, 9, 9}), w = rnd(gen, {5, 3, 3, 3});
    const xt::xarray<double> y64 = conv2d(x, w, {}, {2, 1, 1}).value();
    const xt::xarray<float> y32 = conv2d(to_float(x), to_float(w), {}, {2, 1, 1}).value();
    check_close(y32, y64, 1e-4);
}

TEST_CASE("errors name the op and the shapes") {
    CHECK_THROWS_CONTAINING(conv2d(zeros({1, 1, 2, 2}), zeros({1, 1, 5, 5}), {}, {1, 1, 1}), "conv2d",
                            "kernel of size 5", "larger than the padded input (2 + 2 x 1)");
    CHECK_THROWS_CONTAINING(conv2d(zeros({1, 3, 8, 8}), zeros({4, 2, 3, 3})), "conv2d", "(1, 3, 8, 8)", "3 channels",
                            "(4, 2, 3, 3)");
    CHECK_THROWS_CONTAINING(conv2d(zeros({3, 8, 8}), zeros({4, 3, 3, 3})), "conv2d", "(3, 8, 8)");
    CHECK_THROWS_CONTAINING(conv2d(zeros({1, 3, 8, 8}), zeros({4, 3, 3, 3}), zeros({3})), "conv2d",
                            "bias of shape (3,)");
    CHECK_THROWS_CONTAINING(conv2d(zeros({1, 1, 8, 8}), zeros({1, 1, 3, 3}), {}, {0, 0, 1}), "conv2d", "stride (0)");
    CHECK_THROWS_CONTAINING(conv_transpose2d(zeros({1, 2, 1, 1}), zeros({2, 1, 1, 1}), {}, {1, 1, 1}),
                            "conv_transpose2d", "empty output");
    CHECK_THROWS_CONTAINING(conv_transpose2d(zeros({1, 2, 3, 3}), zeros({3, 1, 3, 3})), "conv_transpose2d",
                            "2 channels");
    CHECK_THROWS_CONTAINING(conv_transpose2d(zeros({1, 2, 3, 3}), zeros({2, 1, 3, 3}), {}, {2, 0, 1, 2}),
                            "conv_transpose2d", "output_padding 2", "stride (2)");
    CHECK_THROWS_CONTAINING(conv_transpose2d(zeros({1, 2, 3, 3}), zeros({2, 1, 3, 3}), {}, {1, 0, 2, 1}),
                            "conv_transpose2d", "output_padding 1", "stride (1)");
}

TEST_CASE("conv2d_weight is conv2d's weight gradient; it gradchecks, first and second order") {
    Generator gen(150);
    for (const ConvGeometry& geom : geometries) {
        CAPTURE(geom.stride);
        CAPTURE(geom.padding);
        CAPTURE(geom.dilation);
        Tensor64 w(rnd(gen, {3, 2, 3, 2}).value(), true);
        const Tensor64 x = rnd(gen, {2, 2, 7, 6});
        const Tensor64 y = conv2d(x, w, {}, geom);
        const Tensor64 g = rnd(gen, y.shape());
        y.backward(g);
        check_close(conv2d_weight(x, g, 3, 2, geom).value(), w.grad().value(), 1e-12);
        CHECK_GRADCHECK([geom](const V& v) { return conv2d_weight(v[0], v[1], 3, 2, geom); }, V{x, g});
    }
    const Tensor64 x = rnd(gen, {2, 2, 5, 5});
    CHECK_GRADGRADCHECK(
        [](const V& v) {
            return conv2d_weight(v[0], v[1], 3, 3, ConvGeometry{2, 1, 1});
        },
        V{x, rnd(gen, {2, 3, 3, 3})});
    CHECK_THROWS_CONTAINING(conv2d_weight(zeros({2, 1, 6, 6}), zeros({2, 3, 5, 5}), 3, 3), "conv2d_weight",
                            "(2, 3, 5, 5)", "4x4 output");
}

TEST_CASE("stride 1: the convolution, its transpose and its weight gradient are adjoint, for every padding") {
    // At stride 1 each op either reads the padded image in place or goes through the column matrix,
    // by its channel counts (ops_conv.cpp): C -> O = 2 -> 4 takes the column matrix in all three ops;
    // 8 -> 1 reads in place in all three; 4 -> 4 in conv2d and conv_transpose2d only. The transposed
    // convolution also falls back to col2im when p > d (k - 1) (here p = 3 and 4 with a 3x2 kernel).
    // Whichever path, the three must be one linear map and its two adjoints:
    // <conv2d(x, w), u> = <x, conv_transpose2d(u, w)> = <w, conv2d_weight(x, u)>.
    Generator gen(153);
    for (const auto& [C, O] : std::vector<std::pair<std::size_t, std::size_t>>{{2, 4}, {8, 1}, {4, 4}})
        for (const ConvGeometry& geom :
             std::vector<ConvGeometry>{{1, 0, 1}, {1, 1, 1}, {1, 2, 2}, {1, 3, 1}, {1, 4, 1}}) {
            CAPTURE(C);
            CAPTURE(O);
            CAPTURE(geom.padding);
            CAPTURE(geom.dilation);
            const Tensor64 x = rnd(gen, {3, C, 7, 6}), w = rnd(gen, {O, C, 3, 2});
            const xt::xarray<double> y = conv2d(x, w, {}, geom).value();
            check_close(y, conv_reference(x.value(), w.value(), geom), 1e-12);
            const Tensor64 u = rnd(gen, y.shape());
            const double yu = xt::sum(y * u.value())();
            const xt::xarray<double> xt_u = conv_transpose2d(u, w, {}, geom).value();
            REQUIRE(xt_u.shape() == x.value().shape());
            CHECK(double(xt::sum(x.value() * xt_u)()) == doctest::Approx(yu).epsilon(1e-12));
            CHECK(double(xt::sum(w.value() * conv2d_weight(x, u, 3, 2, geom).value())()) ==
                  doctest::Approx(yu).epsilon(1e-12));
            CHECK_GRADCHECK([geom](const V& v) { return conv_transpose2d(v[0], v[1], v[2], geom); },
                            V{u, rnd(gen, {O, C, 3, 2}), rnd(gen, {C})});
        }
}

TEST_CASE("a batch larger than the workspace is worked in chunks, with the same values as one piece") {
    // 4 channels of 12x12 under a 3x3 kernel: an image's column matrix is 36 x 144 doubles
    // (41 KB), so the 1 MiB workspace takes 25 images at a time, and 60 images make chunks of 25,
    // 25 and 10 (the last one smaller, with its padding laid out anew).
    Generator gen(151);
    const ConvGeometry same{1, 1, 1};
    const Tensor64 x = rnd(gen, {60, 4, 12, 12}), w = rnd(gen, {5, 4, 3, 3}), b = rnd(gen, {5});
    const Tensor64 y = conv2d(x, w, b, same);
    const xt::xarray<double> expected = conv_reference(x.value(), w.value(), same);
    const std::vector<std::size_t> edges{0, 24, 25, 49, 50, 59};  // the first and last image of every chunk
    for (std::size_t n : edges) {
        CAPTURE(n);
        for (std::size_t o = 0; o < 5; ++o)
            for (std::size_t i : {0, 6, 11})
                for (std::size_t j : {0, 5, 11})
                    CHECK(y.value()(n, o, i, j) == doctest::Approx(expected(n, o, i, j) + b.value()(o)).epsilon(1e-12));
    }
    // The transposed convolution and the weight gradient, chunked, against the images one at a time.
    const Tensor64 g = rnd(gen, y.shape());
    const xt::xarray<double> dx = conv_transpose2d(g, w, {}, same).value(),
                             dw = conv2d_weight(x, g, 3, 3, same).value();
    xt::xarray<double> dw_sum = xt::zeros<double>(dw.shape());
    for (std::size_t n = 0; n < 60; ++n) {
        const Tensor64 xn = narrow(x, 0, n, 1), gn = narrow(g, 0, n, 1);
        dw_sum += conv2d_weight(xn, gn, 3, 3, same).value();
        if (std::find(edges.begin(), edges.end(), n) != edges.end()) {
            CAPTURE(n);
            check_close(xt::xarray<double>(xt::view(dx, xt::range(n, n + 1))),
                        conv_transpose2d(gn, w, {}, same).value(), 1e-12);
        }
    }
    check_close(dw, dw_sum, 1e-9);
}

TEST_CASE("narrow layers (one to three channels on one side): values and gradients") {
    // conv2d and conv2d_weight with O = 1, 2 and 3; conv_transpose2d with Cin = 1, 2 and 3: the
    // shapes of the decoders' last layers, where the products are thinnest.
    Generator gen(152);
    for (std::size_t thin : {1, 2, 3}) {
        for (const ConvGeometry& geom : geometries) {
            CAPTURE(thin);
            CAPTURE(geom.stride);
            CAPTURE(geom.padding);
            CAPTURE(geom.dilation);
            const Tensor64 x = rnd(gen, {2, 3, 7, 6}), w = rnd(gen, {thin, 3, 3, 2}), b = rnd(gen, {thin});
            const xt::xarray<double> expected = conv_reference(x.value(), w.value(), geom);
            const xt::xarray<double> y = conv2d(x, w, b, geom).value();
            CHECK(y(1, thin - 1, 0, 1) == doctest::Approx(expected(1, thin - 1, 0, 1) + b.value()(thin - 1)));
            check_close(conv2d(x, w, {}, geom).value(), expected, 1e-12);
            CHECK_GRADCHECK([geom](const V& v) { return conv2d(v[0], v[1], v[2], geom); }, V{x, w, b});
            const Tensor64 g = rnd(gen, {2, thin, expected.shape()[2], expected.shape()[3]});
            CHECK_GRADCHECK([geom](const V& v) { return conv2d_weight(v[0], v[1], 3, 2, geom); }, V{x, g});
            // The transposed convolution from `thin` channels: the input gradient of conv2d.
            Tensor64 xg(xt::xarray<double>(x.value()), true);
            conv2d(xg, w, {}, geom).backward(g);
            const std::size_t op = (7 + 2 * geom.padding - geom.dilation * 2 - 1) % geom.stride;
            const std::size_t op_w = (6 + 2 * geom.padding - geom.dilation * 1 - 1) % geom.stride;
            if (op == op_w) {
                ConvGeometry back = geom;
                back.output_padding = op;
                check_close(conv_transpose2d(g, w, {}, back).value(), xg.grad().value(), 1e-12);
                CHECK_GRADCHECK([back](const V& v) { return conv_transpose2d(v[0], v[1], v[2], back); },
                                V{g, w, rnd(gen, {3})});
            }
        }
        const Tensor64 x = rnd(gen, {1, 2, 5, 5}), w = rnd(gen, {thin, 2, 3, 3});
        CHECK_GRADGRADCHECK([](const V& v) { return conv2d(v[0], v[1], {}, ConvGeometry{2, 1, 1}); }, V{x, w});
        CHECK_GRADGRADCHECK(
            [](const V& v) {
                return conv_transpose2d(v[0], v[1], {}, ConvGeometry{2, 1, 1, 1});
            },
            V{rnd(gen, {1, thin, 3, 3}), rnd(gen, {thin, 2, 3, 3})});
    }
}

TEST_CASE("conv2d and conv_transpose2d: sizes that overflow are a ShapeError naming the op and the sizes") {
    const Tensor x = ones({1, 1, 5, 5}), w = ones({1, 1, 3, 3});
    ConvGeometry geom;
    geom.padding = std::size_t{1} << 62;  // 5 + 2 x 2^62 is past 2^63 - 1
    CHECK_SHAPE_ERROR(conv2d(x, w, {}, geom),
                      "conv2d: the padding on both sides overflows (2 x 4611686018427387904 > 2^63 - 1)");
    geom.padding = std::size_t{1} << 61;  // each side fits, the (1, 1, 2^62 + 3, 2^62 + 3) output does not
    CHECK_SHAPE_ERROR(conv2d(x, w, {}, geom), "conv2d: shape (1, 1, 4611686018427387907, 4611686018427387907)");
    geom.padding = 0;
    geom.dilation = std::size_t{1} << 62;  // the dilated kernel, 2^62 x 2 + 1
    CHECK_SHAPE_ERROR(conv2d(x, w, {}, geom), "conv2d: the dilated kernel overflows (4611686018427387904 x 2");
    // With 4 channels and stride 1, conv2d reads padded images in place: one here would be
    // (2^40 + 1) x (2^40 + 1) pixels, although the output is 1 x 1.
    ConvGeometry wide;
    wide.dilation = std::size_t{1} << 40;
    wide.padding = std::size_t{1} << 39;
    CHECK_SHAPE_ERROR(conv2d(ones({1, 4, 1, 1}), ones({1, 4, 2, 2}), {}, wide), "conv2d: the padded image overflows");

    // conv2d_weight takes the kernel size as arguments: a (1, 1, 2^41, 2^41) weight does not fit.
    ConvGeometry padded;
    padded.padding = std::size_t{1} << 40;
    const std::size_t k = std::size_t{1} << 41;
    CHECK_SHAPE_ERROR(conv2d_weight(ones({1, 1, 1, 1}), ones({1, 1, 2, 2}), k, k, padded),
                      "conv2d_weight: shape (1, 1, 2199023255552, 2199023255552)");

    ConvGeometry strided;
    strided.stride = std::size_t{1} << 62;  // (3 - 1) x 2^62
    CHECK_SHAPE_ERROR(conv_transpose2d(ones({1, 1, 3, 3}), ones({1, 1, 2, 2}), {}, strided),
                      "conv_transpose2d: the strided input overflows (2 x 4611686018427387904 > 2^63 - 1)");
    strided.stride = std::size_t{1} << 31;  // each side fits, the output does not
    CHECK_SHAPE_ERROR(conv_transpose2d(ones({1, 1, 3, 3}), ones({1, 1, 2, 2}), {}, strided),
                      "conv_transpose2d: shape (1, 1, 4294967298, 4294967298)");
    CHECK_SHAPE_ERROR(conv_transpose2d(ones({1, 1, 3, 3}), ones({1, 1, 0, 2})),
                      "conv_transpose2d: stride (1), dilation (1) and kernel size (0x2) must be positive");
}
