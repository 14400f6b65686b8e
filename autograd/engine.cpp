#include "autograd/engine.hpp"

#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "autograd/anomaly.hpp"
#include "autograd/ops.hpp"
#include "autograd/shape.hpp"

namespace autograd {

namespace {

// Every node behind `root` that requires grad, each after all of its inputs (post-order DFS
// with an explicit stack instead of recursion).
template <class T>
std::vector<Node<T>*> topological_order(Node<T>* root) {
    std::vector<Node<T>*> order;
    std::unordered_set<Node<T>*> visited{root};
    std::vector<std::pair<Node<T>*, std::size_t>> stack{{root, 0}};  // (node, next input to visit)
    while (!stack.empty()) {
        Node<T>* node = stack.back().first;
        std::size_t& next = stack.back().second;
        if (next < node->inputs.size()) {
            Node<T>* input = node->inputs[next++].get();
            if (input->requires_grad && visited.insert(input).second) stack.push_back({input, 0});
        } else {
            order.push_back(node);
            stack.pop_back();
        }
    }
    return order;
}

template <class T>
BasicTensor<T> checked_seed(const char* caller, const BasicTensor<T>& output, const BasicTensor<T>& seed) {
    if (!output.defined()) throw std::logic_error(fmt::format("{}: the output tensor is undefined", caller));
    if (!output.requires_grad())
        throw std::logic_error(fmt::format(
            "{}: the output does not require grad (no input required grad, or it was made under NoGradGuard)", caller));
    if (!seed.defined()) {
        if (output.size() != 1)
            throw ShapeError(fmt::format(
                "{}: the output has shape {}; a seed gradient can be left out only for a scalar output, so pass "
                "a seed of shape {}",
                caller, shape_str(output.shape()), shape_str(output.shape())));
        return ones<T>(output.shape());
    }
    if (seed.shape() != output.shape())
        throw ShapeError(fmt::format("{}: seed gradient of shape {} for an output of shape {}", caller,
                                     shape_str(seed.shape()), shape_str(output.shape())));
    return seed;
}

// The checks the sweep makes on each op before and after its backward runs; each throws with a
// message that names the op and says what to do.

// A logic_error when an earlier sweep dropped the op's closure (and what it saved).
template <class T>
void check_not_freed(const char* caller, const Node<T>& node) {
    if (node.backward) return;
    throw std::logic_error(fmt::format(
        "{}: the graph through '{}' was already freed by an earlier backward; to go through it twice, give the first "
        "call retain_graph (loss.backward(retain_graph))",
        caller, node.op));
}

// A VersionError when an input of `node` (or its own value) was changed in place since the op was
// recorded: its backward would read the new value.
template <class T>
void check_versions(const char* caller, const Node<T>& node) {
    for (std::size_t k = 0; k < node.inputs.size(); ++k) {
        const Node<T>& input = *node.inputs[k];
        if (__builtin_expect(input.versions.current == node.versions.saved[k], true)) continue;
        const std::string what = input.inputs.empty() ? (input.name.empty() ? std::string("a leaf")
                                                                            : fmt::format("the leaf '{}'", input.name))
                                                      : fmt::format("the output of '{}'", input.op);
        throw VersionError(fmt::format(
            "{}: '{}' saved its input {} ({}, shape {}) for its backward, but that value was changed in place "
            "since (version {} when '{}' was recorded, {} now): an optimizer step or another mutable_value() between "
            "the forward pass and backward(). Call backward() before changing weights, or run the forward pass "
            "again",
            caller, node.op, k, what, shape_str(shape_of(input.value)), node.versions.saved[k], node.op,
            input.versions.current));
    }
    if (__builtin_expect(node.versions.current != 0, false))
        throw VersionError(fmt::format(
            "{}: the output of '{}' (shape {}) was changed in place (mutable_value()) after the op made it; its "
            "backward may read it. Change a copy (detach()) instead",
            caller, node.op, shape_str(shape_of(node.value))));
}

// A logic_error when the backward returned a gradient count other than its input count, a
// ShapeError when a gradient for an input that requires one does not have that input's shape.
template <class T>
void check_input_grads(const char* caller, const Node<T>& node, const Grads<T>& grads) {
    if (grads.size() != node.inputs.size())
        throw std::logic_error(fmt::format("{}: the backward of '{}' returned {} gradients for {} inputs", caller,
                                           node.op, grads.size(), node.inputs.size()));
    for (std::size_t k = 0; k < grads.size(); ++k) {
        const Node<T>& input = *node.inputs[k];
        if (!input.requires_grad || !grads[k].defined()) continue;
        // The two shapes compared where they lie, without copying either.
        if (__builtin_expect(grads[k].value().shape() == input.value.shape(), true)) continue;
        throw ShapeError(fmt::format(
            "{}: the backward of '{}' returned a gradient of shape {} for its input {} of shape {}; a gradient has "
            "its input's shape (a broadcast input's gradient is summed back to it: sum_to)",
            caller, node.op, shape_str(grads[k].shape()), k, shape_str(shape_of(input.value))));
    }
}

thread_local std::size_t sweep_count = 0;

// The sweep shared by backward() and grad(). `on_gradient` receives each node with the total
// gradient that reached it; it returns false to stop the gradient there (leaves).
template <class T, class OnGradient>
void sweep(const char* caller, const BasicTensor<T>& output, const BasicTensor<T>& seed, GradOptions options,
           OnGradient on_gradient) {
    BasicTensor<T> first = checked_seed(caller, output, seed);
    ++sweep_count;
    detail::SweepChecks<T> anomaly(first);  // anomaly mode's hooks (anomaly.hpp); off, a branch each
    // The gradient arithmetic is recorded only with create_graph; otherwise it is plain numbers.
    NoGradGuard no_grad;
    std::optional<EnableGradGuard> record_gradients;
    if (options.create_graph) record_gradients.emplace();

    // ---- the reverse sweep: sort, then walk backwards ----
    const std::vector<Node<T>*> order = topological_order(output.node());
    // The sweep's own scratch state: the gradient gathered so far for each node, by its place in
    // `order` (nodes themselves hold only what the forward pass made).
    std::unordered_map<const Node<T>*, std::size_t> place;
    for (std::size_t i = 0; i < order.size(); ++i) place[order[i]] = i;
    std::vector<BasicTensor<T>> pending(order.size());
    pending.back() = std::move(first);  // the output comes last in `order`

    for (std::size_t i = order.size(); i-- > 0;) {
        Node<T>* node = order[i];
        const BasicTensor<T> grad_out = std::move(pending[i]);
        if (!grad_out.defined() || !on_gradient(node, grad_out) || node->inputs.empty()) continue;
        check_not_freed(caller, *node);
        check_versions(caller, *node);
        anomaly.before_backward(*node);
        const Grads<T> grads = node->backward(BasicTensor<T>(node->shared_from_this()), grad_out);
        check_input_grads(caller, *node, grads);
        anomaly.after_backward(*node, grads);
        for (std::size_t k = 0; k < grads.size(); ++k) {
            if (!grads[k].defined() || !node->inputs[k]->requires_grad) continue;
            BasicTensor<T>& gathered = pending[place.at(node->inputs[k].get())];
            gathered = gathered.defined() ? gathered + grads[k] : grads[k];  // accumulate
        }
        if (!options.retain_graph && !options.create_graph) node->backward = nullptr;  // drop what it saved
    }
    // ---- end of the reverse sweep ----
}

}  // namespace

template <class T>
void backward(const BasicTensor<T>& output, const BasicTensor<T>& seed, GradOptions options) {
    sweep("backward", output, seed, options, [&](Node<T>* node, const BasicTensor<T>& grad_out) {
        if (!node->inputs.empty()) return true;
        node->grad = node->grad.defined() ? node->grad + grad_out : grad_out;  // leaves accumulate across calls
        if (!options.create_graph && node->grad.requires_grad())
            node->grad = node->grad.detach();  // a seed with history
        return false;
    });
    if (__builtin_expect(is_anomaly_enabled(), false)) detail::reset_tape_index();  // the next step counts from 1
}

template <class T>
void backward(const BasicTensor<T>& output, GradOptions options) {
    backward(output, BasicTensor<T>(), options);
}

template <class T>
std::vector<BasicTensor<T>> grad(const BasicTensor<T>& output, const std::vector<BasicTensor<T>>& inputs,
                                 const BasicTensor<T>& seed, GradOptions options) {
    std::unordered_map<Node<T>*, BasicTensor<T>> found;
    for (const auto& input : inputs) {
        if (!input.defined()) throw std::logic_error("grad: one of the inputs is undefined");
        found[input.node()] = BasicTensor<T>();
    }
    sweep("grad", output, seed, options, [&](Node<T>* node, const BasicTensor<T>& grad_out) {
        auto it = found.find(node);
        if (it != found.end()) it->second = grad_out;
        return true;  // a leaf's grad() is left alone: the sweep just stops there (no inputs)
    });
    std::vector<BasicTensor<T>> out;
    for (const auto& input : inputs) {
        const BasicTensor<T>& grad_input = found[input.node()];
        out.push_back(grad_input.defined() ? grad_input : zeros<T>(input.shape()));
    }
    return out;
}

template <class T>
std::vector<BasicTensor<T>> grad(const BasicTensor<T>& output, const std::vector<BasicTensor<T>>& inputs,
                                 GradOptions options) {
    return grad(output, inputs, BasicTensor<T>(), options);
}

#define AUTOGRAD_INSTANTIATE(T)                                                                                        \
    template void backward(const BasicTensor<T>&, GradOptions);                                                        \
    template void backward(const BasicTensor<T>&, const BasicTensor<T>&, GradOptions);                                 \
    template std::vector<BasicTensor<T>> grad(const BasicTensor<T>&, const std::vector<BasicTensor<T>>&, GradOptions); \
    template std::vector<BasicTensor<T>> grad(const BasicTensor<T>&, const std::vector<BasicTensor<T>>&,               \
                                              const BasicTensor<T>&, GradOptions);
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

std::size_t sweeps_run() { return sweep_count; }

}  // namespace autograd
