// anomaly.cpp: the checks of anomaly mode and the messages they give. When the mode is off only
// SweepChecks' constructor and destructor run (one switch test and the running backward kept, per
// sweep); record() and the sweep test the switch before calling anything else here.
#include "autograd/anomaly.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "autograd/engine.hpp"
#include "autograd/shape.hpp"

namespace autograd {

namespace detail {
std::atomic<bool> anomaly_enabled{false};
}  // namespace detail

namespace {
// What the mode keeps, per thread, beside the nodes rather than in them (a node holds only what
// every run needs). The ops recorded on this thread since the mode was turned on or the last
// backward() ended:
thread_local std::size_t tape_counter = 0;

// Each op's tape index, by its node. An entry holds its node weakly: one whose node has died
// reads as absent, and such entries are dropped whenever the table has doubled since they were
// last dropped, so it stays near the number of nodes alive.
struct TapeEntry {
    std::weak_ptr<const void> node;
    std::size_t index;
    // A fingerprint of each input's value and of the op's own, when it was recorded: the sweep
    // compares them before the op's backward runs (a write the version counter did not see).
    std::vector<std::uint64_t> fingerprints;
};
thread_local std::unordered_map<const void*, TapeEntry> tape_indices;
thread_local std::size_t tape_indices_limit = 1024;

// A 64-bit fingerprint of an array's bytes (a multiply-xor hash, 8 bytes at a time): two values
// that differ anywhere differ here but with a chance of 2^-64.
template <class T>
std::uint64_t fingerprint(const xt::xarray<T>& a) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(a.data());
    const std::size_t n = a.size() * sizeof(T);
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes + i, 8);
        h = (h ^ word) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    for (; i < n; ++i) h = (h ^ bytes[i]) * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
}

template <class T>
TapeEntry& set_tape_index(Node<T>& node, std::size_t index) {
    if (tape_indices.size() >= tape_indices_limit) {
        for (auto it = tape_indices.begin(); it != tape_indices.end();)
            it = it->second.node.expired() ? tape_indices.erase(it) : std::next(it);
        tape_indices_limit = std::max<std::size_t>(1024, 2 * tape_indices.size());
    }
    TapeEntry& entry = tape_indices[&node];
    entry = TapeEntry{node.weak_from_this(), index, {}};
    return entry;
}

// The node whose backward is running on this thread (nullptr outside a sweep), so that an op
// called inside a backward is reported as part of it.
template <class T>
const Node<T>*& current_backward() {
    thread_local const Node<T>* node = nullptr;
    return node;
}

// "nan at [2] of (4,)"
template <class T>
std::string where(const xt::xarray<T>& a, std::size_t flat) {
    const Shape shape = shape_of(a);
    return fmt::format("{} at {} of {}", a.data()[flat], index_str(shape, flat), shape_str(shape));
}

// "'log' (tape index 5)", with the tensor's name when it has one.
template <class T>
std::string describe(const Node<T>& node) {
    std::string s = fmt::format("'{}'", node.op);
    if (!node.name.empty()) s += fmt::format(" named '{}'", node.name);
    if (const std::size_t index = detail::tape_index(node); index > 0)
        s += fmt::format(" (tape index {})", index);
    else if (!node.inputs.empty())
        s += " (recorded before anomaly mode was turned on)";
    return s;
}

// "(64, 784) 'x', (784, 64) 'W'": the shapes of an op's inputs, with their names.
template <class T>
std::string input_shapes(const std::vector<const Node<T>*>& inputs) {
    std::vector<std::string> parts;
    for (const Node<T>* in : inputs)
        parts.push_back(shape_str(shape_of(in->value)) + (in->name.empty() ? "" : fmt::format(" '{}'", in->name)));
    return parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, ", "));
}
template <class T>
std::vector<const Node<T>*> raw(const std::vector<std::shared_ptr<Node<T>>>& inputs) {
    std::vector<const Node<T>*> out;
    for (const auto& in : inputs) out.push_back(in.get());
    return out;
}

