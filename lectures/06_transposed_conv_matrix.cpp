// Lecture 06: the transposed convolution is the transpose of a matrix.
//
// Follows: Scott, Lecture 5, slides 14-18 (transposed convolutions: a 3x3 kernel over a 4x4
//          input gives a 2x2 output (15); the kernel rearranged as a sparse 4x16 matrix C (16);
//          the convolution as C times the flattened input (17); C^T times a flat 2x2 gives a
//          flat 4x4 (18)), and slide 14's question: how does a convolutional decoder upsample?
// Shows:   the matrix C of a small convolution, built from the slide's definition (and the
//          library's conv_matrix against it), printed; conv2d(x) = C x; and one 2x2 input y
//          sent back three ways that must agree: C^T y, conv_transpose2d(y, kernel), and the
//          gradient of sum(conv2d(x) * y) with respect to x. Then stride 2 with padding, where the
//          transposed convolution upsamples 2x2 to 4x4, and why that needs output_padding.
// Run:     ./lab run transposed_conv_matrix  (or build/lectures/transposed_conv_matrix [--quick] [--seed N])
// Prints:  C, the three results side by side for stride 1 and stride 2, the shapes, a check on
//          random values with its float32 rounding bound worked out, one CLAUSE line per verdict
//          clause and a last line "VERDICT: ... : HOLDS (...)"; writes
//          out/transposed_conv_matrix/C.png (C drawn as slide 16 draws it). --quick is the same
//          run (it takes milliseconds).
//
// Shapes: images are (N, C, H, W) = (1, 1, H, W): one image, one channel. x is the convolution's
// input (H, W), y a map of the convolution's output size (Ho, Wo), C is (Ho Wo, H W).

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "autograd/autograd.hpp"
#include "io/plot.hpp"
#include "lecture.hpp"

using namespace autograd;

