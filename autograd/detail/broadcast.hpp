// broadcast.hpp (internal to autograd/): fast loops over NumPy-broadcast operands.
//
// xtensor evaluates a broadcasting expression such as (N, C, H, W) + (1, C, 1, 1) element by
// element through generic steppers, which the compiler cannot turn into vector code
// (docs/performance.md, "What made the difference", item 4). Here each operand
// gets a stride per output axis (0 on the axes it is broadcast along), adjacent axes that walk
// memory the same way are merged, and the work is handed out as rows: runs along the last
// merged axis where every operand either steps by 1 or stays put, which the compiler turns into
// vector code.
#pragma once

#include <cstddef>
#include <vector>

#include "autograd/shape.hpp"
#include "autograd/tensor.hpp"

namespace autograd::detail {

// Per output axis, how far one step along that axis moves in each of the K operands.
struct BroadcastPlan {
    Shape shape;                                    // the merged output shape
    std::vector<std::vector<std::size_t>> strides;  // strides[k][axis], 0 where operand k is broadcast
};

// The plan for operands of the given shapes broadcast to `out` (which they must broadcast to).
BroadcastPlan broadcast_plan(const Shape& out, const std::vector<Shape>& operands);

// Calls row(offsets, n, steps) for every row of the plan: offsets[k] is where operand k starts
// (operand 0 is usually the output), n the row length, steps[k] its step (0 or 1) along the row.
template <class Row>
void for_each_row(const BroadcastPlan& plan, Row row) {
    const std::size_t rank = plan.shape.size(), K = plan.strides.size();
    std::vector<std::size_t> offsets(K, 0), steps(K, 0);
    if (rank == 0) {
        row(offsets, std::size_t{1}, steps);
        return;
    }
    for (std::size_t k = 0; k < K; ++k) steps[k] = plan.strides[k][rank - 1];
    const std::size_t n = plan.shape[rank - 1];
    std::size_t rows = 1;
    for (std::size_t d = 0; d + 1 < rank; ++d) rows *= plan.shape[d];
    if (n == 0 || rows == 0) return;
    std::vector<std::size_t> idx(rank, 0);
    for (std::size_t r = 0; r < rows; ++r) {
        row(offsets, n, steps);
        for (std::size_t d = rank - 1; d-- > 0;) {  // odometer over the outer axes
            for (std::size_t k = 0; k < K; ++k) offsets[k] += plan.strides[k][d];
            if (++idx[d] < plan.shape[d]) break;
            for (std::size_t k = 0; k < K; ++k) offsets[k] -= plan.strides[k][d] * plan.shape[d];
            idx[d] = 0;
        }
    }
}

// out = f(a, b) elementwise, a and b broadcast to out_shape.
template <class T, class F>
xt::xarray<T> broadcast_binary(const xt::xarray<T>& a, const xt::xarray<T>& b, const Shape& out_shape, F f) {
    xt::xarray<T> out = xt::xarray<T>::from_shape(out_shape);
    T* o = out.data();
    const T* pa = a.data();
    const T* pb = b.data();
    if (a.size() == out.size() && b.size() == out.size()) {  // same shapes: one loop
        for (std::size_t i = 0, n = out.size(); i < n; ++i) o[i] = f(pa[i], pb[i]);
        return out;
    }
    const BroadcastPlan plan = broadcast_plan(out_shape, {out_shape, shape_of(a), shape_of(b)});
    for_each_row(plan, [&](const std::vector<std::size_t>& at, std::size_t n, const std::vector<std::size_t>& step) {
        T* po = o + at[0];
        const T* x = pa + at[1];
        const T* y = pb + at[2];
        if (step[1] && step[2])
            for (std::size_t i = 0; i < n; ++i) po[i] = f(x[i], y[i]);
        else if (step[1])
            for (std::size_t i = 0; i < n; ++i) po[i] = f(x[i], *y);
        else if (step[2])
            for (std::size_t i = 0; i < n; ++i) po[i] = f(*x, y[i]);
        else
            for (std::size_t i = 0; i < n; ++i) po[i] = f(*x, *y);
    });
    return out;
}

// The sum of `a` over the axes along which a tensor of `shape` was broadcast to a's shape.
template <class T>
xt::xarray<T> reduce_to(const xt::xarray<T>& a, const Shape& shape) {
    xt::xarray<T> out = xt::zeros<T>(shape);
    T* o = out.data();
    const T* pa = a.data();
    const BroadcastPlan plan = broadcast_plan(shape_of(a), {shape_of(a), shape});
    for_each_row(plan, [&](const std::vector<std::size_t>& at, std::size_t n, const std::vector<std::size_t>& step) {
        const T* x = pa + at[0];
        T* y = o + at[1];
        if (step[1]) {
            for (std::size_t i = 0; i < n; ++i) y[i] += x[i];
        } else {
            T s = T(0);
            for (std::size_t i = 0; i < n; ++i) s += x[i];
            *y += s;
        }
    });
    return out;
}

// `a` repeated along the axes where it is broadcast to out_shape.
template <class T>
xt::xarray<T> expand_to(const xt::xarray<T>& a, const Shape& out_shape) {
    xt::xarray<T> out = xt::xarray<T>::from_shape(out_shape);
    T* o = out.data();
    const T* pa = a.data();
    const BroadcastPlan plan = broadcast_plan(out_shape, {out_shape, shape_of(a)});
    for_each_row(plan, [&](const std::vector<std::size_t>& at, std::size_t n, const std::vector<std::size_t>& step) {
        T* y = o + at[0];
        const T* x = pa + at[1];
        if (step[1])
            for (std::size_t i = 0; i < n; ++i) y[i] = x[i];
        else
            for (std::size_t i = 0; i < n; ++i) y[i] = *x;
    });
    return out;
}

}  // namespace autograd::detail
