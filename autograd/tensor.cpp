#include "autograd/tensor.hpp"

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

#include "autograd/anomaly.hpp"
#include "autograd/detail/heap.hpp"
#include "autograd/engine.hpp"
#include "autograd/shape.hpp"

namespace autograd {

namespace {
thread_local bool grad_enabled = true;

// Freed blocks are kept for reuse (detail/heap.cpp says why), from the moment the library is loaded.
[[maybe_unused]] const bool heap_ready = detail::keep_freed_blocks();

template <class T>
Node<T>& checked(const std::shared_ptr<Node<T>>& node, const char* what) {
    if (!node) throw std::logic_error(fmt::format("{}: the tensor is undefined (it holds no value)", what));
    return *node;
}
}  // namespace

bool is_grad_enabled() { return grad_enabled; }
NoGradGuard::NoGradGuard() : previous_(grad_enabled) { grad_enabled = false; }
NoGradGuard::~NoGradGuard() { grad_enabled = previous_; }
EnableGradGuard::EnableGradGuard() : previous_(grad_enabled) { grad_enabled = true; }
EnableGradGuard::~EnableGradGuard() { grad_enabled = previous_; }

// Destroying a node destroys its inputs when it held their last reference, and theirs in turn:
// done by the compiler, that is one nested call per node of a chain. Instead, every node whose
// last reference is about to go has its links (inputs, the handles its closure saved, its
// gradients) moved onto one explicit stack first, so each dies with nothing left to free.
template <class T>
Node<T>::~Node() {
    std::vector<std::shared_ptr<Node>> stack;
    auto take_links = [&stack](Node& n) {
        for (auto& input : n.inputs) stack.push_back(std::move(input));
        n.inputs.clear();
        n.backward = nullptr;  // its saved handles are inputs (now on the stack) or constants
        if (n.grad.defined()) stack.push_back(n.grad.node_ptr());
        n.grad = BasicTensor<T>();
    };
    take_links(*this);
    while (!stack.empty()) {
        std::shared_ptr<Node> node = std::move(stack.back());
        stack.pop_back();
        if (node && node.use_count() == 1) take_links(*node);
    }  // `node` is released here, its links already gone
}

template <class T>
BasicTensor<T>::BasicTensor(Array value, bool requires_grad) : node_(std::make_shared<Node<T>>()) {
    node_->value = std::move(value);
    node_->requires_grad = requires_grad;
}

template <class T>
const typename BasicTensor<T>::Array& BasicTensor<T>::value() const {
    return checked(node_, "value").value;
}
template <class T>
typename BasicTensor<T>::Array& BasicTensor<T>::mutable_value() {
    Node<T>& node = checked(node_, "mutable_value");
    ++node.versions.current;
    return node.value;
}
template <class T>
std::uint64_t BasicTensor<T>::version() const {
    return checked(node_, "version").versions.current;
}
template <class T>
Shape BasicTensor<T>::shape() const {
    return shape_of(value());
}
template <class T>
std::size_t BasicTensor<T>::dim() const {
    return value().dimension();
}
template <class T>
std::size_t BasicTensor<T>::size() const {
    return value().size();
}

template <class T>
T BasicTensor<T>::item() const {
    if (size() != 1)
        throw ShapeError(fmt::format("item: tensor of shape {} has {} elements, not one", shape_str(shape()), size()));
    return *value().data();
}

template <class T>
bool BasicTensor<T>::requires_grad() const {
    return checked(node_, "requires_grad").requires_grad;
}

template <class T>
BasicTensor<T>& BasicTensor<T>::requires_grad_(bool on) {
    if (!is_leaf())
        throw std::logic_error(fmt::format(
            "requires_grad_: only leaves can be switched; this tensor was made by {} (detach() it first)", op()));
    node_->requires_grad = on;
    return *this;
}

template <class T>
bool BasicTensor<T>::is_leaf() const {
    return checked(node_, "is_leaf").inputs.empty();
}
template <class T>
BasicTensor<T> BasicTensor<T>::grad() const {
    return checked(node_, "grad").grad;
}
template <class T>
void BasicTensor<T>::zero_grad() {
    checked(node_, "zero_grad").grad = BasicTensor<T>();
}
template <class T>
BasicTensor<T> BasicTensor<T>::detach() const {
    return BasicTensor<T>(value());
}
template <class T>
const char* BasicTensor<T>::op() const {
    return checked(node_, "op").op;
}
template <class T>
const std::string& BasicTensor<T>::name() const {
    return checked(node_, "name").name;
}

template <class T>
BasicTensor<T>& BasicTensor<T>::set_name(std::string name) {
    checked(node_, "set_name").name = std::move(name);
    return *this;
}

template <class T>
std::vector<BasicTensor<T>> BasicTensor<T>::inputs() const {
    std::vector<BasicTensor<T>> out;
    for (const auto& input : checked(node_, "inputs").inputs) out.emplace_back(input);
    return out;
}

template <class T>
void BasicTensor<T>::backward(GradOptions options) const {
    autograd::backward(*this, options);
}

template <class T>
void BasicTensor<T>::backward(const BasicTensor& seed, GradOptions options) const {
    autograd::backward(*this, seed, options);
}

template <class T>
BasicTensor<T> record(const char* op, xt::xarray<T> value, std::vector<BasicTensor<T>> inputs, BackwardFn<T> backward) {
    auto node = std::make_shared<Node<T>>();
    node->value = std::move(value);
    // Anomaly mode (anomaly.hpp): the output checked for NaN and Inf. Off, this is the one branch.
    if (__builtin_expect(is_anomaly_enabled(), false)) detail::check_forward(op, *node, inputs);
    bool any = false;
    for (const auto& input : inputs) any = any || input.requires_grad();
    // Nothing to record: the result is a plain leaf, like a tensor the user made.
    if (!grad_enabled || !any) return BasicTensor<T>(std::move(node));
    node->op = op;
    // Only a recorded node keeps its inputs: a constant's history is of no use to backward.
    node->requires_grad = true;
    node->inputs.reserve(inputs.size());
    for (const auto& input : inputs) {
        node->inputs.push_back(input.node_ptr());
        node->versions.saved.push_back(input.node()->versions.current);
    }
    node->backward = std::move(backward);
    return BasicTensor<T>(std::move(node));
}

// ---- factories --------------------------------------------------------------------------
namespace {
// A leaf of `shape` holding `value` everywhere; a shape too large is a ShapeError naming `op`.
template <class T>
BasicTensor<T> filled(const char* op, const Shape& shape, double value) {
    xt::xarray<T> a = allocate<T>(op, shape);
    a.fill(static_cast<T>(value));
    return BasicTensor<T>(std::move(a));
}
}  // namespace

template <class T>
BasicTensor<T> full(const Shape& shape, double value) {
    return filled<T>("full", shape, value);
}
template <class T>
BasicTensor<T> zeros(const Shape& shape) {
    return filled<T>("zeros", shape, 0.0);
}
template <class T>
BasicTensor<T> ones(const Shape& shape) {
    return filled<T>("ones", shape, 1.0);
}
template <class T>
BasicTensor<T> scalar(double value) {
    return filled<T>("scalar", {}, value);
}
template <class T>
BasicTensor<T> zeros_like(const BasicTensor<T>& t) {
    return zeros<T>(t.shape());
}
template <class T>
BasicTensor<T> ones_like(const BasicTensor<T>& t) {
    return ones<T>(t.shape());
}

namespace {
// How many initializer_list levels a nested list type has.
template <class List>
struct nesting_depth : std::integral_constant<std::size_t, 0> {};
template <class Inner>
struct nesting_depth<std::initializer_list<Inner>>
    : std::integral_constant<std::size_t, 1 + nesting_depth<Inner>::value> {};

// Appends the numbers of a nested list to `values`, and its sizes to `shape` (the first list at
// each level sets the size; `at` is the index path, for the message when a list differs).
void flatten_into(double v, std::size_t, Shape&, std::vector<double>& values, const std::string&) {
    values.push_back(v);
}

template <class List>
void flatten_into(const List& list, std::size_t depth, Shape& shape, std::vector<double>& values,
                  const std::string& at) {
    if (shape.size() == depth) shape.push_back(list.size());  // the first list at this depth
    if (list.size() != shape[depth])
        throw ShapeError(fmt::format("tensor: the list at {} has {} {}, but the first list at that depth has {}",
                                     at.empty() ? "the top" : at, list.size(), list.size() == 1 ? "entry" : "entries",
                                     shape[depth]));
    std::size_t i = 0;
    for (const auto& item : list) flatten_into(item, depth + 1, shape, values, fmt::format("{}[{}]", at, i++));
}

template <class T, class List>
BasicTensor<T> from_nested(const List& list) {
    Shape shape;
    std::vector<double> values;
    flatten_into(list, 0, shape, values, "");
    // An empty list at some depth leaves the deeper sizes unknown: they are 0.
    while (shape.size() < nesting_depth<List>::value) shape.push_back(0);
    return tensor<T>(values, shape);
}
}  // namespace

template <class T>
BasicTensor<T> tensor(const std::vector<double>& values, const Shape& shape) {
    const std::size_t n = checked_numel("tensor", shape, sizeof(T));
    if (values.size() != n)
        throw ShapeError(
            fmt::format("tensor: {} values do not fill shape {}, which holds {}", values.size(), shape_str(shape), n));
    xt::xarray<T> a = xt::xarray<T>::from_shape(shape);
    std::transform(values.begin(), values.end(), a.begin(), [](double v) { return static_cast<T>(v); });
    return BasicTensor<T>(std::move(a));
}

template <class T>
BasicTensor<T> tensor(const std::vector<double>& values) {
    return tensor<T>(values, {values.size()});
}
template <class T>
BasicTensor<T> tensor(std::initializer_list<std::initializer_list<double>> rows) {
    return from_nested<T>(rows);
}
template <class T>
BasicTensor<T> tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> planes) {
    return from_nested<T>(planes);
}
template <class T>
BasicTensor<T> tensor(
    std::initializer_list<std::initializer_list<std::initializer_list<std::initializer_list<double>>>> blocks) {
    return from_nested<T>(blocks);
}

