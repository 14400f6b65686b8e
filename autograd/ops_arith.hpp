// ops_arith.hpp: arithmetic: + - * / (with tensors and with scalars), pow, square, sqrt, exp, log, abs.
// Defined in ops_arith.cpp, each forward with its backward right below it; ops.hpp includes every
// family and states the rules they all follow.
#pragma once

#include <cstddef>

#include "autograd/tensor.hpp"

namespace autograd {

template <class T>
BasicTensor<T> operator+(const BasicTensor<T>& a, const BasicTensor<T>& b);  // a + b
template <class T>
BasicTensor<T> operator-(const BasicTensor<T>& a, const BasicTensor<T>& b);  // a - b
template <class T>
BasicTensor<T> operator*(const BasicTensor<T>& a, const BasicTensor<T>& b);  // a * b, elementwise
template <class T>
BasicTensor<T> operator/(const BasicTensor<T>& a, const BasicTensor<T>& b);  // a / b, elementwise
template <class T>
BasicTensor<T> operator-(const BasicTensor<T>& a);  // -a
template <class T>
BasicTensor<T> operator+(const BasicTensor<T>& a, double s);  // a + s
template <class T>
BasicTensor<T> operator+(double s, const BasicTensor<T>& a);  // s + a
template <class T>
BasicTensor<T> operator-(const BasicTensor<T>& a, double s);  // a - s
template <class T>
BasicTensor<T> operator-(double s, const BasicTensor<T>& a);  // s - a
template <class T>
BasicTensor<T> operator*(const BasicTensor<T>& a, double s);  // a * s
template <class T>
BasicTensor<T> operator*(double s, const BasicTensor<T>& a);  // s * a
template <class T>
BasicTensor<T> operator/(const BasicTensor<T>& a, double s);  // a / s
template <class T>
BasicTensor<T> operator/(double s, const BasicTensor<T>& a);  // s / a
template <class T>
BasicTensor<T> pow(const BasicTensor<T>& a, double p);  // a^p
template <class T>
BasicTensor<T> square(const BasicTensor<T>& a);  // a^2
template <class T>
BasicTensor<T> sqrt(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> exp(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> log(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> abs(const BasicTensor<T>& a);  // the gradient at 0 is 0

}  // namespace autograd
