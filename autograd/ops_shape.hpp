// ops_shape.hpp: shapes and indexing: reshape, flatten, permute, narrow, rows, scatter_rows, concat,
// broadcast_to, sum_to.
// Defined in ops_shape.cpp, each forward with its backward right below it; ops.hpp includes every
// family and states the rules they all follow.
#pragma once

#include <cstddef>
#include <vector>

#include "autograd/tensor.hpp"

namespace autograd {

template <class T>
BasicTensor<T> reshape(const BasicTensor<T>& a, const Shape& shape);
template <class T>
BasicTensor<T> flatten(const BasicTensor<T>& a);  // (N, ...) -> (N, rest)
template <class T>
BasicTensor<T> broadcast_to(const BasicTensor<T>& a, const Shape& shape);
// Sums a broadcast gradient back to `shape`: the inverse of broadcast_to.
template <class T>
BasicTensor<T> sum_to(const BasicTensor<T>& a, const Shape& shape);
// The rows a[index[0]], a[index[1]], ... (along axis 0): how a minibatch is taken.
template <class T>
BasicTensor<T> rows(const BasicTensor<T>& a, const std::vector<std::size_t>& index);
// A zero tensor with `num_rows` rows where row index[k] gets a[k] added: the backward of rows.
template <class T>
BasicTensor<T> scatter_rows(const BasicTensor<T>& a, const std::vector<std::size_t>& index, std::size_t num_rows);
template <class T>
BasicTensor<T> concat(const std::vector<BasicTensor<T>>& parts, long axis = 0);
// The slab [start, start + length) of a along `axis`.
template <class T>
BasicTensor<T> narrow(const BasicTensor<T>& a, long axis, std::size_t start, std::size_t length);
// The axes reordered: out.shape[i] = a.shape[axes[i]], as numpy.transpose(a, axes).
template <class T>
BasicTensor<T> permute(const BasicTensor<T>& a, const std::vector<std::size_t>& axes);

}  // namespace autograd
