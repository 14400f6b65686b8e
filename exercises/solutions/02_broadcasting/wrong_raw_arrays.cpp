// expect-hint: build the result from tape ops
// mistake: sum_to_shape sums g.value() with xtensor and wraps the array in a new tensor: the numbers are right, but the result has no history on the tape.
// expect-check: sum_to_shape is made of tape ops (not autograd::sum_to) and passes gradcheck
// The reference solution of exercise 02.
#include <vector>
#include <xtensor/xreducer.hpp>  // MISTAKE

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
    std::vector<std::size_t> axes;                           // MISTAKE
    for (std::size_t i = 0; i < g_shape.size(); ++i)
        if (i < lead || (shape[i - lead] == 1 && g_shape[i] != 1)) axes.push_back(static_cast<long>(i));
    if (axes.empty()) return g;
    // Summed on the raw array: the right numbers, but a constant to the tape.  // MISTAKE
    xt::xarray<double> s = xt::sum(g.value(), axes, xt::evaluation_strategy::immediate);  // MISTAKE
    s.reshape(shape);                                                                     // MISTAKE
    return Tensor64(std::move(s));                                                        // MISTAKE
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
