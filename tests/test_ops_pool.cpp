// ops_pool.cpp: max and average pooling, nearest and bilinear upsampling: values as PyTorch gives
// them, ties, gradchecks in float64, errors.
#include "check.hpp"

using namespace autograd;

TEST_CASE("pooling: values, gradients, ties") {
    Generator gen(123);
    const Tensor64 x(xt::xarray<double>{{{{1, 2, 5, 0}, {3, 4, 1, 1}, {0, 0, 2, 2}, {7, 0, 2, 9}}}});  // (1, 1, 4, 4)
    check_close(max_pool2d(x, 2).value(), xt::xarray<double>{{{{4, 5}, {7, 9}}}});
    check_close(avg_pool2d(x, 2).value(), xt::xarray<double>{{{{2.5, 1.75}, {1.75, 3.75}}}});
    check_close(max_pool2d(x, 3, 1).value(), xt::xarray<double>{{{{5, 5}, {7, 9}}}});
    const V in{rnd(gen, {2, 3, 6, 5})};  // random values: no ties
    CHECK_GRADCHECK([](const V& v) { return max_pool2d(v[0], 2); }, in);
    CHECK_GRADCHECK([](const V& v) { return max_pool2d(v[0], 3, 2); }, in);
    CHECK_GRADCHECK([](const V& v) { return avg_pool2d(v[0], 2, 1); }, in);
    Tensor64 tie(xt::xarray<double>{{{{1, 1}, {0, 0}}}}, true);
    sum(max_pool2d(tie, 2)).backward();
    check_close(tie.grad().value(), xt::xarray<double>{{{{0.5, 0.5}, {0, 0}}}});
}

TEST_CASE("upsampling: nearest and bilinear values as PyTorch gives them, gradients") {
    Generator gen(124);
    const Tensor64 x(xt::xarray<double>{{{{1, 2}, {3, 4}}}});
    check_close(upsample_nearest2d(x, 2).value(),
                xt::xarray<double>{{{{1, 1, 2, 2}, {1, 1, 2, 2}, {3, 3, 4, 4}, {3, 3, 4, 4}}}});
    // torch.nn.functional.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)
    check_close(upsample_bilinear2d(x, 2).value(),
                xt::xarray<double>{
                    {{{1.0, 1.25, 1.75, 2.0}, {1.5, 1.75, 2.25, 2.5}, {2.5, 2.75, 3.25, 3.5}, {3.0, 3.25, 3.75, 4.0}}}},
                1e-12);
    const V in{rnd(gen, {2, 2, 3, 4})};
    CHECK_GRADCHECK([](const V& v) { return upsample_nearest2d(v[0], 3); }, in);
    CHECK_GRADGRADCHECK([](const V& v) { return upsample_nearest2d(v[0], 2) * upsample_nearest2d(v[0], 2); }, in);
    CHECK_GRADCHECK([](const V& v) { return upsample_bilinear2d(v[0], 2); }, in);
}

TEST_CASE("output shapes follow PyTorch's formulas") {
    CHECK(max_pool2d(zeros<double>({2, 3, 7, 7}), 2).shape() == Shape{2, 3, 3, 3});
    CHECK(avg_pool2d(zeros<double>({2, 3, 7, 7}), 3, 2).shape() == Shape{2, 3, 3, 3});
    CHECK(upsample_nearest2d(zeros<double>({2, 3, 7, 5}), 2).shape() == Shape{2, 3, 14, 10});
    CHECK(upsample_bilinear2d(zeros<double>({1, 1, 2, 3}), 4).shape() == Shape{1, 1, 8, 12});
}

TEST_CASE("errors name the op and the shapes") {
    CHECK_THROWS_CONTAINING(max_pool2d(zeros({1, 1, 2, 2}), 3), "max_pool2d", "kernel of size 3");
    CHECK_THROWS_CONTAINING(avg_pool2d(zeros({4, 4}), 2), "avg_pool2d", "(4, 4)");
    CHECK_THROWS_CONTAINING(upsample_nearest2d(zeros({2, 2}), 2), "upsample_nearest2d", "(2, 2)");
    CHECK_THROWS_CONTAINING(upsample_bilinear2d(zeros({1, 1, 2, 2}), 0), "upsample_bilinear2d", "factor");
}

TEST_CASE("upsampling to a shape that overflows is a ShapeError naming the op and the shape") {
    const Tensor x = ones({1, 1, 2, 2});
    const std::size_t f = std::size_t{1} << 33;  // (1, 1, 2^34, 2^34): 2^68 elements
    CHECK_SHAPE_ERROR(
        upsample_nearest2d(x, f),
        "upsample_nearest2d: shape (1, 1, 17179869184, 17179869184) has more elements than fit in memory");
    CHECK_SHAPE_ERROR(upsample_bilinear2d(x, f), "upsample_bilinear2d: shape (1, 1, 17179869184, 17179869184)");
    CHECK_SHAPE_ERROR(upsample_nearest2d(x, std::size_t{1} << 62),
                      "upsample_nearest2d: the upsampled height overflows (2 x 4611686018427387904 > 2^63 - 1)");
}
