// ops_activation.cpp: sigmoid, tanh, relu, leaky_relu, softplus, clamp, where.
// The kinks (relu at 0, clamp at its limits) take the one-sided derivative 0, as PyTorch does;
// their backward multiplies by a constant mask, so their second derivative is 0.
#include "autograd/ops_activation.hpp"

#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "autograd/detail/op_helpers.hpp"

namespace autograd {

using detail::check_defined;
using detail::constant;
using detail::grad_for;

// y = 1 / (1 + e^-a)        dy/da = y (1 - y)
template <class T>
BasicTensor<T> sigmoid(const BasicTensor<T>& a) {
    check_defined("sigmoid", a);
    // e^-|a| never overflows: for a >= 0 use 1 / (1 + e^-a), for a < 0 use e^a / (1 + e^a).
    xt::xarray<T> out = xt::xarray<T>::from_shape(a.shape());
    const T* x = a.value().data();
    for (std::size_t i = 0, n = a.size(); i < n; ++i) {
        const T e = std::exp(-std::abs(x[i]));
        out.data()[i] = x[i] >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
    }
    return record<T>("sigmoid", std::move(out), {a}, [](const BasicTensor<T>& y, const BasicTensor<T>& grad_out) {
        if (is_grad_enabled()) return Grads<T>{grad_out * (y * (1.0 - y))};  // create_graph: differentiable
        // Otherwise the same product in one pass, with no graph to build (the usual case).
        xt::xarray<T> grad_a = xt::xarray<T>::from_shape(grad_out.shape());
        const T* grad_out_data = grad_out.value().data();
        const T* y_data = y.value().data();
        for (std::size_t i = 0, n = grad_a.size(); i < n; ++i)
            grad_a.data()[i] = grad_out_data[i] * (y_data[i] * (T(1) - y_data[i]));
        return Grads<T>{constant(std::move(grad_a))};
    });
}

// y = tanh a                dy/da = 1 - y^2
template <class T>
BasicTensor<T> tanh(const BasicTensor<T>& a) {
    check_defined("tanh", a);
    xt::xarray<T> out = xt::tanh(a.value());
    return record<T>("tanh", std::move(out), {a}, [](const BasicTensor<T>& y, const BasicTensor<T>& grad_out) {
        return Grads<T>{grad_out * (1.0 - square(y))};
    });
}

// f(a) = max(a, 0)          df/da = 1 where a > 0, else 0
template <class T>
BasicTensor<T> relu(const BasicTensor<T>& a) {
    check_defined("relu", a);
    xt::xarray<T> out = xt::xarray<T>::from_shape(a.shape()), mask = xt::xarray<T>::from_shape(a.shape());
    const T* x = a.value().data();
    for (std::size_t i = 0, n = a.size(); i < n; ++i) {  // one pass for both (a hot op)
        mask.data()[i] = x[i] > T(0) ? T(1) : T(0);
        out.data()[i] = x[i] * mask.data()[i];
    }
    return record<T>("relu", std::move(out), {a},
                     [mask = constant(std::move(mask))](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         return Grads<T>{grad_out * mask};
                     });
}

// f(a) = a if a > 0, else slope * a      df/da = 1 or slope
template <class T>
BasicTensor<T> leaky_relu(const BasicTensor<T>& a, double slope) {
    check_defined("leaky_relu", a);
    xt::xarray<T> factor = xt::where(a.value() > T(0), T(1), static_cast<T>(slope));
    xt::xarray<T> out = a.value() * factor;
    return record<T>("leaky_relu", std::move(out), {a},
                     [factor = constant(std::move(factor))](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         return Grads<T>{grad_out * factor};
                     });
}

// f(a) = log(1 + e^a)       df/da = sigmoid(a)
template <class T>
BasicTensor<T> softplus(const BasicTensor<T>& a) {
    check_defined("softplus", a);
    // log(1 + e^a) = max(a, 0) + log(1 + e^-|a|): no overflow for large a, no loss for small.
    xt::xarray<T> out = xt::maximum(a.value(), T(0)) + xt::log1p(xt::exp(-xt::abs(a.value())));
    return record<T>("softplus", std::move(out), {a}, [a](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{grad_out * sigmoid(a)};
    });
}

// f(a) = min(max(a, lo), hi)   df/da = 1 where lo <= a <= hi, else 0
template <class T>
BasicTensor<T> clamp(const BasicTensor<T>& a, double lo, double hi) {
    check_defined("clamp", a);
    if (!(lo <= hi)) shape_error("clamp", fmt::format("lower limit {} is above upper limit {}", lo, hi));
    const T l = static_cast<T>(lo), h = static_cast<T>(hi);
    xt::xarray<T> out = xt::clip(a.value(), l, h);
    xt::xarray<T> inside = xt::cast<T>(a.value() >= l && a.value() <= h);
    return record<T>("clamp", std::move(out), {a},
                     [inside = constant(std::move(inside))](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         return Grads<T>{grad_out * inside};
                     });
}

// f(m, a, b) = m ? a : b    df/da = m, df/db = 1 - m   (m is not differentiable)
template <class T>
BasicTensor<T> where(const xt::xarray<bool>& mask, const BasicTensor<T>& a, const BasicTensor<T>& b) {
    check_defined("where", a), check_defined("where", b);
    checked_numel("where", broadcast_shapes("where", broadcast_shapes("where", shape_of(mask), a.shape()), b.shape()),
                  sizeof(T));
    xt::xarray<T> out = xt::where(mask, a.value(), b.value());
    return record<T>(
        "where", std::move(out), {a, b}, [mask, a, b](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
            const BasicTensor<T> zero = scalar<T>(0.0);
            return Grads<T>{a.requires_grad() ? grad_for(a, autograd::where(mask, grad_out, zero)) : BasicTensor<T>(),
                            b.requires_grad() ? grad_for(b, autograd::where(mask, zero, grad_out)) : BasicTensor<T>()};
        });
}

#define AUTOGRAD_INSTANTIATE(T)                                           \
    template BasicTensor<T> sigmoid(const BasicTensor<T>&);               \
    template BasicTensor<T> tanh(const BasicTensor<T>&);                  \
    template BasicTensor<T> relu(const BasicTensor<T>&);                  \
    template BasicTensor<T> leaky_relu(const BasicTensor<T>&, double);    \
    template BasicTensor<T> softplus(const BasicTensor<T>&);              \
    template BasicTensor<T> clamp(const BasicTensor<T>&, double, double); \
    template BasicTensor<T> where(const xt::xarray<bool>&, const BasicTensor<T>&, const BasicTensor<T>&);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
