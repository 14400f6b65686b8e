#include "autograd/engine.hpp"

#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

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

// The sweep shared by backward() and grad(). `on_gradient` receives each node with the total
// gradient that reached it; it returns false to stop the gradient there (leaves).
template <class T, class OnGradient>
void sweep(const char* caller, const BasicTensor<T>& output, const BasicTensor<T>& seed, bool retain_graph,
           bool create_graph, OnGradient on_gradient) {
    // ---- the reverse sweep: sort, then walk backwards ----
    BasicTensor<T> first = checked_seed(caller, output, seed);
    const std::vector<Node<T>*> order = topological_order(output.node());
    // The gradient arithmetic is recorded only with create_graph; otherwise it is plain numbers.
    NoGradGuard no_grad;
    std::optional<EnableGradGuard> record_gradients;
    if (create_graph) record_gradients.emplace();

    output.node()->pending = std::move(first);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Node<T>* node = *it;
        BasicTensor<T> grad_out = std::move(node->pending);
        node->pending = BasicTensor<T>();
        if (!grad_out.defined() || !on_gradient(node, grad_out) || node->inputs.empty()) continue;
        if (node->freed)
            throw std::logic_error(fmt::format(
                "{}: the graph through '{}' was already freed by an earlier backward; pass retain_graph = true "
                "to the first call to go through it twice",
                caller, node->op));
        std::vector<BasicTensor<T>> grads = node->backward(BasicTensor<T>(node->shared_from_this()), grad_out);
        if (grads.size() != node->inputs.size())
            throw std::logic_error(fmt::format("{}: the backward of '{}' returned {} gradients for {} inputs", caller,
                                               node->op, grads.size(), node->inputs.size()));
        for (std::size_t i = 0; i < grads.size(); ++i) {
            Node<T>* input = node->inputs[i].get();
            if (!input->requires_grad || !grads[i].defined()) continue;
            input->pending = input->pending.defined() ? input->pending + grads[i] : grads[i];  // accumulate
        }
        if (!retain_graph && !create_graph) {
            node->backward = nullptr;  // drop the tensors the closure saved
            node->freed = true;
        }
    }
    // ---- end of the reverse sweep ----
}

}  // namespace

template <class T>
void backward(const BasicTensor<T>& output, const BasicTensor<T>& seed, bool retain_graph, bool create_graph) {
    sweep("backward", output, seed, retain_graph, create_graph, [&](Node<T>* node, const BasicTensor<T>& g) {
        if (!node->inputs.empty()) return true;
        node->grad = node->grad.defined() ? node->grad + g : g;  // leaves accumulate across calls
        if (!create_graph && node->grad.requires_grad()) node->grad = node->grad.detach();  // a seed with history
        return false;
    });
}

template <class T>
std::vector<BasicTensor<T>> grad(const BasicTensor<T>& output, const std::vector<BasicTensor<T>>& inputs,
                                 const BasicTensor<T>& seed, bool retain_graph, bool create_graph) {
    std::unordered_map<Node<T>*, BasicTensor<T>> found;
    for (const auto& input : inputs) {
        if (!input.defined()) throw std::logic_error("grad: one of the inputs is undefined");
        found[input.node()] = BasicTensor<T>();
    }
    sweep("grad", output, seed, retain_graph, create_graph, [&](Node<T>* node, const BasicTensor<T>& g) {
        auto it = found.find(node);
        if (it != found.end()) it->second = g;
        return true;  // a leaf's grad() is left alone: the sweep just stops there (no inputs)
    });
    std::vector<BasicTensor<T>> out;
    for (const auto& input : inputs) {
        const BasicTensor<T>& g = found[input.node()];
        out.push_back(g.defined() ? g : zeros<T>(input.shape()));
    }
    return out;
}

template void backward(const Tensor&, const Tensor&, bool, bool);
template void backward(const Tensor64&, const Tensor64&, bool, bool);
template std::vector<Tensor> grad(const Tensor&, const std::vector<Tensor>&, const Tensor&, bool, bool);
template std::vector<Tensor64> grad(const Tensor64&, const std::vector<Tensor64>&, const Tensor64&, bool, bool);

}  // namespace autograd
