// ops_reduce.hpp: reductions: sum, mean, max, softmax, log_softmax.
// Defined in ops_reduce.cpp, each forward with its backward right below it; ops.hpp includes every
// family and states the rules they all follow.
#pragma once

#include <cstddef>
#include <vector>

#include "autograd/tensor.hpp"

namespace autograd {

template <class T>
BasicTensor<T> sum(const BasicTensor<T>& a);  // over everything, shape ()
template <class T>
BasicTensor<T> sum(const BasicTensor<T>& a, const std::vector<long>& axes, bool keepdims = false);
template <class T>
BasicTensor<T> mean(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> mean(const BasicTensor<T>& a, const std::vector<long>& axes, bool keepdims = false);
// The maximum; ties share the gradient equally.
template <class T>
BasicTensor<T> max(const BasicTensor<T>& a);
template <class T>
BasicTensor<T> max(const BasicTensor<T>& a, const std::vector<long>& axes, bool keepdims = false);
// e^a / sum(e^a) along `axis`: positive entries that sum to 1 (class probabilities from logits),
// computed without overflow.
template <class T>
BasicTensor<T> softmax(const BasicTensor<T>& a, long axis = -1);
// a - log(sum(exp(a))) along `axis`, computed without overflow: log(softmax(a)), and exact where
// softmax(a) would round to 0 (use it for a loss).
template <class T>
BasicTensor<T> log_softmax(const BasicTensor<T>& a, long axis = -1);

}  // namespace autograd