// What usually makes an op's first non-finite value, for the ops where it is not obvious.
std::string cause(const char* op, bool nan) {
    const std::string o = op;
    if (o == "log") return nan ? "the log of a negative number is nan" : "log(0) is -inf";
    if (o == "div") return nan ? "0 / 0 is nan" : "a division by 0 (or by a number near it) is inf";
    if (o == "sqrt") return "the square root of a negative number is nan";
    if (o == "pow") return "a negative number to a fractional power is nan, 0 to a negative power inf";
    if (o == "exp") return "exp overflows past 88 in float32 (709 in float64)";
    return nan ? "nan comes from inf - inf, 0 * inf, 0 / 0, or from an input's inf"
               : "inf comes from an overflow (float32 stops at 3.4e38) or a division by 0";
}

// The context of a message for an op run inside a backward: "in the backward of 'log' (tape
// index 5; its forward inputs: (4,)), ".
template <class T>
std::string inside_backward() {
    const Node<T>* node = current_backward<T>();
    if (node == nullptr) return "";
    return fmt::format("in the backward of {} (its forward inputs: {}), ", describe(*node),
                       input_shapes(raw(node->inputs)));
}

// Turning the mode off forgets the tape indices: no message needs them then, and the table's
// weak handles would otherwise keep the memory of dead nodes until the mode's next use.
void forget_tape_indices() {
    tape_indices.clear();
    tape_indices_limit = 1024;
}
}  // namespace

void set_detect_anomaly(bool on) {
    if (on) tape_counter = 0;
    if (!on) forget_tape_indices();
    detail::anomaly_enabled.store(on, std::memory_order_relaxed);
}

DetectAnomaly::DetectAnomaly(bool on) : previous_(is_anomaly_enabled()) {
    if (on && !previous_) tape_counter = 0;
    if (!on && previous_) forget_tape_indices();
    detail::anomaly_enabled.store(on, std::memory_order_relaxed);
}
DetectAnomaly::~DetectAnomaly() {
    if (is_anomaly_enabled() && !previous_) forget_tape_indices();
    detail::anomaly_enabled.store(previous_, std::memory_order_relaxed);
}

