#include "autograd/shape.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "autograd/detail/broadcast.hpp"

namespace autograd {

std::string shape_str(const Shape& shape) {
    if (shape.size() == 1) return fmt::format("({},)", shape[0]);
    return fmt::format("({})", fmt::join(shape, ", "));
}

std::string thousands(std::size_t n) {
    std::string digits = std::to_string(n);
    for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
    return digits;
}

std::size_t numel(const Shape& shape) {
    std::size_t n = 1;
    for (std::size_t s : shape) n *= s;
    return n;
}

std::size_t checked_add(const char* op, const char* what, std::size_t a, std::size_t b) {
    std::size_t r = 0;
    if (__builtin_add_overflow(a, b, &r) || r > kMaxSize)
        throw ShapeError(fmt::format("{}: {} overflows ({} + {} > 2^63 - 1)", op, what, a, b));
    return r;
}

std::size_t checked_mul(const char* op, const char* what, std::size_t a, std::size_t b) {
    std::size_t r = 0;
    if (__builtin_mul_overflow(a, b, &r) || r > kMaxSize)
        throw ShapeError(fmt::format("{}: {} overflows ({} x {} > 2^63 - 1)", op, what, a, b));
    return r;
}

std::size_t checked_numel(const char* op, const Shape& shape, std::size_t element_bytes) {
    std::size_t n = 1, strided = 1;  // the count, and the product with every 0 taken as 1
    bool overflow = false;
    for (std::size_t s : shape) {
        n *= s;  // never more than `strided`, so it wraps only if `strided` does
        overflow = overflow || __builtin_mul_overflow(strided, std::max<std::size_t>(s, 1), &strided);
    }
    if (overflow || strided > kMaxSize)
        throw ShapeError(fmt::format("{}: shape {} has more elements than fit in memory (the count overflows 2^63 - 1)",
                                     op, shape_str(shape)));
    if (strided > kMaxTensorBytes / std::max<std::size_t>(element_bytes, 1))
        throw ShapeError(
            fmt::format("{}: shape {} has more elements than fit in memory ({} elements of {} bytes "
                        "exceed the 2^62 bytes a tensor may take)",
                        op, shape_str(shape), strided, element_bytes));
    return n;
}

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out(rank);
    for (std::size_t i = 0; i < rank; ++i) {
        // i counts from the right: sizes missing on the left act as 1.
        const std::size_t sa = i < a.size() ? a[a.size() - 1 - i] : 1;
        const std::size_t sb = i < b.size() ? b[b.size() - 1 - i] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            throw ShapeError(fmt::format("{}: cannot broadcast {} with {}", op, shape_str(a), shape_str(b)));
        out[rank - 1 - i] = sa == 1 ? sb : sa;  // a size 1 stretches to the other, even to 0
    }
    return out;
}

std::size_t normalize_axis(const char* op, long axis, std::size_t rank) {
    const long r = static_cast<long>(rank);
    if (axis < -r || axis >= r)
        throw ShapeError(fmt::format("{}: axis {} is out of range for a tensor of rank {}", op, axis, rank));
    return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

std::vector<std::size_t> normalize_axes(const char* op, const std::vector<long>& axes, std::size_t rank) {
    std::vector<std::size_t> out;
    for (long axis : axes) out.push_back(normalize_axis(op, axis, rank));
    std::sort(out.begin(), out.end());
    if (std::adjacent_find(out.begin(), out.end()) != out.end())
        throw ShapeError(fmt::format("{}: axis list ({}) names an axis twice", op, fmt::join(axes, ", ")));
    return out;
}

std::string index_str(const Shape& shape, std::size_t flat) {
    std::vector<std::size_t> index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = flat % shape[d];
        flat /= shape[d];
    }
    return fmt::format("[{}]", fmt::join(index, ", "));
}

void shape_error(const char* op, const std::string& message) { throw ShapeError(fmt::format("{}: {}", op, message)); }

namespace detail {

BroadcastPlan broadcast_plan(const Shape& out, const std::vector<Shape>& operands) {
    const std::size_t rank = out.size(), K = operands.size();
    // Each operand's own row-major strides, placed on the output's axes (aligned on the right),
    // with 0 wherever the operand has size 1 or lacks the axis.
    std::vector<std::vector<std::size_t>> full(K, std::vector<std::size_t>(rank, 0));
    for (std::size_t k = 0; k < K; ++k) {
        const Shape& s = operands[k];
        std::size_t stride = 1;
        for (std::size_t i = 0; i < s.size(); ++i) {
            const std::size_t axis = s.size() - 1 - i, out_axis = rank - 1 - i;
            if (s[axis] != 1) full[k][out_axis] = stride;
            stride *= s[axis];
        }
    }
    // Drop axes of size 1 and merge neighbours that every operand walks contiguously (or not at all).
    BroadcastPlan plan;
    plan.strides.assign(K, {});
    for (std::size_t d = 0; d < rank; ++d) {
        if (out[d] == 1) continue;
        bool merge = !plan.shape.empty();
        for (std::size_t k = 0; merge && k < K; ++k) merge = plan.strides[k].back() == full[k][d] * out[d];
        if (merge) {
            plan.shape.back() *= out[d];
            for (std::size_t k = 0; k < K; ++k) plan.strides[k].back() = full[k][d];
        } else {
            plan.shape.push_back(out[d]);
            for (std::size_t k = 0; k < K; ++k) plan.strides[k].push_back(full[k][d]);
        }
    }
    return plan;
}

}  // namespace detail

}  // namespace autograd