namespace {
// A (rows, cols) array as a one-image, one-channel tensor (1, 1, rows, cols), and back.
xt::xarray<float> as_image(const xt::xarray<float>& a) {
    return xt::reshape_view(a, {std::size_t{1}, std::size_t{1}, a.shape()[0], a.shape()[1]});
}
xt::xarray<float> as_plane(const xt::xarray<float>& image) {
    return xt::reshape_view(image, {image.shape()[2], image.shape()[3]});
}

// One convolution and the three ways back through it, all as plain (rows, cols) arrays.
struct ThreeWays {
    xt::xarray<float> C;           // (Ho Wo, H W)  the convolution as a matrix, from slide 16's definition
    xt::xarray<float> C_library;   // (Ho Wo, H W)  the library's conv_matrix, for comparison
    double scale = 0;              // the largest sum of |products| behind any entry: max(|C| |x|, |C^T| |y|)
    xt::xarray<float> conv, Cx;    // (Ho, Wo)      conv2d(x), and C x reshaped
    xt::xarray<float> CTy;         // (H, W)        C^T y reshaped
    xt::xarray<float> transposed;  // conv_transpose2d(y, kernel): (H, W) when output_padding picks H, W
    xt::xarray<float> grad;        // (H, W)        d sum(conv2d(x) * y) / dx
};

// Slide 16's C, written from its definition with plain loops (nothing from the library's
// im2col or patch code): output pixel (i, j) looks at input pixel (i s + a d - p, j s + b d - p)
// through kernel weight k_ab (s the stride, p the padding, d the dilation), so row (i, j) of C holds
// k_ab in that pixel's column; taps that fall on the padding have no column and are dropped.
xt::xarray<float> conv_matrix_by_definition(const xt::xarray<float>& kernel, std::size_t H, std::size_t W,
                                            const ConvGeometry& geom) {
    const std::size_t kh = kernel.shape()[0], kw = kernel.shape()[1];
    const std::size_t Ho = conv_output_size("conv_matrix_by_definition", H, kh, geom);
    const std::size_t Wo = conv_output_size("conv_matrix_by_definition", W, kw, geom);
    xt::xarray<float> C = xt::zeros<float>({Ho * Wo, H * W});  // (Ho Wo, H W)
    const auto s = static_cast<long>(geom.stride), p = static_cast<long>(geom.padding),
               d = static_cast<long>(geom.dilation);
    for (long i = 0; i < static_cast<long>(Ho); ++i)
        for (long j = 0; j < static_cast<long>(Wo); ++j)
            for (long a = 0; a < static_cast<long>(kh); ++a)
                for (long b = 0; b < static_cast<long>(kw); ++b) {
                    const long r = i * s + a * d - p, c = j * s + b * d - p;  // the input pixel under k_ab
                    if (r < 0 || c < 0 || r >= static_cast<long>(H) || c >= static_cast<long>(W)) continue;
                    C(static_cast<std::size_t>(i) * Wo + static_cast<std::size_t>(j),
                      static_cast<std::size_t>(r) * W + static_cast<std::size_t>(c)) = kernel(a, b);
                }
    return C;
}

ThreeWays three_ways(const xt::xarray<float>& kernel, const xt::xarray<float>& x, const xt::xarray<float>& y,
                     const ConvGeometry& geom) {
    const std::size_t H = x.shape()[0], W = x.shape()[1];
    ThreeWays t;
    // The weight of a one-channel convolution: conv2d reads it as (O, C, kh, kw) = (1, 1, kh, kw),
    // conv_transpose2d as (Cin, Cout, kh, kw) = (1, 1, kh, kw). With more channels the same array
    // serves both: the transposed convolution maps conv2d's O channels back to its C channels, so
    // its Cin is conv2d's O and its Cout conv2d's C, which is why PyTorch (and ops_conv.hpp) lay out
    // a transposed convolution's weight as (Cin, Cout, kh, kw), the other way round from conv2d's.
    const Tensor w(as_image(kernel));                // (1, 1, kh, kw)
    Tensor x4(as_image(x), /*requires_grad=*/true);  // (1, 1, H, W)
    const Tensor y4(as_image(y));                    // (1, 1, Ho, Wo)

    // Slide 17: the convolution, by the library (im2col and one matrix product) and as C x.
    const Tensor conv = conv2d(x4, w, {}, geom);           // (1, 1, Ho, Wo)
    t.conv = as_plane(conv.value());                       // (Ho, Wo)
    t.C = conv_matrix_by_definition(kernel, H, W, geom);   // (Ho Wo, H W)
    t.C_library = conv_matrix(kernel, H, W, geom);         // (Ho Wo, H W)
    const xt::xarray<float> x_flat = xt::flatten(x);       // (H W,)
    t.Cx = xt::linalg::dot(t.C, x_flat);                   // (Ho Wo,)
    t.Cx.reshape({t.conv.shape()[0], t.conv.shape()[1]});  // (Ho, Wo)

    // Slide 18: back the other way, C^T y: each output pixel hands its value to the input pixels
    // its kernel window covered, times the weight that covered them.
    const xt::xarray<float> CT = xt::transpose(t.C);  // (H W, Ho Wo)
    const xt::xarray<float> y_flat = xt::flatten(y);  // (Ho Wo,)
    t.CTy = xt::linalg::dot(CT, y_flat);              // (H W,)
    t.CTy.reshape({H, W});                            // (H, W)

    // The library's transposed convolution (col2im of w^T y, with C never built).
    const Tensor back = conv_transpose2d(y4, w, {}, geom);  // (1, 1, H', W')
    t.transposed = as_plane(back.value());                  // (H', W')

    // The gradient: for L = sum(conv2d(x) * y) = y . (C x), dL/dx = C^T y. So backward() through a
    // convolution IS a transposed convolution, which is how ops_conv.cpp implements both.
    Tensor L = sum(conv2d(x4, w, {}, geom) * y4);  // ()
    L.backward();
    t.grad = as_plane(x4.grad().value());  // (H, W)

    // What rounding scales with: each entry of C x is a sum of products C_pq x_q, each entry of
    // C^T y one of C_pq y_p; the largest sum of their absolute values, in double.
    const xt::xarray<double> abs_C = xt::abs(xt::cast<double>(t.C));                              // (Ho Wo, H W)
    const xt::xarray<double> abs_Cx = xt::linalg::dot(abs_C, xt::abs(xt::cast<double>(x_flat)));  // (Ho Wo,)
    const xt::xarray<double> abs_CTy =
        xt::linalg::dot(xt::transpose(abs_C), xt::abs(xt::cast<double>(y_flat)));  // (H W,)
    t.scale = std::max(xt::amax(abs_Cx)(), xt::amax(abs_CTy)());
    return t;
}

// max |a - b|; a shape mismatch is an error (a student's change that makes the sizes disagree).
double max_abs_diff(const xt::xarray<float>& a, const xt::xarray<float>& b, const std::string& what) {
    if (a.shape() != b.shape())
        throw ShapeError(fmt::format("{}: shapes {} and {} differ", what,
                                     shape_str(Shape(a.shape().begin(), a.shape().end())),
                                     shape_str(Shape(b.shape().begin(), b.shape().end()))));
    return static_cast<double>(xt::amax(xt::abs(a - b))());
}

// The largest of the differences between the three ways (and between conv2d and C x).
double worst_gap(const ThreeWays& t) {
    return std::max({max_abs_diff(t.conv, t.Cx, "conv2d(x) against C x"),
                     max_abs_diff(t.CTy, t.transposed, "C^T y against conv_transpose2d(y)"),
                     max_abs_diff(t.CTy, t.grad, "C^T y against the gradient")});
}

void print_matrix(const xt::xarray<float>& m, int width) {
    for (std::size_t i = 0; i < m.shape()[0]; ++i) {
        for (std::size_t j = 0; j < m.shape()[1]; ++j) fmt::print("{:>{}g}", m(i, j), width);
        fmt::print("\n");
    }
}

// C with its columns named by input pixel (row, column) and its rows by output pixel.
void print_conv_matrix(const xt::xarray<float>& C, std::size_t in_w, std::size_t out_w) {
    fmt::print("{:>6}", "");
    for (std::size_t p = 0; p < C.shape()[1]; ++p) fmt::print("{:>4}", fmt::format("x{}{}", p / in_w, p % in_w));
    fmt::print("\n");
    for (std::size_t o = 0; o < C.shape()[0]; ++o) {
        fmt::print("{:>6}", fmt::format("y{}{}", o / out_w, o % out_w));
        for (std::size_t p = 0; p < C.shape()[1]; ++p) fmt::print("{:>4g}", C(o, p));
        fmt::print("\n");
    }
}

// Several (rows, cols) arrays next to each other, each under its title.
void print_side_by_side(const std::vector<std::pair<std::string, xt::xarray<float>>>& panels, int width) {
    std::size_t rows = 0;
    for (const auto& p : panels) rows = std::max(rows, p.second.shape()[0]);
    std::string line;
    for (const auto& p : panels)
        line += fmt::format("{:<{}}", p.first, static_cast<int>(p.second.shape()[1]) * width + 4);
    fmt::print("{}\n", line.substr(0, line.find_last_not_of(' ') + 1));
    for (std::size_t i = 0; i < rows; ++i) {
        line.clear();
        for (const auto& p : panels) {
            for (std::size_t j = 0; j < p.second.shape()[1]; ++j)
                line +=
                    i < p.second.shape()[0] ? fmt::format("{:>{}g}", p.second(i, j), width) : std::string(width, ' ');
            line += "    ";
        }
        fmt::print("{}\n", line.substr(0, line.find_last_not_of(' ') + 1));
    }
}
}  // namespace

