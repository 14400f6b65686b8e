// ops_shape.cpp: reshape, flatten, broadcast_to / sum_to, rows / scatter_rows, concat / narrow.
// They come in pairs whose backwards are each other: broadcast_to <-> sum_to,
// rows <-> scatter_rows, concat <-> narrow; reshape is its own.
#include "autograd/ops_shape.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <xtensor/xbroadcast.hpp>
#include <xtensor/xreducer.hpp>

#include "autograd/detail/op_helpers.hpp"

namespace autograd {

using detail::check_defined;

// f(a) = a viewed with another shape of the same size      grad_a = grad_out reshaped back
template <class T>
BasicTensor<T> reshape(const BasicTensor<T>& a, const Shape& shape) {
    check_defined("reshape", a);
    const std::size_t n = checked_numel("reshape", shape, sizeof(T));
    if (n != a.size())
        shape_error("reshape", fmt::format("cannot reshape {} ({} elements) into {} ({} elements)",
                                           shape_str(a.shape()), a.size(), shape_str(shape), n));
    xt::xarray<T> out = a.value();
    out.reshape(shape);
    return record<T>("reshape", std::move(out), {a},
                     [in_shape = a.shape()](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         return Grads<T>{reshape(grad_out, in_shape)};
                     });
}

template <class T>
BasicTensor<T> flatten(const BasicTensor<T>& a) {
    check_defined("flatten", a);
    if (a.dim() == 0) shape_error("flatten", "expects a tensor with a batch axis, got a scalar");
    const Shape s = a.shape();
    return reshape(a, {s[0], s[0] == 0 ? 0 : a.size() / s[0]});
}

// f(a) = a repeated along the broadcast axes                grad_a = sum_to(grad_out, shape of a)
template <class T>
BasicTensor<T> broadcast_to(const BasicTensor<T>& a, const Shape& shape) {
    check_defined("broadcast_to", a);
    if (a.dim() > shape.size() || broadcast_shapes("broadcast_to", a.shape(), shape) != shape)
        shape_error("broadcast_to", fmt::format("cannot broadcast {} to {}", shape_str(a.shape()), shape_str(shape)));
    checked_numel("broadcast_to", shape, sizeof(T));
    xt::xarray<T> out = detail::expand_to(a.value(), shape);
    return record<T>("broadcast_to", std::move(out), {a},
                     [in_shape = a.shape()](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         return Grads<T>{sum_to(grad_out, in_shape)};
                     });
}

// f(a) = a summed over the axes that broadcasting to a's shape added   grad_a = broadcast_to(grad_out, a's shape)
template <class T>
BasicTensor<T> sum_to(const BasicTensor<T>& a, const Shape& shape) {
    check_defined("sum_to", a);
    const Shape in_shape = a.shape();
    if (in_shape == shape) return a;
    if (shape.size() > in_shape.size() || broadcast_shapes("sum_to", shape, in_shape) != in_shape)
        shape_error("sum_to", fmt::format("cannot sum {} down to {}", shape_str(in_shape), shape_str(shape)));
    // Sums over the leading axes `shape` lacks, and those where `shape` has size 1.
    xt::xarray<T> out = detail::reduce_to(a.value(), shape);
    return record<T>("sum_to", std::move(out), {a}, [in_shape](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{broadcast_to(grad_out, in_shape)};
    });
}

namespace {
// Number of elements in one row (everything after axis 0).
std::size_t row_size(const Shape& s) { return numel(Shape(s.begin() + 1, s.end())); }
}  // namespace

// f(a) = (a[i_0], a[i_1], ...)                grad_a = scatter_rows(grad_out, i, rows of a)
template <class T>
BasicTensor<T> rows(const BasicTensor<T>& a, const std::vector<std::size_t>& index) {
    check_defined("rows", a);
    if (a.dim() == 0) shape_error("rows", "expects a tensor with rows, got a scalar");
    Shape shape = a.shape();
    const std::size_t n = shape[0], width = row_size(shape);
    for (std::size_t i : index)
        if (i >= n) shape_error("rows", fmt::format("row index {} is out of range for {}", i, shape_str(shape)));
    shape[0] = index.size();
    xt::xarray<T> out = allocate<T>("rows", shape);
    for (std::size_t k = 0; k < index.size(); ++k)
        std::copy_n(a.value().data() + index[k] * width, width, out.data() + k * width);
    return record<T>("rows", std::move(out), {a}, [index, n](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{scatter_rows(grad_out, index, n)};
    });
}

// f(a)[r] = sum of a[k] over k with i_k = r    grad_a = rows(grad_out, i)
template <class T>
BasicTensor<T> scatter_rows(const BasicTensor<T>& a, const std::vector<std::size_t>& index, std::size_t num_rows) {
    check_defined("scatter_rows", a);
    if (a.dim() == 0 || a.shape()[0] != index.size())
        shape_error("scatter_rows",
                    fmt::format("{} index entries for a tensor of shape {}", index.size(), shape_str(a.shape())));
    Shape shape = a.shape();
    const std::size_t width = row_size(shape);
    for (std::size_t i : index)
        if (i >= num_rows)
            shape_error("scatter_rows", fmt::format("row index {} is out of range for {} rows", i, num_rows));
    shape[0] = num_rows;
    xt::xarray<T> out = allocate<T>("scatter_rows", shape);
    out.fill(T(0));
    for (std::size_t k = 0; k < index.size(); ++k) {
        const T* src = a.value().data() + k * width;
        T* dst = out.data() + index[k] * width;
        for (std::size_t j = 0; j < width; ++j) dst[j] += src[j];
    }
    return record<T>(
        "scatter_rows", std::move(out), {a},
        [index](const BasicTensor<T>&, const BasicTensor<T>& grad_out) { return Grads<T>{rows(grad_out, index)}; });
}

namespace {
// Element counts before and after `axis`: a row-major tensor is `outer` blocks of
// shape[axis] * inner contiguous elements.
std::pair<std::size_t, std::size_t> outer_inner(const Shape& s, std::size_t axis) {
    return {numel(Shape(s.begin(), s.begin() + static_cast<long>(axis))),
            numel(Shape(s.begin() + static_cast<long>(axis) + 1, s.end()))};
}
}  // namespace

// f(a_1, ..., a_k) = the a_p laid side by side along `axis`   grad_a_p = narrow(grad_out, axis, offset_p, length_p)
template <class T>
BasicTensor<T> concat(const std::vector<BasicTensor<T>>& parts, long axis) {
    if (parts.empty()) shape_error("concat", "needs at least one tensor");
    for (const auto& p : parts) check_defined("concat", p);
    const Shape first = parts[0].shape();
    if (first.empty()) shape_error("concat", "cannot concatenate scalars (shape ())");
    const std::size_t ax = normalize_axis("concat", axis, first.size());
    Shape shape = first;
    shape[ax] = 0;
    for (const auto& p : parts) {
        Shape s = p.shape();
        bool same = s.size() == first.size();
        for (std::size_t i = 0; same && i < s.size(); ++i) same = i == ax || s[i] == first[i];
        if (!same)
            shape_error("concat",
                        fmt::format("cannot join {} and {} along axis {}", shape_str(first), shape_str(s), ax));
        shape[ax] = checked_add("concat", "the joined axis", shape[ax], s[ax]);
    }
    xt::xarray<T> out = allocate<T>("concat", shape);
    const auto [outer, inner] = outer_inner(shape, ax);
    std::vector<std::size_t> offsets;
    std::size_t offset = 0;
    for (const auto& p : parts) {
        const std::size_t len = p.shape()[ax];
        for (std::size_t o = 0; o < outer; ++o)
            std::copy_n(p.value().data() + o * len * inner, len * inner, out.data() + (o * shape[ax] + offset) * inner);
        offsets.push_back(offset);
        offset += len;
    }
    return record<T>(
        "concat", std::move(out), parts, [parts, offsets, ax](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
            Grads<T> grads;
            for (std::size_t p = 0; p < parts.size(); ++p)
                grads.push_back(parts[p].requires_grad()
                                    ? narrow(grad_out, static_cast<long>(ax), offsets[p], parts[p].shape()[ax])
                                    : BasicTensor<T>());
            return grads;
        });
}

// f(a) = a[..., start : start + length, ...] along `axis`    grad_a = grad_out padded with zeros back to a's shape
template <class T>
BasicTensor<T> narrow(const BasicTensor<T>& a, long axis, std::size_t start, std::size_t length) {
    check_defined("narrow", a);
    const Shape in_shape = a.shape();
    if (in_shape.empty()) shape_error("narrow", "cannot narrow a scalar (shape ())");
    const std::size_t ax = normalize_axis("narrow", axis, in_shape.size());
    if (start > in_shape[ax] || length > in_shape[ax] - start)  // start + length > size, without wrapping
        shape_error("narrow", fmt::format("slab [{}, {}) is outside axis {} of {}", start,
                                          start <= SIZE_MAX - length ? fmt::format("{}", start + length)
                                                                     : fmt::format("{} + {}", start, length),
                                          ax, shape_str(in_shape)));
    Shape shape = in_shape;
    shape[ax] = length;
    xt::xarray<T> out = xt::xarray<T>::from_shape(shape);
    const auto [outer, inner] = outer_inner(in_shape, ax);
    for (std::size_t o = 0; o < outer; ++o)
        std::copy_n(a.value().data() + (o * in_shape[ax] + start) * inner, length * inner,
                    out.data() + o * length * inner);
    return record<T>("narrow", std::move(out), {a},
                     [in_shape, ax, start, length](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
                         // Zeros before and after the slab, joined with the gradient of the slab.
                         std::vector<BasicTensor<T>> pieces;
                         Shape before = in_shape, after = in_shape;
                         before[ax] = start;
                         after[ax] = in_shape[ax] - start - length;
                         if (before[ax] > 0) pieces.push_back(zeros<T>(before));
                         pieces.push_back(grad_out);
                         if (after[ax] > 0) pieces.push_back(zeros<T>(after));
                         return Grads<T>{pieces.size() == 1 ? grad_out : concat(pieces, static_cast<long>(ax))};
                     });
}

// f(a) = a with its axes reordered by `axes`      grad_a = grad_out with the axes put back (the inverse order)
template <class T>
BasicTensor<T> permute(const BasicTensor<T>& a, const std::vector<std::size_t>& axes) {
    check_defined("permute", a);
    const Shape in_shape = a.shape();
    const std::size_t rank = in_shape.size();
    std::vector<std::size_t> inverse(rank, rank);
    for (std::size_t i = 0; i < axes.size(); ++i)
        if (axes.size() == rank && axes[i] < rank && inverse[axes[i]] == rank) inverse[axes[i]] = i;
    if (axes.size() != rank || std::find(inverse.begin(), inverse.end(), rank) != inverse.end())
        shape_error("permute", fmt::format("axes ({}) are not a permutation of the {} axes of {}",
                                           fmt::join(axes, ", "), rank, shape_str(in_shape)));
    Shape out_shape(rank), in_strides(rank);
    for (std::size_t i = rank, stride = 1; i-- > 0; stride *= in_shape[i]) in_strides[i] = stride;
    for (std::size_t i = 0; i < rank; ++i) out_shape[i] = in_shape[axes[i]];
    // Output axes that are also neighbours, in the same order, in the input are walked as one
    // (in (O, N, H, W) -> (N, O, H, W), H and W form one contiguous run).
    Shape sizes, steps;
    for (std::size_t i = 0; i < rank; ++i) {
        if (i > 0 && axes[i] == axes[i - 1] + 1) {
            sizes.back() *= out_shape[i];
            steps.back() = in_strides[axes[i]];
        } else {
            sizes.push_back(out_shape[i]);
            steps.push_back(in_strides[axes[i]]);
        }
    }
    xt::xarray<T> out = xt::xarray<T>::from_shape(out_shape);
    const T* in = a.value().data();
    T* dst = out.data();
    if (out.size() > 0 && rank > 0) {
        // Walk the output in order; `src` follows the same element in the input.
        const std::size_t last = sizes.size() - 1, n_last = sizes[last], step_last = steps[last];
        std::vector<std::size_t> idx(sizes.size(), 0);
        std::size_t src = 0;
        for (std::size_t done = 0; done < out.size(); done += n_last, dst += n_last) {
            if (step_last == 1)
                std::copy_n(in + src, n_last, dst);  // the innermost run
            else
                for (std::size_t j = 0; j < n_last; ++j) dst[j] = in[src + j * step_last];
            for (std::size_t d = last; d-- > 0;) {  // carry into the outer axes
                src += steps[d];
                if (++idx[d] < sizes[d]) break;
                src -= steps[d] * sizes[d];
                idx[d] = 0;
            }
        }
    } else if (out.size() > 0) {
        *dst = *in;
    }
    return record<T>("permute", std::move(out), {a}, [inverse](const BasicTensor<T>&, const BasicTensor<T>& grad_out) {
        return Grads<T>{permute(grad_out, inverse)};
    });
}

#define AUTOGRAD_INSTANTIATE(T)                                                                                \
    template BasicTensor<T> reshape(const BasicTensor<T>&, const Shape&);                                      \
    template BasicTensor<T> flatten(const BasicTensor<T>&);                                                    \
    template BasicTensor<T> broadcast_to(const BasicTensor<T>&, const Shape&);                                 \
    template BasicTensor<T> sum_to(const BasicTensor<T>&, const Shape&);                                       \
    template BasicTensor<T> rows(const BasicTensor<T>&, const std::vector<std::size_t>&);                      \
    template BasicTensor<T> scatter_rows(const BasicTensor<T>&, const std::vector<std::size_t>&, std::size_t); \
    template BasicTensor<T> concat(const std::vector<BasicTensor<T>>&, long);                                  \
    template BasicTensor<T> narrow(const BasicTensor<T>&, long, std::size_t, std::size_t);                     \
    template BasicTensor<T> permute(const BasicTensor<T>&, const std::vector<std::size_t>&);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
