#include "autograd/inspect.hpp"

#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "autograd/shape.hpp"

namespace autograd {

namespace {
// Every node behind `root` (constants too), each after its inputs, numbered in that order.
template <class T>
std::vector<Node<T>*> all_nodes(Node<T>* root, std::unordered_map<Node<T>*, std::size_t>& id) {
    std::vector<Node<T>*> order;
    std::vector<std::pair<Node<T>*, std::size_t>> stack{{root, 0}};
    id[root] = 0;
    while (!stack.empty()) {
        Node<T>* node = stack.back().first;
        std::size_t& next = stack.back().second;
        if (next < node->inputs.size()) {
            Node<T>* input = node->inputs[next++].get();
            if (id.emplace(input, 0).second) stack.push_back({input, 0});
        } else {
            id[node] = order.size();
            order.push_back(node);
            stack.pop_back();
        }
    }
    return order;
}

template <class T>
std::string label(Node<T>* node, const std::unordered_map<Node<T>*, std::size_t>& id) {
    return node->name.empty() ? fmt::format("%{}", id.at(node)) : fmt::format("%{} {}", id.at(node), node->name);
}
}  // namespace

template <class T>
std::string tape_text(const BasicTensor<T>& t) {
    if (!t.defined()) throw std::logic_error("tape_text: the tensor is undefined");
    std::unordered_map<Node<T>*, std::size_t> id;
    const std::vector<Node<T>*> order = all_nodes(t.node(), id);
    std::string out = fmt::format("tape of {} ({} nodes, inputs first)\n", label(t.node(), id), order.size());
    for (Node<T>* node : order) {
        std::string line =
            fmt::format("  {:<10} {:<14} {:<10}", label(node, id), node->op, shape_str(shape_of(node->value)));
        if (node->inputs.empty()) {
            line += node->requires_grad ? " requires grad" : " constant";
        } else {
            std::vector<std::string> ins;
            for (const auto& in : node->inputs) ins.push_back(label(in.get(), id));
            line += fmt::format(" <- {}", fmt::join(ins, ", "));
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}

template <class T>
std::string tape_dot(const BasicTensor<T>& t) {
    if (!t.defined()) throw std::logic_error("tape_dot: the tensor is undefined");
    std::unordered_map<Node<T>*, std::size_t> id;
    const std::vector<Node<T>*> order = all_nodes(t.node(), id);
    // A title and a key, so that the picture reads without the code that drew it.
    std::string out = fmt::format(
        "digraph tape {{\n  rankdir=BT;\n  labelloc=t;\n  fontname=\"Helvetica\";\n"
        "  label=\"the tape of {}: ellipses are ops, boxes are leaves (shaded: requires grad);\\n"
        "arrows go the way the forward pass went, backward() walks them in reverse\";\n"
        "  node [fontname=\"Helvetica\", fontsize=11];\n",
        t.node()->name.empty() ? "the output" : t.node()->name);
    for (Node<T>* node : order) {
        const std::string shape = shape_str(shape_of(node->value));
        const std::string name = node->name.empty() ? "" : node->name + "\\n";
        if (node->inputs.empty())
            out += fmt::format("  n{} [shape=box, style=\"{}\", fillcolor=\"#cfe3ff\", label=\"{}{}\"];\n", id[node],
                               node->requires_grad ? "filled,rounded" : "rounded", name, shape);
        else
            out += fmt::format("  n{} [shape=ellipse, label=\"{}{}\\n{}\"];\n", id[node], name, node->op, shape);
    }
    for (Node<T>* node : order)
        for (const auto& in : node->inputs) out += fmt::format("  n{} -> n{};\n", id[in.get()], id[node]);
    return out + "}\n";
}

template std::string tape_text(const Tensor&);
template std::string tape_text(const Tensor64&);
template std::string tape_dot(const Tensor&);
template std::string tape_dot(const Tensor64&);

}  // namespace autograd
