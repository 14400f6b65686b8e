// Convolutions, pooling, upsampling, batch norm: values against direct loops and PyTorch's
// documented results, gradchecks in float64, the convolution-matrix identities, shape errors.
#include "check.hpp"

using namespace autograd;
using V = std::vector<Tensor64>;

namespace {
Generator gen(404);
Tensor64 rnd(const Shape& s) { return randn<double>(s, gen); }

// conv2d by its definition, six loops deep: the reference the fast path is checked against.
xt::xarray<double> conv_reference(const xt::xarray<double>& x, const xt::xarray<double>& w, const ConvGeometry& g) {
    const std::size_t N = x.shape()[0], C = x.shape()[1], H = x.shape()[2], W = x.shape()[3];
    const std::size_t O = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3];
    const std::size_t Ho = conv_output_size("ref", H, kh, g), Wo = conv_output_size("ref", W, kw, g);
    xt::xarray<double> y = xt::zeros<double>({N, O, Ho, Wo});
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t o = 0; o < O; ++o)
            for (std::size_t i = 0; i < Ho; ++i)
                for (std::size_t j = 0; j < Wo; ++j)
                    for (std::size_t c = 0; c < C; ++c)
                        for (std::size_t a = 0; a < kh; ++a)
                            for (std::size_t b = 0; b < kw; ++b) {
                                const long h = long(i * g.stride + a * g.dilation) - long(g.padding);
                                const long v = long(j * g.stride + b * g.dilation) - long(g.padding);
                                if (h >= 0 && h < long(H) && v >= 0 && v < long(W))
                                    y(n, o, i, j) += x(n, c, std::size_t(h), std::size_t(v)) * w(o, c, a, b);
                            }
    return y;
}

const std::vector<ConvGeometry> geometries{{1, 0, 1}, {2, 1, 1}, {1, 2, 2}, {3, 1, 1}, {2, 0, 2}};
}  // namespace

TEST_CASE("conv2d equals the six-loop definition for several stride / padding / dilation, odd sizes") {
    for (const ConvGeometry& g : geometries) {
        CAPTURE(g.stride);
        CAPTURE(g.padding);
        CAPTURE(g.dilation);
        const Tensor64 x = rnd({2, 3, 7, 6}), w = rnd({4, 3, 3, 2}), b = rnd({4});
        const xt::xarray<double> expected = conv_reference(x.value(), w.value(), g);
        check_close(conv2d(x, w, {}, g).value(), expected, 1e-12);
        const xt::xarray<double> with_bias = conv2d(x, w, b, g).value();
        CHECK(with_bias(1, 2, 0, 0) == doctest::Approx(expected(1, 2, 0, 0) + b.value()(2)));
    }
}

TEST_CASE("conv2d gradchecks in float64, first and second order") {
    for (const ConvGeometry& g : geometries) {
        CAPTURE(g.stride);
        CAPTURE(g.padding);
        CAPTURE(g.dilation);
        const V in{rnd({2, 2, 5, 7}), rnd({3, 2, 3, 2}), rnd({3})};
        CHECK_GRADCHECK([g](const V& v) { return conv2d(v[0], v[1], v[2], g); }, in);
    }
    const V in{rnd({1, 2, 4, 5}), rnd({2, 2, 2, 3})};
    CHECK_GRADGRADCHECK([](const V& v) { return conv2d(v[0], v[1], {}, ConvGeometry{2, 1, 1}); }, in);
}

TEST_CASE("conv_transpose2d gradchecks with stride, padding, output_padding and dilation") {
    // {stride, padding, dilation, output_padding}
    for (const ConvGeometry& geom :
         std::vector<ConvGeometry>{{1, 0, 1, 0}, {2, 1, 1, 1}, {2, 0, 1, 0}, {3, 1, 2, 2}, {1, 1, 2, 0}}) {
        CAPTURE(geom.stride);
        CAPTURE(geom.padding);
        CAPTURE(geom.dilation);
        CAPTURE(geom.output_padding);
        const V in{rnd({2, 3, 4, 3}), rnd({3, 2, 3, 3}), rnd({2})};
        CHECK_GRADCHECK([geom](const V& v) { return conv_transpose2d(v[0], v[1], v[2], geom); }, in);
    }
    const V in{rnd({1, 2, 3, 3}), rnd({2, 2, 3, 3})};
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
    CHECK(max_pool2d(zeros<double>({2, 3, 7, 7}), 2).shape() == Shape{2, 3, 3, 3});
    CHECK(avg_pool2d(zeros<double>({2, 3, 7, 7}), 3, 2).shape() == Shape{2, 3, 3, 3});
}

