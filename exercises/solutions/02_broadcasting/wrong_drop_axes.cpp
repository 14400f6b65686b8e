// expect-hint: it must stay, as size 1
// A wrong solution of exercise 02: sum_to_shape sums the right axes but without keepdims, so an
// input of shape (3, 1) gets a gradient of shape (3,).
#include <vector>

#include "exercise.hpp"

namespace ex02 {

using autograd::Shape;
using autograd::Tensor64;

Tensor64 sum_to_shape(const Tensor64& g, const Shape& shape) {
    const Shape g_shape = g.shape();
    const std::size_t lead = g_shape.size() - shape.size();
    std::vector<long> axes;
    for (std::size_t i = 0; i < g_shape.size(); ++i)
        if (i < lead || (shape[i - lead] == 1 && g_shape[i] != 1)) axes.push_back(static_cast<long>(i));
    if (axes.empty()) return g;
    return autograd::sum(g, axes);  // keepdims left out: the size-1 axes disappear too
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