Tensor64 to_double(const Tensor& t) { return Tensor64(xt::xarray<double>(xt::cast<double>(t.value()))); }
Tensor to_float(const Tensor64& t) { return Tensor(xt::xarray<float>(xt::cast<float>(t.value()))); }

#define AUTOGRAD_INSTANTIATE(T)                                                                                     \
    template struct Node<T>;                                                                                        \
    template class BasicTensor<T>;                                                                                  \
    template BasicTensor<T> record(const char*, xt::xarray<T>, std::vector<BasicTensor<T>>, BackwardFn<T>);         \
    template BasicTensor<T> full<T>(const Shape&, double);                                                          \
    template BasicTensor<T> zeros<T>(const Shape&);                                                                 \
    template BasicTensor<T> ones<T>(const Shape&);                                                                  \
    template BasicTensor<T> scalar<T>(double);                                                                      \
    template BasicTensor<T> zeros_like(const BasicTensor<T>&);                                                      \
    template BasicTensor<T> ones_like(const BasicTensor<T>&);                                                       \
    template BasicTensor<T> tensor<T>(const std::vector<double>&, const Shape&);                                    \
    template BasicTensor<T> tensor<T>(const std::vector<double>&);                                                  \
    template BasicTensor<T> tensor<T>(std::initializer_list<std::initializer_list<double>>);                        \
    template BasicTensor<T> tensor<T>(std::initializer_list<std::initializer_list<std::initializer_list<double>>>); \
    template BasicTensor<T> tensor<T>(                                                                              \
        std::initializer_list<std::initializer_list<std::initializer_list<std::initializer_list<double>>>>);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace autograd