TEST_CASE(
    "the convolution matrix: conv(x) = C x, conv_transpose(y) = C^T y, and conv_transpose is conv's input gradient") {
    for (const ConvGeometry& g : std::vector<ConvGeometry>{{1, 0, 1}, {2, 1, 1}, {2, 0, 1}}) {
        CAPTURE(g.stride);
        CAPTURE(g.padding);
        const std::size_t H = 5, W = 7;  // sizes that a transposed convolution gives back exactly
        const Tensor64 kernel = rnd({1, 1, 3, 3});
        const xt::xarray<double> k2 = xt::xarray<double>(xt::reshape_view(kernel.value(), {3, 3}));
        const xt::xarray<double> C = conv_matrix(k2, H, W, g);
        const std::size_t Ho = conv_output_size("test", H, 3, g), Wo = conv_output_size("test", W, 3, g);
        REQUIRE(C.shape() == std::vector<std::size_t>{Ho * Wo, H * W});
        // conv(x) = C x
        const Tensor64 x = rnd({1, 1, H, W});
        const Tensor64 Cx = matmul(Tensor64(C), reshape(x, {H * W, 1}));
        check_close(conv2d(x, kernel, {}, g).value(), reshape(Cx, {1, 1, Ho, Wo}).value(), 1e-12);
        // conv_transpose(y) = C^T y, for the output_padding that gives back H x W
        ConvGeometry back = g;
        back.output_padding = H - ((Ho - 1) * g.stride - 2 * g.padding + 3);
        REQUIRE(W - ((Wo - 1) * g.stride - 2 * g.padding + 3) == back.output_padding);
        const Tensor64 y = rnd({1, 1, Ho, Wo});
        const Tensor64 Cty = matmul(transpose(Tensor64(C)), reshape(y, {Ho * Wo, 1}));
        const Tensor64 ct = conv_transpose2d(y, kernel, {}, back);
        REQUIRE(ct.shape() == Shape{1, 1, H, W});
        check_close(ct.value(), reshape(Cty, {1, 1, H, W}).value(), 1e-12);
        // and that is the gradient of conv2d with respect to its input, seeded with y
        Tensor64 xg(xt::xarray<double>(x.value()), true);
        conv2d(xg, kernel, {}, g).backward(y);
        check_close(xg.grad().value(), ct.value(), 1e-12);
    }
    // Several channels: conv_transpose2d is still the input gradient of conv2d.
    const Tensor64 w = rnd({4, 3, 3, 3});
    Tensor64 x(rnd({2, 3, 8, 8}).value(), true);
    const Tensor64 y = rnd({2, 4, 4, 4});
    conv2d(x, w, {}, {2, 1, 1}).backward(y);
    check_close(x.grad().value(), conv_transpose2d(y, w, {}, {2, 1, 1, 1}).value(), 1e-12);
}

TEST_CASE("im2col and col2im are adjoint: <im2col(x), c> = <x, col2im(c)>") {
    const ConvGeometry g{2, 1, 2};
    const Tensor64 x = rnd({2, 3, 7, 8});
    const Tensor64 cols = im2col(x, 3, 2, g);
    const Tensor64 c = rnd(cols.shape());
    const double lhs = sum(cols * c).item(), rhs = sum(x * col2im(c, x.shape(), 3, 2, g)).item();
    CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
    CHECK_GRADCHECK([g](const V& v) { return im2col(v[0], 2, 2, g); }, V{rnd({1, 2, 4, 5})});
}

TEST_CASE("pooling: values, gradients, ties") {
    const Tensor64 x(xt::xarray<double>{{{{1, 2, 5, 0}, {3, 4, 1, 1}, {0, 0, 2, 2}, {7, 0, 2, 9}}}});  // (1, 1, 4, 4)
    check_close(max_pool2d(x, 2).value(), xt::xarray<double>{{{{4, 5}, {7, 9}}}});
    check_close(avg_pool2d(x, 2).value(), xt::xarray<double>{{{{2.5, 1.75}, {1.75, 3.75}}}});
    check_close(max_pool2d(x, 3, 1).value(), xt::xarray<double>{{{{5, 5}, {7, 9}}}});
    const V in{rnd({2, 3, 6, 5})};  // random values: no ties
    CHECK_GRADCHECK([](const V& v) { return max_pool2d(v[0], 2); }, in);
    CHECK_GRADCHECK([](const V& v) { return max_pool2d(v[0], 3, 2); }, in);
    CHECK_GRADCHECK([](const V& v) { return avg_pool2d(v[0], 2, 1); }, in);
    Tensor64 tie(xt::xarray<double>{{{{1, 1}, {0, 0}}}}, true);
    sum(max_pool2d(tie, 2)).backward();
    check_close(tie.grad().value(), xt::xarray<double>{{{{0.5, 0.5}, {0, 0}}}});
}