int main(int argc, char** argv) try {
    const lecture::Options opt =
        lecture::parse_args(argc, argv, "transposed_conv_matrix", 1,
                            "writes a convolution as a matrix C and checks that its transpose is "
                            "conv_transpose2d and the gradient");
    const std::string out_dir = lecture::make_out_dir(opt);
    Generator gen(opt.seed);

    // ---- Scott slide 15: a 3x3 kernel over a 4x4 input gives a 2x2 output ----
    lecture::section("Scott slide 15: a 3x3 kernel slides over a 4x4 input: a 2x2 output");
    // Small integers, so that every printed number can be checked by hand. The kernel's weights
    // 1..9 are all different, so each one can be found again inside C.
    const xt::xarray<float> kernel = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};                    // (kh, kw) = (3, 3)
    const xt::xarray<float> x = {{1, 2, 0, 1}, {0, 1, 3, 1}, {2, 0, 1, 0}, {1, 1, 0, 2}};  // (H, W) = (4, 4)
    // y, the map sent back, is (1, 10, 100, 1000): then the decimal digits of each entry of C^T y
    // are the four entries of one column of C (units digit from row 0, tens from row 1, ...).
    const xt::xarray<float> y = {{1, 10}, {100, 1000}};  // (Ho, Wo) = (2, 2)
    fmt::print("kernel (3x3):\n");
    print_matrix(kernel, 4);
    fmt::print("input x (4x4):\n");
    print_matrix(x, 4);
    // conv2d is a cross-correlation (as in PyTorch and TensorFlow): output (i, j) is
    //   y_ij = sum_{a, b} k_ab x_{i + a, j + b}, the kernel laid on the input unflipped.
    const ThreeWays s1 = three_ways(kernel, x, y, ConvGeometry{/*stride=*/1, /*padding=*/0});

    // ---- Scott slide 16: the kernel rearranged as a sparse matrix ----
    lecture::section("Scott slide 16: the kernel rearranged as a 4x16 matrix C, built from its definition");
    print_conv_matrix(s1.C, 4, 2);
    // Row y_ij of C is the kernel laid over the input where output (i, j) looks, flattened row by
    // row: row y00 reads 1 2 3 0 | 4 5 6 0 | 7 8 9 0 | 0 0 0 0 (the kernel's three rows, each
    // padded by a zero to the input's width 4), and rows y01, y10, y11 are the same pattern moved
    // one column, one input row (4 places), or both (5 places) to the right. That is slide 16's
    // picture: 16 - 9 = 7 zeros in every row, and only 9 distinct numbers in all of C.
    // The same matrix as a picture, one cell per entry with its value written in it, white for 0
    // and darker for larger weights, a heavier line between the input's rows: the kernel's band
    // slides right by one column, then by a whole input row.
    std::vector<std::string> out_names, in_names;
    for (std::size_t o = 0; o < s1.C.shape()[0]; ++o) out_names.push_back(fmt::format("y{}{}", o / 2, o % 2));
    for (std::size_t p = 0; p < s1.C.shape()[1]; ++p) in_names.push_back(fmt::format("x{}{}", p / 4, p % 4));
    io::PlotOptions picture;
    picture.title = "C = conv_matrix(3x3 kernel 1..9, 4x4 input): conv2d(x) = C x";
    picture.xlabel = "input pixel x_ij (4x4, row-major)";
    picture.ylabel = "output pixel y_ij (2x2, row-major)";
    picture.width = 900;  // cells of 48 pixels, wide enough for the column names
    io::save_matrix(out_dir + "/C.png", s1.C, picture, out_names, in_names, /*column_group=*/4);
    fmt::print("wrote {}/C.png\n", out_dir);

    // ---- Scott slide 17: matrix times the flattened input ----
    lecture::section("Scott slide 17: conv2d(x) = C x, with x flattened to 16 numbers");
    print_side_by_side({{"conv2d(x)", s1.conv}, {"C x (reshaped 2x2)", s1.Cx}}, 6);
    // y00 = 1*1 + 2*2 + 3*0 + 4*0 + 5*1 + 6*3 + 7*2 + 8*0 + 9*1 = 51 (row y00 of C times x).

    // ---- Scott slide 18: the transpose times a flat 2x2 gives a flat 4x4 ----
    lecture::section("Scott slide 18: C^T y, a 16-vector reshaped 4x4, and two other ways to get it");
    fmt::print("y (2x2):\n");
    print_matrix(y, 6);
    print_side_by_side(
        {{"C^T y", s1.CTy}, {"conv_transpose2d(y)", s1.transposed}, {"d sum(conv2d(x) y) / dx", s1.grad}}, 6);
    // Reading it: entry (1, 1) is 1245 = 5 (units: C[y00, x11] = k11) + 4 tens (C[y01, x11] = k10)
    // + 2 hundreds (C[y10, x11] = k01) + 1 thousand (C[y11, x11] = k00): the column x11 of C.
    // Each of y's four values stamps a copy of the kernel, scaled by itself, onto the 4x4 canvas
    // where its window was, and overlapping stamps add: the 2x2 map grew back to 4x4.
    // Note what it is not: C^T is not the inverse of C. C x = (51, ...) goes back to C^T C x,
    // not to x; the transposed convolution restores the shape, and training learns the values.
    fmt::print("\nshapes: conv2d {}x{} -> {}x{}, conv_transpose2d {}x{} -> {}x{}\n", x.shape()[0], x.shape()[1],
               s1.conv.shape()[0], s1.conv.shape()[1], y.shape()[0], y.shape()[1], s1.transposed.shape()[0],
               s1.transposed.shape()[1]);
    const double gap1 = worst_gap(s1);
    fmt::print("largest difference between the three (and between conv2d(x) and C x): {:g}\n", gap1);

    // ---- Scott slide 14: upsampling with a strided transposed convolution ----
    lecture::section("Scott slide 14: stride 2, padding 1: the transposed convolution upsamples");
    // A stride-2 convolution halves the image: Ho = floor((H + 2p - k) / s) + 1. With k = 3,
    // p = 1, s = 2, a 4x4 input gives floor(3 / 2) + 1 = 2, and so does a 3x3 input
    // (floor(2 / 2) + 1 = 2): two input sizes, one output size. Going back,
    //   Ho = (H - 1) s - 2p + k + output_padding = 3 + output_padding,
    // so a 2x2 map goes back to 3x3 unless output_padding = 1 asks for the one extra row and
    // column (added at the bottom and right) that the floor threw away. output_padding < s:
    // it only chooses among the sizes that the strided convolution maps to the same output.
    ConvGeometry g2;  // the geometry of a convolution and of its transpose
    g2.stride = 2;
    g2.padding = 1;
    g2.output_padding = 1;  // read by the transpose only: back to 4x4
    const ThreeWays s2 = three_ways(kernel, x, y, g2);
    const xt::xarray<float> x3 = xt::view(x, xt::range(0, 3), xt::range(0, 3));  // (3, 3): x's top-left corner
    ConvGeometry g3 = g2;
    g3.output_padding = 0;  // back to 3x3
    const ThreeWays s3 = three_ways(kernel, x3, y, g3);
    fmt::print("conv2d:           4x4 -> {}x{}   and 3x3 -> {}x{}\n", s2.conv.shape()[0], s2.conv.shape()[1],
               s3.conv.shape()[0], s3.conv.shape()[1]);
    fmt::print("conv_transpose2d: 2x2 -> {}x{} with output_padding {}, 2x2 -> {}x{} with output_padding 0\n",
               s2.transposed.shape()[0], s2.transposed.shape()[1], g2.output_padding, s3.transposed.shape()[0],
               s3.transposed.shape()[1]);
    fmt::print("\nC for a 4x4 input, stride 2, padding 1 (from the definition):\n");
    print_conv_matrix(s2.C, 4, 2);
    // With padding, the window of y00 hangs over the top and left edges: only the kernel's
    // bottom-right 2x2 (5 6 / 8 9) lands on the image. The window of y11 starts at input (1, 1)
    // and its whole kernel fits. The taps that fall on the zero padding have no column in C.
    fmt::print("\n");
    print_side_by_side({{"conv2d(x)", s2.conv}, {"C x", s2.Cx}}, 6);
    fmt::print("\n");
    print_side_by_side(
        {{"C^T y", s2.CTy}, {"conv_transpose2d(y)", s2.transposed}, {"d sum(conv2d(x) y) / dx", s2.grad}}, 6);
    // The stamps are now 2 pixels apart (the stride) and 3 wide, so neighbours overlap in one row
    // or column, where the last row (column) of one stamp meets the first of the next: entry
    // (1, 1) = 1379 gets k22 = 9, k20 = 7, k02 = 3 and k00 = 1 from the four stamps. Padding,
    // going back, crops: the parts of the stamps that fall on the padding (row and column -1)
    // are cut off, which is why y00's stamp shows only its bottom-right 5 6 / 8 9.
    fmt::print("\nthe 3x3 input (output_padding 0), C of shape ({}, {}):\n", s3.C.shape()[0], s3.C.shape()[1]);
    print_side_by_side({{"C^T y", s3.CTy}, {"conv_transpose2d(y)", s3.transposed}, {"gradient", s3.grad}}, 6);
    // It is the 4x4 result without its last row and column: the same stamps, on a smaller canvas.
    const double gap2 = std::max(worst_gap(s2), worst_gap(s3));
    fmt::print("largest difference, stride 2: {:g}\n", gap2);

    // ---- The same check on random values ----
    lecture::section("The same three ways on random normal values");
    // With integers every product and sum above is exact in float32 (all below 2^24), so the
    // ways agree to the last bit. With random values each way rounds in its own order, and they
    // may differ by float32 rounding; how much at most is worked out below, for the verdict.
    const xt::xarray<float> kr = randn({3, 3}, gen).value();           // (3, 3)
    const xt::xarray<float> xr = randn({5, 5}, gen).value();           // (H, W) = (5, 5)
    const xt::xarray<float> yr1 = randn({3, 3}, gen).value();          // (3, 3) = stride 1's output
    const xt::xarray<float> yr2 = randn({3, 3}, gen).value();          // (3, 3) = stride 2's output
    const ThreeWays r1 = three_ways(kr, xr, yr1, ConvGeometry{1, 0});  // 5x5 -> 3x3 -> 5x5
    const ThreeWays r2 = three_ways(kr, xr, yr2, g3);                  // 5x5 -> 3x3 -> 5x5
    fmt::print("5x5 input, 3x3 kernel: largest difference {:.2g} with stride 1, {:.2g} with stride 2 and padding 1\n",
               worst_gap(r1), worst_gap(r2));

    // ---- Verdict ----
    // How far may two honest ways differ? float32 keeps 24 bits: each product and each sum is
    // rounded to within a factor (1 + delta), |delta| <= u = 2^-24. An entry here is a sum of at
    // most n = kh kw = 9 nonzero products (a row of C has 9 nonzero weights, a column at most 9:
    // an input pixel lies under at most 9 windows); adding an exact zero rounds nothing. Whatever
    // the order (a loop, a BLAS kernel's blocks, FMAs), such a sum is within gamma_n sum |products|
    // of the exact one, gamma_n = n u / (1 - n u) (Higham, "Accuracy and Stability of Numerical
    // Algorithms", 2nd ed., section 3.1). Two ways, each that close to the exact value, differ
    // by at most 2 gamma_9 max(|C| |x|, |C^T| |y|). A mistake is far bigger: a weight in the wrong
    // place of C moves an entry by a whole weight.
    const double u = std::ldexp(1.0, -24);
    const double n_terms = static_cast<double>(kr.size());
    const double gamma = n_terms * u / (1.0 - n_terms * u);
    const auto rounding_bound = [&](const ThreeWays& t) { return 2.0 * gamma * t.scale; };
    fmt::print(
        "\nfloat32 rounding: u = 2^-24 = {:.2e}; sums of at most n = {} products: gamma_n = n u / (1 - n u) = "
        "{:.2e}; two ways differ by at most 2 gamma_n max(|C| |x|, |C^T| |y|) = 2 x {:.2e} x {:.3g} = {:.2e} "
        "(stride 1), 2 x {:.2e} x {:.3g} = {:.2e} (stride 2)\n",
        u, kr.size(), gamma, gamma, r1.scale, rounding_bound(r1), gamma, r2.scale, rounding_bound(r2));

    double library_gap = 0;  // slide 16's C against the library's conv_matrix, over every geometry above
    for (const ThreeWays* t : {&s1, &s2, &s3, &r1, &r2})
        library_gap = std::max(library_gap, max_abs_diff(t->C, t->C_library, "C against conv_matrix"));
    lecture::quick_scope(
        opt, "nothing changes here, the lecture is instant: the same run and the same clauses as the default run");
    lecture::Verdict verdict(
        "C x = conv2d(x), and C^T y = conv_transpose2d(y) = d sum(conv2d(x) y) / dx, to float precision, with C "
        "built from slide 16's definition");
    verdict.at_most("conv_matrix", library_gap, 0.0,
                    "largest |entry| of the library's conv_matrix minus C built from the definition, all five cases",
                    "0: both only copy kernel weights into place, no arithmetic");
    verdict.at_most("integers", std::max(gap1, gap2), 0.0,
                    "largest |difference| among conv2d(x), C x and C^T y, conv_transpose2d(y), the gradient, on the "
                    "integer examples (stride 1; stride 2, padding 1, 4x4 and 3x3 inputs)",
                    "0: every product and partial sum is an integer below 2^24, exact in float32");
    verdict.at_most("random_stride1", worst_gap(r1), rounding_bound(r1),
                    "largest |difference| among the same, random normal 5x5 input, 3x3 kernel, stride 1",
                    "float32 rounding: 2 gamma_9 max(|C| |x|, |C^T| |y|), gamma_9 = 9u / (1 - 9u), u = 2^-24 "
                    "(Higham, section 3.1)");
    verdict.at_most("random_stride2", worst_gap(r2), rounding_bound(r2), "the same, stride 2, padding 1",
                    "float32 rounding, as above");
    return verdict.finish(fmt::format("differences {:g} on the integers, {:.2g} and {:.2g} on random values",
                                      std::max(gap1, gap2), worst_gap(r1), worst_gap(r2)));
} catch (const std::exception& e) {
    return lecture::fail("transposed_conv_matrix", e);
}

// Try this:
//  1. Send back a single pixel: y = {{0, 0}, {0, 1}}. All three ways print the kernel itself,
//     1..9 in the bottom-right 3x3 where y11's window was (in both the stride-1 and the stride-2
//     parts; the 3x3 canvas of output_padding 0 keeps only its top-left 1 2 / 4 5): a transposed
//     convolution pastes one scaled copy of the kernel per input pixel.
//  2. Set g2.output_padding = 0 in the stride-2 part: the shapes line reads "2x2 -> 3x3", and the
//     program stops with "C^T y against conv_transpose2d(y): shapes (4, 4) and (3, 3) differ".
//     C^T of the 4x4 input's C always gives 16 numbers; conv_transpose2d cannot know that the
//     2x2 map came from a 4x4 image and not a 3x3 one unless output_padding tells it.
//  3. Set g2.output_padding = 2: conv_transpose2d refuses ("output_padding 2 must be smaller than
//     the stride (2)"): a 5x5 image would come out of the stride-2 convolution as 3x3, not 2x2,
//     so no convolution has a 5x5 transpose here.
