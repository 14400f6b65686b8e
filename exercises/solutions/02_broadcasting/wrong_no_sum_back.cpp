// expect-hint: sum the gradient back to the input's shape
// mistake: add and mul return grad_out (times the other operand) in the broadcast shape, not summed back to each input's shape (sum_to_shape is right but unused).
// expect-check: add: value, op, and each gradient in its input's shape, for (R, 1) with (1, C)
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
    return autograd::reshape(autograd::sum(g, axes, /*keepdims=*/true), shape);
}

// f(a, b) = a + b          df/da = 1, df/db = 1
Tensor64 add(const Tensor64& a, const Tensor64& b) {
    xt::xarray<double> value = a.value() + b.value();
    return autograd::record<double>("my_add", std::move(value), {a, b},                          // MISTAKE
                                    [a, b](const Tensor64& /*out*/, const Tensor64& grad_out) {  // MISTAKE
                                        return autograd::Grads<double>{grad_out, grad_out};      // MISTAKE
                                    });
}

// f(a, b) = a * b          df/da = b, df/db = a
Tensor64 mul(const Tensor64& a, const Tensor64& b) {
    xt::xarray<double> value = a.value() * b.value();
    return autograd::record<double>("my_mul", std::move(value), {a, b},                              // MISTAKE
                                    [a, b](const Tensor64& /*out*/, const Tensor64& grad_out) {      // MISTAKE
                                        return autograd::Grads<double>{grad_out * b, grad_out * a};  // MISTAKE
                                    });
}

}  // namespace ex02