namespace detail {

void reset_tape_index() { tape_counter = 0; }

template <class T>
std::size_t tape_index(const Node<T>& node) {
    const auto it = tape_indices.find(&node);
    return it == tape_indices.end() || it->second.node.expired() ? 0 : it->second.index;
}

template <class T>
void check_forward(const char* op, Node<T>& node, const std::vector<BasicTensor<T>>& inputs) {
    const std::size_t index = ++tape_counter;
    TapeEntry& entry = set_tape_index(node, index);
    // The values the op's backward will read, fingerprinted when it has one (an input requires grad).
    if (std::any_of(inputs.begin(), inputs.end(), [](const BasicTensor<T>& in) { return in.requires_grad(); })) {
        for (const auto& in : inputs) entry.fingerprints.push_back(fingerprint(in.value()));
        entry.fingerprints.push_back(fingerprint(node.value));
    }
    const std::size_t bad = first_non_finite(node.value);
    if (bad == node.value.size()) return;
    std::vector<const Node<T>*> ins;
    for (const auto& in : inputs) ins.push_back(in.node());
    const std::string context = inside_backward<T>();
    const std::string head = context.empty()
                                 ? fmt::format(
                                       "anomaly: '{}' (tape index {}: op {} since anomaly mode began or the last "
                                       "backward() ended) with inputs {}",
                                       op, index, index, input_shapes(ins))
                                 : fmt::format("anomaly: {}'{}' with inputs {}", context, op, input_shapes(ins));
    // Was the bad value already there? Every op's output is checked in this mode, so an input
    // can only be bad if it came from outside the ops: a leaf (data, a weight), or a tensor
    // recorded before the mode was on.
    for (std::size_t k = 0; k < ins.size(); ++k) {
        const std::size_t in_bad = first_non_finite(ins[k]->value);
        if (in_bad == ins[k]->value.size()) continue;
        std::string origin;
        if (!ins[k]->inputs.empty())
            origin = fmt::format("made by {}", describe(*ins[k]));
        else if (ins[k]->versions.current > 0)
            origin = fmt::format(
                "a leaf{} changed in place {} time{} (mutable_value(): an optimizer step; a step too large, from a "
                "learning rate too high, overflows a weight to inf and then nan)",
                ins[k]->name.empty() ? "" : fmt::format(" named '{}'", ins[k]->name), ins[k]->versions.current,
                ins[k]->versions.current == 1 ? "" : "s");
        else
            origin = fmt::format("a leaf{} that held it from the start (the data, or a tensor built with it)",
                                 ins[k]->name.empty() ? "" : fmt::format(" named '{}'", ins[k]->name));
        throw AnomalyError(fmt::format("{} was given {} in its input {}, {}; the first non-finite value did not come "
                                       "from an op",
                                       head, where(ins[k]->value, in_bad), k, origin),
                           op, index);
    }
    const bool nan = std::isnan(node.value.data()[bad]);
    throw AnomalyError(fmt::format("{} produced {} from finite inputs: it is the first op to make a non-finite value "
                                   "({})",
                                   head, where(node.value, bad), cause(op, nan)),
                       op, index);
}

template <class T>
SweepChecks<T>::SweepChecks(const BasicTensor<T>& seed) : on_(is_anomaly_enabled()), previous_(current_backward<T>()) {
    if (!on_) return;
    const std::size_t bad = first_non_finite(seed.value());
    if (bad != seed.value().size())
        throw AnomalyError(
            fmt::format("anomaly: the seed gradient given to backward holds {}", where(seed.value(), bad)), "backward",
            0);
}

template <class T>
SweepChecks<T>::~SweepChecks() {
    current_backward<T>() = previous_;
}

template <class T>
void SweepChecks<T>::enter(const Node<T>& node) {
    current_backward<T>() = &node;
    // A value changed since the op was recorded, which the version check (engine.cpp) did not see:
    // written through a reference or a pointer that mutable_value() handed out earlier.
    const auto it = tape_indices.find(&node);
    if (it == tape_indices.end() || it->second.node.expired()) return;
    const std::vector<std::uint64_t>& saved = it->second.fingerprints;
    if (saved.size() != node.inputs.size() + 1) return;
    for (std::size_t k = 0; k <= node.inputs.size(); ++k) {
        const xt::xarray<T>& value = k < node.inputs.size() ? node.inputs[k]->value : node.value;
        if (fingerprint(value) == saved[k]) continue;
        const std::string what =
            k < node.inputs.size()
                ? fmt::format("its input {} {}{}", k, shape_str(shape_of(value)),
                              node.inputs[k]->name.empty() ? "" : fmt::format(" '{}'", node.inputs[k]->name))
                : fmt::format("its own value {}", shape_str(shape_of(value)));
        throw VersionError(fmt::format(
            "anomaly: {} was recorded, and then {} changed without a call to mutable_value() (its version did not "
            "move): written through a reference or a pointer that mutable_value() gave out before. Its backward "
            "would read the new values and give the gradient of a function nobody computed. Call mutable_value() "
            "again right before each write, so that the change is counted (outside anomaly mode this is not caught)",
            describe(node), what));
    }
}

template <class T>
void SweepChecks<T>::check_gradients(const Node<T>& node, const Grads<T>& grads) const {
    for (std::size_t k = 0; k < grads.size() && k < node.inputs.size(); ++k) {
        if (!grads[k].defined()) continue;
        const std::size_t bad = first_non_finite(grads[k].value());
        if (bad == grads[k].value().size()) continue;
        const Node<T>& input = *node.inputs[k];
        throw AnomalyError(
            fmt::format("anomaly: the backward of {} (its forward inputs: {}) returned {} in the gradient for its "
                        "input {} ({}); the gradient flowing into '{}' was finite, so its backward is where the "
                        "non-finite value starts",
                        describe(node), input_shapes(raw(node.inputs)), where(grads[k].value(), bad), k,
                        input.inputs.empty()
                            ? std::string(input.name.empty() ? "a leaf" : fmt::format("the leaf '{}'", input.name))
                            : fmt::format("made by {}", describe(input)),
                        node.op),
            node.op, tape_index(node));
    }
}

#define AUTOGRAD_INSTANTIATE(T)                                                             \
    template void check_forward(const char*, Node<T>&, const std::vector<BasicTensor<T>>&); \
    template std::size_t tape_index(const Node<T>&);                                        \
    template class SweepChecks<T>;
AUTOGRAD_INSTANTIATE(float)
AUTOGRAD_INSTANTIATE(double)
#undef AUTOGRAD_INSTANTIATE

}  // namespace detail

}  // namespace autograd
