// tensor.hpp: the differentiable tensor handle and the node it points to.
//
// A BasicTensor<T> is a cheap handle (one shared_ptr) to a Node: the value, the gradient
// accumulated so far, the name of the op that made it, the inputs it was made from, and the
// backward closure that turns the gradient of the output into gradients of the inputs.
// Every op called on tensors that require grad appends one such node: the chain of nodes
// behind a loss is the "tape", and backward() (engine.hpp) walks it in reverse.
//
// Two instantiations exist: Tensor (float32, for training) and Tensor64 (float64, for gradient
// checks, where central differences need the extra digits). The op code is the same for both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

namespace autograd {

// A shape: the size of every axis. A small vector that keeps up to four sizes inline, so that
// asking a tensor for its shape allocates nothing (it is asked many times by every op).
using Shape = xt::svector<std::size_t, 4>;

template <class T>
struct Node;

// How a reverse sweep (backward() and grad(), engine.hpp) treats the graph. The default is the
// usual training step; the two other settings have names of their own, below.
struct GradOptions {
    bool retain_graph = false;  // keep the graph, so that another sweep can go through it again
    bool create_graph = false;  // record the sweep itself: gradients with a history (implies retain_graph)
};
// loss.backward(retain_graph): the graph survives the sweep.
inline constexpr GradOptions retain_graph{/*retain_graph=*/true, /*create_graph=*/false};
// grad(y, {x}, create_graph): the gradients can be differentiated again (second derivatives).
inline constexpr GradOptions create_graph{/*retain_graph=*/true, /*create_graph=*/true};

template <class T>
class BasicTensor {
public:
    using value_type = T;
    using Array = xt::xarray<T>;

    // An undefined tensor (no node). Gradients of unused inputs are undefined tensors.
    BasicTensor() = default;
    // A leaf holding `value`; with requires_grad, backward() accumulates into its grad().
    explicit BasicTensor(Array value, bool requires_grad = false);
    explicit BasicTensor(std::shared_ptr<Node<T>> node) : node_(std::move(node)) {}

    bool defined() const { return node_ != nullptr; }
    const Array& value() const;
    // The value, writable: for optimizers updating a leaf in place. Each call counts as a change
    // (it bumps version()): a graph recorded before it that read this tensor can no longer run its
    // backward (VersionError, engine.hpp). Change weights after backward(), not between the
    // forward pass and backward(). The count is of calls, not of writes: a reference kept from a
    // call before the forward pass and written through after it goes unseen, and gives a wrong
    // gradient, except in anomaly mode (anomaly.hpp), which fingerprints the values each op's
    // backward reads and throws the VersionError then. Call mutable_value() right before writing.
    Array& mutable_value();
    std::uint64_t version() const;  // how many times mutable_value() was called on this tensor
    Shape shape() const;
    std::size_t dim() const;
    std::size_t size() const;
    T item() const;  // the single element of a one-element tensor

    bool requires_grad() const;
    BasicTensor& requires_grad_(bool on = true);  // leaves only
    bool is_leaf() const;

    // The gradient accumulated by backward(); undefined until the first backward reaches it.
    BasicTensor grad() const;
    void zero_grad();  // forget the gradient (it becomes undefined, as in PyTorch)

    // The same value with no history: ops on it are not recorded back into this graph.
    BasicTensor detach() const;

    // Reverse-mode sweep from this tensor (engine.hpp documents the rules):
    //   loss.backward();                   the usual step: gradients into the leaves, graph freed
    //   loss.backward(retain_graph);       the graph kept for another sweep
    //   y.backward(seed);                  a non-scalar y, seeded with d loss / d y
    void backward(GradOptions options = {}) const;
    void backward(const BasicTensor& seed, GradOptions options = {}) const;

    const char* op() const;  // "leaf" for user-made tensors
    const std::string& name() const;
    BasicTensor& set_name(std::string name);  // shown by the tape inspector
    std::vector<BasicTensor> inputs() const;

