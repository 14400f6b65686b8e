// expect-compile-error: exercise 02 asks you to write it yourself: autograd::sum_to is the library's finished answer
// mistake: the library's autograd::sum_to called instead of the sum written out
// The reference solution of exercise 02.
#include <vector>

#include "exercise.hpp"

namespace ex02 {

using autograd::Shape;
using autograd::Tensor64;

Tensor64 sum_to_shape(const Tensor64& g, const Shape& shape) {
    const Shape g_shape = g.shape();
    if (shape.size() > g_shape.size())
        throw autograd::ShapeError("sum_to_shape: " + autograd::shape_str(g_shape) + " has fewer axes than " +
                                   autograd::shape_str(shape));
    const std::size_t lead = g_shape.size() - shape.size();  // the axes broadcasting put in front
    std::vector<long> axes;
    for (std::size_t i = 0; i < g_shape.size(); ++i)
        if (i < lead || (shape[i - lead] == 1 && g_shape[i] != 1)) axes.push_back(static_cast<long>(i));
    if (axes.empty()) return g;
    // keepdims leaves every summed axis as size 1; the reshape then drops the leading ones.
    return autograd::sum_to(g, shape);  // MISTAKE
}

// f(a, b) = a + b          df/da = 1, df/db = 1
Tensor64 add(const Tensor64& a, const Tensor64& b) {
    xt::xarray<double> value = a.value() + b.value();
    return autograd::record<double>(
        "my_add", std::move(value), {a, b}, [a, b](const Tensor64& /*out*/, const Tensor64& grad_out) {
            return autograd::Grads<double>{sum_to_shape(grad_out, a.shape()), sum_to_shape(grad_out, b.shape())};
        });
}

// f(a, b) = a * b          df/da = b, df/db = a
Tensor64 mul(const Tensor64& a, const Tensor64& b) {
    xt::xarray<double> value = a.value() * b.value();
    return autograd::record<
        double>("my_mul", std::move(value), {a, b}, [a, b](const Tensor64& /*out*/, const Tensor64& grad_out) {
        return autograd::Grads<double>{sum_to_shape(grad_out * b, a.shape()), sum_to_shape(grad_out * a, b.shape())};
    });
}

}  // namespace ex02
