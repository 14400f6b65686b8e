// ops_reduce.cpp: sum, mean, max over everything or over given axes; softmax and log_softmax.
#include "autograd/ops_reduce.hpp"

#include <algorithm>

#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xsort.hpp>

#include "autograd/detail/op_helpers.hpp"

namespace autograd {

using detail::check_defined;
using detail::constant;

namespace {
// The shape after reducing `axes` with keepdims: those axes become 1.
Shape kept_shape(const Shape& s, const std::vector<std::size_t>& axes) {
    Shape out = s;
    for (std::size_t ax : axes) out[ax] = 1;
    return out;
}

// The shape after reducing `axes` without keepdims: those axes are gone.
Shape dropped_shape(const Shape& s, const std::vector<std::size_t>& axes) {
    Shape out;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (std::find(axes.begin(), axes.end(), i) == axes.end()) out.push_back(s[i]);
    return out;
}

std::vector<std::size_t> all_axes(std::size_t rank) {
    std::vector<std::size_t> axes(rank);
    for (std::size_t i = 0; i < rank; ++i) axes[i] = i;
    return axes;
}

std::vector<std::size_t> checked_axes(const char* op, const std::vector<long>& axes, std::size_t rank) {
    if (axes.empty()) shape_error(op, "empty axis list (to reduce over everything, leave the axes out)");
    return normalize_axes(op, axes, rank);
}

// The backward of every reduction starts here: grad_out, with its reduced axes put back as size
// 1, broadcast to the input's shape.
template <class T>
BasicTensor<T> spread(const BasicTensor<T>& grad_out, const Shape& in_shape, const std::vector<std::size_t>& axes) {
    return broadcast_to(reshape(grad_out, kept_shape(in_shape, axes)), in_shape);
}

// sum over `axes`, returning keepdims or not.
template <class T>
BasicTensor<T> sum_axes(const char* op, const BasicTensor<T>& a, const std::vector<std::size_t>& axes, bool keepdims) {
    xt::xarray<T> out = xt::sum(a.value(), axes, xt::evaluation_strategy::immediate);
    if (keepdims) out.reshape(kept_shape(a.shape(), axes));
    return record<T>(op, std::move(out), {a},
                     [in_shape = a.shape(), axes](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         return Grads<T>{spread(grad_out, in_shape, axes)};
                     });
}

template <class T>
BasicTensor<T> max_axes(const BasicTensor<T>& a, const std::vector<std::size_t>& axes, bool keepdims) {
    if (a.size() == 0) shape_error("max", fmt::format("maximum of an empty tensor {}", shape_str(a.shape())));
    xt::xarray<T> m = xt::amax(a.value(), axes, xt::evaluation_strategy::immediate);
    m.reshape(kept_shape(a.shape(), axes));
    // Where the maximum is attained; k ties each get 1/k of the gradient.
    xt::xarray<T> hit = xt::cast<T>(xt::equal(a.value(), m));
    xt::xarray<T> count = xt::sum(hit, axes, xt::keep_dims | xt::evaluation_strategy::immediate);
    xt::xarray<T> share = hit / count;
    if (!keepdims) m.reshape(dropped_shape(a.shape(), axes));
    return record<T>("max", std::move(m), {a},
                     [in_shape = a.shape(), axes, share = constant(std::move(share))](const BasicTensor<T>&,
                                                                                      const BasicTensor<T>& grad_out) {
                         return Grads<T>{spread(grad_out, in_shape, axes) * share};
                     });
}
}  // namespace

// f(a) = sum of all a_i     df/da_i = 1
template <class T>
BasicTensor<T> sum(const BasicTensor<T>& a) {
    check_defined("sum", a);
    return sum_axes("sum", a, all_axes(a.dim()), false);
}

template <class T>
BasicTensor<T> sum(const BasicTensor<T>& a, const std::vector<long>& axes, bool keepdims) {
    check_defined("sum", a);
    return sum_axes("sum", a, checked_axes("sum", axes, a.dim()), keepdims);
}

// f(a) = sum(a) / n         df/da_i = 1 / n
template <class T>
BasicTensor<T> mean(const BasicTensor<T>& a) {
    check_defined("mean", a);
    if (a.size() == 0) shape_error("mean", fmt::format("mean of an empty tensor {}", shape_str(a.shape())));
    return sum(a) / static_cast<double>(a.size());
}

template <class T>
BasicTensor<T> mean(const BasicTensor<T>& a, const std::vector<long>& axes, bool keepdims) {
    check_defined("mean", a);
    const std::vector<std::size_t> ax = checked_axes("mean", axes, a.dim());
    std::size_t n = 1;
    for (std::size_t i : ax) n *= a.shape()[i];
    if (n == 0) shape_error("mean", fmt::format("mean over an empty axis of {}", shape_str(a.shape())));
    return sum(a, axes, keepdims) / static_cast<double>(n);
}

// f(a) = max_i a_i          df/da_i = 1 where a_i is the maximum (1/k each for k ties), else 0
template <class T>
BasicTensor<T> max(const BasicTensor<T>& a) {
    check_defined("max", a);
    return max_axes(a, all_axes(a.dim()), false);
}

template <class T>
BasicTensor<T> max(const BasicTensor<T>& a, const std::vector<long>& axes, bool keepdims) {
    check_defined("max", a);
    return max_axes(a, checked_axes("max", axes, a.dim()), keepdims);
}

namespace {
// The axis of a softmax, checked: (N, C) logits usually take axis -1 (the C classes).
template <class T>
std::size_t softmax_axis(const char* op, const BasicTensor<T>& a, long axis) {
    check_defined(op, a);
    if (a.dim() == 0) shape_error(op, "expects at least one axis, got a scalar");
    const std::size_t ax = normalize_axis(op, axis, a.dim());
    if (a.shape()[ax] == 0) shape_error(op, fmt::format("empty axis {} of {}", ax, shape_str(a.shape())));
    return ax;
}
}  // namespace

// y = a - log sum_j e^(a_j)         grad_a = grad_out - softmax(a) * sum_j grad_out_j,  softmax(a) = e^y
template <class T>
BasicTensor<T> log_softmax(const BasicTensor<T>& a, long axis) {
    const std::vector<std::size_t> ax{softmax_axis("log_softmax", a, axis)};
    // Subtract the maximum first so that no e^a overflows.
    xt::xarray<T> m = xt::amax(a.value(), ax, xt::keep_dims | xt::evaluation_strategy::immediate);
    xt::xarray<T> shifted = a.value() - m;
    xt::xarray<T> lse = xt::log(xt::sum(xt::exp(shifted), ax, xt::keep_dims | xt::evaluation_strategy::immediate));
    xt::xarray<T> out = shifted - lse;
    const long axis_n = static_cast<long>(ax[0]);
    return record<T>("log_softmax", std::move(out), {a},
                     [axis_n](const BasicTensor<T>& y, const BasicTensor<T>& grad_out) {
                         return Grads<T>{grad_out - exp(y) * sum(grad_out, {axis_n}, true)};
                     });
}

// y_i = e^(a_i) / sum_j e^(a_j)     grad_a_i = y_i (grad_out_i - sum_j grad_out_j y_j)
template <class T>
BasicTensor<T> softmax(const BasicTensor<T>& a, long axis) {
    const std::vector<std::size_t> ax{softmax_axis("softmax", a, axis)};
    // e^(a - max) / sum e^(a - max): the same ratios, and no e^a overflows.
    xt::xarray<T> m = xt::amax(a.value(), ax, xt::keep_dims | xt::evaluation_strategy::immediate);
    xt::xarray<T> e = xt::exp(a.value() - m);
    xt::xarray<T> total = xt::sum(e, ax, xt::keep_dims | xt::evaluation_strategy::immediate);
    xt::xarray<T> out = e / total;
    const long axis_n = static_cast<long>(ax[0]);
    return record<T>("softmax", std::move(out), {a}, [axis_n](const BasicTensor<T>& y, const BasicTensor<T>& grad_out) {
        return Grads<T>{y * (grad_out - sum(grad_out * y, {axis_n}, true))};
    });
}

#define AUTOGRAD_INSTANTIATE(T)                                                          \
    template BasicTensor<T> sum(const BasicTensor<T>&);                                  \
    template BasicTensor<T> sum(const BasicTensor<T>&, const std::vector<long>&, bool);  \
    template BasicTensor<T> mean(const BasicTensor<T>&);                                 \
    template BasicTensor<T> mean(const BasicTensor<T>&, const std::vector<long>&, bool); \
    template BasicTensor<T> max(const BasicTensor<T>&);                                  \
    template BasicTensor<T> max(const BasicTensor<T>&, const std::vector<long>&, bool);  \
    template BasicTensor<T> log_softmax(const BasicTensor<T>&, long);                    \
    template BasicTensor<T> softmax(const BasicTensor<T>&, long);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