    Node<T>* node() const { return node_.get(); }
    const std::shared_ptr<Node<T>>& node_ptr() const { return node_; }

private:
    std::shared_ptr<Node<T>> node_;
};

using Tensor = BasicTensor<float>;
using Tensor64 = BasicTensor<double>;

// The backward closure of an op: given the op's own output (so that exp, sigmoid and tanh can
// reuse it without the node owning itself) and grad_out, the gradient of the loss with respect
// to that output, it returns one gradient per input, in input order. An input that does not
// require grad may get an undefined tensor.
template <class T>
using Grads = std::vector<BasicTensor<T>>;  // the gradients an op's backward returns, one per input
template <class T>
using BackwardFn = std::function<Grads<T>(const BasicTensor<T>& out, const BasicTensor<T>& grad_out)>;

// What the version check (VersionError, engine.hpp) keeps: an input changed in place after an op
// recorded it would make the op's backward read the new value. mutable_value() bumps `current`;
// record() copies each input's `current` into `saved`; the sweep compares the two before it runs
// the op's backward.
struct Versions {
    std::uint64_t current = 0;            // how many times the node's value was handed out for writing
    xt::svector<std::uint64_t, 4> saved;  // recorded ops: inputs[k]'s `current` when the op was recorded
};

// One entry of the tape: a value, its gradient, the op that made it, that op's inputs, and the
// backward closure that takes the chain rule one step back through the op.
template <class T>
struct Node : std::enable_shared_from_this<Node<T>> {
    xt::xarray<T> value;
    BasicTensor<T> grad;  // accumulated by backward() (leaves), undefined until then
    const char* op = "leaf";
    std::vector<std::shared_ptr<Node>> inputs;  // empty for leaves
    BackwardFn<T> backward;                     // empty for leaves, and for an op once a sweep has freed the graph
    bool requires_grad = false;
    Versions versions;  // for VersionError (above)
    std::string name;   // set_name(): shown by the tape inspector

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    // Frees the graph behind this node with a loop rather than recursion, so that dropping the
    // last handle to a loss 100,000 ops deep does not overflow the stack.
    ~Node();
};

// Records an op: the result node with its inputs and backward closure when grad mode is on and
// some input requires grad; otherwise a plain leaf holding `value` (op "leaf", no history).
template <class T>
BasicTensor<T> record(const char* op, xt::xarray<T> value, std::vector<BasicTensor<T>> inputs, BackwardFn<T> backward);

// ---- grad mode --------------------------------------------------------------------------
bool is_grad_enabled();

// RAII: while one is alive, ops record nothing (inference, optimizer steps, numeric checks).
class NoGradGuard {
public:
    NoGradGuard();
    ~NoGradGuard();
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool previous_;
};

// Turns recording on again inside a no-grad region (the engine uses it for create_graph).
class EnableGradGuard {
public:
    EnableGradGuard();
    ~EnableGradGuard();
    EnableGradGuard(const EnableGradGuard&) = delete;
    EnableGradGuard& operator=(const EnableGradGuard&) = delete;

private:
    bool previous_;
};

// ---- factories (float32 unless asked otherwise: zeros<double>({2, 3})) --------------------
// Each makes a constant leaf; for a parameter, say so by name: ones({2, 2}).requires_grad_().
template <class T = float>
BasicTensor<T> zeros(const Shape& shape);
template <class T = float>
BasicTensor<T> ones(const Shape& shape);
template <class T = float>
BasicTensor<T> full(const Shape& shape, double value);
template <class T = float>
BasicTensor<T> scalar(double value);
template <class T>
BasicTensor<T> zeros_like(const BasicTensor<T>& t);
template <class T>
BasicTensor<T> ones_like(const BasicTensor<T>& t);

// A tensor from values, in row-major order, and a shape: tensor({1, 2, 3, 4}, {2, 2}) is
// [[1, 2], [3, 4]]. A ShapeError when the number of values is not the shape's size.
template <class T = float>
BasicTensor<T> tensor(const std::vector<double>& values, const Shape& shape);
// A tensor from values in a list, nested one level per axis (up to four): tensor({1, 2, 3}) is
// (3,), tensor({{1, 2, 3}, {4, 5, 6}}) is (2, 3), tensor({{1}, {2}}) is (2, 1). Lists of unequal
// lengths at one level are a ShapeError naming the first that differs. For a parameter:
// tensor({...}).requires_grad_(). (A list of one-element lists three levels deep, {{{1}, {2}}},
// is ambiguous to the compiler: write tensor({1, 2}, {1, 2, 1}) instead.)
template <class T = float>
BasicTensor<T> tensor(const std::vector<double>& values);
template <class T = float>
BasicTensor<T> tensor(std::initializer_list<std::initializer_list<double>> rows);
template <class T = float>
BasicTensor<T> tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> planes);
template <class T = float>
BasicTensor<T> tensor(
    std::initializer_list<std::initializer_list<std::initializer_list<std::initializer_list<double>>>> blocks);

// The same data in the other precision, as a new leaf (requires_grad is not carried over).
Tensor64 to_double(const Tensor& t);
Tensor to_float(const Tensor64& t);

}  // namespace autograd