TEST_CASE("upsampling: nearest and bilinear values as PyTorch gives them, gradients") {
    const Tensor64 x(xt::xarray<double>{{{{1, 2}, {3, 4}}}});
    check_close(upsample_nearest2d(x, 2).value(),
                xt::xarray<double>{{{{1, 1, 2, 2}, {1, 1, 2, 2}, {3, 3, 4, 4}, {3, 3, 4, 4}}}});
    // torch.nn.functional.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)
    check_close(upsample_bilinear2d(x, 2).value(),
                xt::xarray<double>{
                    {{{1.0, 1.25, 1.75, 2.0}, {1.5, 1.75, 2.25, 2.5}, {2.5, 2.75, 3.25, 3.5}, {3.0, 3.25, 3.75, 4.0}}}},
                1e-12);
    const V in{rnd({2, 2, 3, 4})};
    CHECK_GRADCHECK([](const V& v) { return upsample_nearest2d(v[0], 3); }, in);
    CHECK_GRADCHECK([](const V& v) { return upsample_bilinear2d(v[0], 2); }, in);
}

TEST_CASE("batch_norm: normalised per channel in train mode, gradchecks over (N) and (N, H, W)") {
    const Tensor64 x = rnd({6, 3, 4, 5}) * 3.0 + 2.0;
    xt::xarray<double> mu, var;
    const Tensor64 y = batch_norm(x, ones<double>({3}), zeros<double>({3}), 1e-5, &mu, &var);
    for (std::size_t c = 0; c < 3; ++c) {
        const Tensor64 yc = narrow(y, 1, c, 1);
        CHECK(mean(yc).item() == doctest::Approx(0.0).epsilon(1e-12).scale(1.0));
        CHECK(mean(square(yc)).item() == doctest::Approx(1.0).epsilon(1e-4));
        CHECK(mu(c) == doctest::Approx(mean(narrow(x, 1, c, 1)).item()));
    }
    CHECK_GRADCHECK([](const V& v) { return batch_norm(v[0], v[1], v[2]); }, V{rnd({5, 4}), rnd({4}), rnd({4})});
    CHECK_GRADCHECK([](const V& v) { return batch_norm(v[0], v[1], v[2]); }, V{rnd({3, 2, 2, 3}), rnd({2}), rnd({2})});
    CHECK_GRADGRADCHECK([](const V& v) { return batch_norm(v[0], v[1], v[2]); }, V{rnd({4, 3}), rnd({3}), rnd({3})});
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
    CHECK_THROWS_CONTAINING(max_pool2d(zeros({1, 1, 2, 2}), 3), "max_pool2d", "kernel of size 3");
    CHECK_THROWS_CONTAINING(upsample_nearest2d(zeros({2, 2}), 2), "upsample_nearest2d", "(2, 2)");
    CHECK_THROWS_CONTAINING(batch_norm(zeros({4, 3}), ones({2}), zeros({3})), "batch_norm", "gamma (2,)");
    CHECK_THROWS_CONTAINING(batch_norm(zeros({1, 3}), ones({3}), zeros({3})), "batch_norm", "more than one value");
    CHECK_THROWS_CONTAINING(col2im(zeros({5, 4}), {1, 1, 4, 4}, 2, 2, {}), "col2im", "(5, 4)", "(4, 9)");
    CHECK_THROWS_CONTAINING(conv_matrix(xt::xarray<double>{1.0, 2.0}, 4, 4), "conv_matrix", "(2,)");
}

TEST_CASE("float32 convolution matches float64") {
    const Tensor64 x = rnd({2, 3, 9, 9}), w = rnd({5, 3, 3, 3});
    const xt::xarray<double> y64 = conv2d(x, w, {}, {2, 1, 1}).value();
    const xt::xarray<float> y32 = conv2d(to_float(x), to_float(w), {}, {2, 1, 1}).value();
    check_close(y32, y64, 1e-4);
}
