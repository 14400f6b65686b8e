// ops_arith.cpp: + - * / neg, the scalar forms, pow, square, sqrt, exp, log, abs.
// Each op: a comment with f and its partial derivatives, the forward, the backward below it.
#include "autograd/ops_arith.hpp"

#include <xtensor/xmath.hpp>

#include "autograd/detail/op_helpers.hpp"

namespace autograd {

using detail::check_broadcast;
using detail::check_defined;
using detail::constant;
using detail::grad_for;

// f(a, b) = a + b          df/da = 1, df/db = 1
template <class T>
BasicTensor<T> operator+(const BasicTensor<T>& a, const BasicTensor<T>& b) {
    check_defined("add", a), check_defined("add", b);
    const Shape shape = check_broadcast("add", a, b);
    xt::xarray<T> out = detail::broadcast_binary(a.value(), b.value(), shape, [](T x, T y) { return x + y; });
    return record<T>("add", std::move(out), {a, b}, [a, b](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{grad_for(a, grad_out), grad_for(b, grad_out)};
    });
}

// f(a, b) = a - b          df/da = 1, df/db = -1
template <class T>
BasicTensor<T> operator-(const BasicTensor<T>& a, const BasicTensor<T>& b) {
    check_defined("sub", a), check_defined("sub", b);
    const Shape shape = check_broadcast("sub", a, b);
    xt::xarray<T> out = detail::broadcast_binary(a.value(), b.value(), shape, [](T x, T y) { return x - y; });
    return record<T>("sub", std::move(out), {a, b}, [a, b](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{grad_for(a, grad_out), b.requires_grad() ? grad_for(b, -grad_out) : BasicTensor<T>()};
    });
}

// f(a, b) = a * b          df/da = b, df/db = a
template <class T>
BasicTensor<T> operator*(const BasicTensor<T>& a, const BasicTensor<T>& b) {
    check_defined("mul", a), check_defined("mul", b);
    const Shape shape = check_broadcast("mul", a, b);
    xt::xarray<T> out = detail::broadcast_binary(a.value(), b.value(), shape, [](T x, T y) { return x * y; });
    return record<T>("mul", std::move(out), {a, b}, [a, b](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{a.requires_grad() ? grad_for(a, grad_out * b) : BasicTensor<T>(),
                        b.requires_grad() ? grad_for(b, grad_out * a) : BasicTensor<T>()};
    });
}

// f(a, b) = a / b          df/da = 1 / b, df/db = -a / b^2
template <class T>
BasicTensor<T> operator/(const BasicTensor<T>& a, const BasicTensor<T>& b) {
    check_defined("div", a), check_defined("div", b);
    const Shape shape = check_broadcast("div", a, b);
    xt::xarray<T> out = detail::broadcast_binary(a.value(), b.value(), shape, [](T x, T y) { return x / y; });
    return record<T>("div", std::move(out), {a, b}, [a, b](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{a.requires_grad() ? grad_for(a, grad_out / b) : BasicTensor<T>(),
                        b.requires_grad() ? grad_for(b, -(grad_out * a) / square(b)) : BasicTensor<T>()};
    });
}

// f(a) = -a                df/da = -1
template <class T>
BasicTensor<T> operator-(const BasicTensor<T>& a) {
    check_defined("neg", a);
    xt::xarray<T> out = -a.value();
    return record<T>("neg", std::move(out), {a},
                     [](const BasicTensor<T>&, const BasicTensor<T>& grad_out) { return Grads<T>{-grad_out}; });
}

// f(a) = a + s             df/da = 1
template <class T>
BasicTensor<T> operator+(const BasicTensor<T>& a, double s) {
    check_defined("add_scalar", a);
    xt::xarray<T> out = a.value() + static_cast<T>(s);
    return record<T>("add_scalar", std::move(out), {a},
                     [](const BasicTensor<T>&, const BasicTensor<T>& grad_out) { return Grads<T>{grad_out}; });
}

// f(a) = s * a             df/da = s
template <class T>
BasicTensor<T> operator*(const BasicTensor<T>& a, double s) {
    check_defined("mul_scalar", a);
    xt::xarray<T> out = a.value() * static_cast<T>(s);
    return record<T>("mul_scalar", std::move(out), {a},
                     [s](const BasicTensor<T>&, const BasicTensor<T>& grad_out) { return Grads<T>{grad_out * s}; });
}

// The other scalar forms are made of the two above (no backward of their own).
template <class T>
BasicTensor<T> operator+(double s, const BasicTensor<T>& a) {
    return a + s;
}
template <class T>
BasicTensor<T> operator-(const BasicTensor<T>& a, double s) {
    return a + (-s);
}
template <class T>
BasicTensor<T> operator-(double s, const BasicTensor<T>& a) {
    return -a + s;
}
template <class T>
BasicTensor<T> operator*(double s, const BasicTensor<T>& a) {
    return a * s;
}
template <class T>
BasicTensor<T> operator/(const BasicTensor<T>& a, double s) {
    return a * (1.0 / s);
}
template <class T>
BasicTensor<T> operator/(double s, const BasicTensor<T>& a) {
    return pow(a, -1.0) * s;
}

// f(a) = a^p               df/da = p a^(p-1)
template <class T>
BasicTensor<T> pow(const BasicTensor<T>& a, double p) {
    check_defined("pow", a);
    xt::xarray<T> out = xt::pow(a.value(), static_cast<T>(p));
    return record<T>("pow", std::move(out), {a}, [a, p](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{grad_out * pow(a, p - 1.0) * p};
    });
}

// f(a) = a^2               df/da = 2a
template <class T>
BasicTensor<T> square(const BasicTensor<T>& a) {
    check_defined("square", a);
    xt::xarray<T> out = a.value() * a.value();
    return record<T>("square", std::move(out), {a}, [a](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{grad_out * a * 2.0};
    });
}

// y = sqrt(a)              dy/da = 1 / (2y)
template <class T>
BasicTensor<T> sqrt(const BasicTensor<T>& a) {
    check_defined("sqrt", a);
    xt::xarray<T> out = xt::sqrt(a.value());
    return record<T>("sqrt", std::move(out), {a}, [](const BasicTensor<T>& y, const BasicTensor<T>& grad_out) {
        return Grads<T>{grad_out / y * 0.5};
    });
}

// y = e^a                  dy/da = e^a = y
template <class T>
BasicTensor<T> exp(const BasicTensor<T>& a) {
    check_defined("exp", a);
    xt::xarray<T> out = xt::exp(a.value());
    return record<T>("exp", std::move(out), {a},
                     [](const BasicTensor<T>& y, const BasicTensor<T>& grad_out) { return Grads<T>{grad_out * y}; });
}

// f(a) = log a             df/da = 1 / a
template <class T>
BasicTensor<T> log(const BasicTensor<T>& a) {
    check_defined("log", a);
    xt::xarray<T> out = xt::log(a.value());
    return record<T>("log", std::move(out), {a},
                     [a](const BasicTensor<T>&, const BasicTensor<T>& grad_out) { return Grads<T>{grad_out / a}; });
}

// f(a) = |a|               df/da = sign(a), taken as 0 at a = 0
template <class T>
BasicTensor<T> abs(const BasicTensor<T>& a) {
    check_defined("abs", a);
    xt::xarray<T> out = xt::abs(a.value());
    xt::xarray<T> sign = xt::sign(a.value());
    return record<T>("abs", std::move(out), {a},
                     [sign = constant(std::move(sign))](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         return Grads<T>{grad_out * sign};
                     });
}

#define AUTOGRAD_INSTANTIATE(T)                                                      \
    template BasicTensor<T> operator+(const BasicTensor<T>&, const BasicTensor<T>&); \
    template BasicTensor<T> operator-(const BasicTensor<T>&, const BasicTensor<T>&); \
    template BasicTensor<T> operator*(const BasicTensor<T>&, const BasicTensor<T>&); \
    template BasicTensor<T> operator/(const BasicTensor<T>&, const BasicTensor<T>&); \
    template BasicTensor<T> operator-(const BasicTensor<T>&);                        \
    template BasicTensor<T> operator+(const BasicTensor<T>&, double);                \
    template BasicTensor<T> operator+(double, const BasicTensor<T>&);                \
    template BasicTensor<T> operator-(const BasicTensor<T>&, double);                \
    template BasicTensor<T> operator-(double, const BasicTensor<T>&);                \
    template BasicTensor<T> operator*(const BasicTensor<T>&, double);                \
    template BasicTensor<T> operator*(double, const BasicTensor<T>&);                \
    template BasicTensor<T> operator/(const BasicTensor<T>&, double);                \
    template BasicTensor<T> operator/(double, const BasicTensor<T>&);                \
    template BasicTensor<T> pow(const BasicTensor<T>&, double);                      \
    template BasicTensor<T> square(const BasicTensor<T>&);                           \
    template BasicTensor<T> sqrt(const BasicTensor<T>&);                             \
    template BasicTensor<T> exp(const BasicTensor<T>&);                              \
    template BasicTensor<T> log(const BasicTensor<T>&);                              \
    template BasicTensor<T> abs(const BasicTensor<T>&);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
