#include "nn/module.hpp"

#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

namespace nn {

namespace {
// While summary() runs, every leaf layer called appends a row here.
struct SummaryRow {
    const Module* module;
    autograd::Shape output;
};
thread_local std::vector<SummaryRow>* summary_rows = nullptr;

void check_name(const char* what, const std::string& name) {
    if (name.empty() || name.find('.') != std::string::npos)
        throw std::invalid_argument(fmt::format("{}: name '{}' must be non-empty and contain no '.'", what, name));
}

template <class Entries>
void check_unique(const char* what, const Entries& entries, const std::string& name) {
    for (const auto& e : entries)
        if (e.first == name) throw std::invalid_argument(fmt::format("{}: '{}' is registered twice", what, name));
}
}  // namespace

// ---- float64 stand-ins ----------------------------------------------------------------------
void Params64::set(const autograd::Tensor& t, autograd::Tensor64 stand_in) {
    if (!t.defined() || !stand_in.defined() || t.shape() != stand_in.shape())
        throw std::invalid_argument("Params64::set: a stand-in must be defined and have its tensor's shape");
    stand_ins_[t.node()] = std::move(stand_in);
}

autograd::Tensor64 Params64::operator()(const autograd::Tensor& t) const {
    if (!t.defined()) return autograd::Tensor64();
    const auto it = stand_ins_.find(t.node());
    return it != stand_ins_.end() ? it->second : autograd::to_double(t);
}

autograd::Tensor64 Module::forward64(const autograd::Tensor64&, const Params64&) {
    throw std::logic_error(
        fmt::format("{}: has no float64 forward; override forward64 with the functional form its "
                    "forward uses, to gradcheck it",
                    type_name()));
}

// ---- calling ---------------------------------------------------------------------------------
autograd::Tensor Module::operator()(const autograd::Tensor& x) {
    autograd::Tensor y = forward(x);
    if (summary_rows && children_.empty()) summary_rows->push_back({this, y.shape()});
    return y;
}

// ---- registration --------------------------------------------------------------------------
autograd::Tensor Module::register_parameter(std::string name, autograd::Tensor value) {
    check_name("register_parameter", name);
    check_unique("register_parameter", params_, name);
    check_unique("register_parameter", buffers_, name);
    if (!value.is_leaf())
        throw std::invalid_argument(fmt::format("register_parameter: '{}' is not a leaf tensor", name));
    value.requires_grad_(true);
    params_.emplace_back(std::move(name), value);
    return value;
}

autograd::Tensor Module::register_buffer(std::string name, autograd::Tensor value) {
    check_name("register_buffer", name);
    check_unique("register_buffer", buffers_, name);
    check_unique("register_buffer", params_, name);
    buffers_.emplace_back(std::move(name), value);
    return value;
}

void Module::add_child(std::string name, std::shared_ptr<Module> module) {
    check_name("register_module", name);
    check_unique("register_module", children_, name);
    if (!module) throw std::invalid_argument(fmt::format("register_module: '{}' is null", name));
    children_.emplace_back(std::move(name), std::move(module));
}

// ---- walking the tree ------------------------------------------------------------------------
// Calls visit(dotted name, tensor) for this module's parameters (or buffers), then each child's.
template <class Visit>
void Module::visit_tensors(bool buffers, const std::string& prefix, Visit& visit) const {
    for (const auto& [name, t] : buffers ? buffers_ : params_) visit(prefix + name, t);
    for (const auto& [name, child] : children_) child->visit_tensors(buffers, prefix + name + ".", visit);
}

std::vector<std::pair<std::string, autograd::Tensor>> Module::named_parameters() const {
    std::vector<std::pair<std::string, autograd::Tensor>> out;
    std::unordered_set<const void*> seen;  // a shared tensor is listed once
    auto visit = [&](const std::string& name, const autograd::Tensor& t) {
        if (seen.insert(t.node()).second) out.emplace_back(name, t);
    };
    visit_tensors(false, "", visit);
    return out;
}

std::vector<std::pair<std::string, autograd::Tensor>> Module::named_buffers() const {
    std::vector<std::pair<std::string, autograd::Tensor>> out;
    auto visit = [&](const std::string& name, const autograd::Tensor& t) { out.emplace_back(name, t); };
    visit_tensors(true, "", visit);
    return out;
}

// ---- state: what a checkpoint holds -------------------------------------------------------------
StateDict Module::state_dict() const {
    StateDict state;
    for (const auto& [name, t] : named_parameters()) state[name] = t.value();
    for (const auto& [name, t] : named_buffers()) state[name] = t.value();
    return state;
}

void Module::load_state_dict(StateDict state) {
    std::vector<std::pair<std::string, autograd::Tensor>> targets = named_parameters();
    for (auto& b : named_buffers()) targets.push_back(b);
    // Check everything first, so that a mismatch leaves the module as it was.
    for (const auto& [name, t] : targets) {
        const auto it = state.find(name);
        if (it == state.end())
            throw std::invalid_argument(fmt::format("the model has '{}' but the checkpoint does not", name));
        const autograd::Shape shape(it->second.shape().begin(), it->second.shape().end());
        if (shape != t.shape())
            throw std::invalid_argument(fmt::format("'{}' has shape {} in the checkpoint but {} in the model", name,
                                                    autograd::shape_str(shape), autograd::shape_str(t.shape())));
    }
    if (state.size() != targets.size())
        for (const auto& [name, array] : state) {
            bool known = false;
            for (const auto& t : targets) known = known || t.first == name;
            if (!known)
                throw std::invalid_argument(fmt::format("the checkpoint has '{}' but the model does not", name));
        }
    for (auto& [name, t] : targets) t.mutable_value() = std::move(state[name]);
}

std::vector<autograd::Tensor> Module::parameters() const {
    std::vector<autograd::Tensor> out;
    for (const auto& p : named_parameters()) out.push_back(p.second);
    return out;
}

std::vector<autograd::Tensor> Module::trainable_parameters() const {
    std::vector<autograd::Tensor> out;
    for (const auto& p : named_parameters())
        if (p.second.requires_grad()) out.push_back(p.second);
    return out;
}

std::size_t Module::num_parameters() const {
    std::size_t n = 0;
    for (const auto& p : named_parameters()) n += p.second.size();
    return n;
}

void Module::zero_grad() {
    for (auto& p : parameters()) p.zero_grad();
}

void Module::train(bool on) {
    training_ = on;
    for (auto& child : children_) child.second->train(on);
}

void Module::set_requires_grad(bool on) {
    for (auto& p : parameters()) p.requires_grad_(on);
}

// ---- summary ---------------------------------------------------------------------------------
std::string Module::summary(const autograd::Shape& input_shape) {
    // Dotted names of every module (a shared one under its first name), to label the rows, and
    // each module's train / eval flag, to put back afterwards.
    std::unordered_map<const Module*, std::string> path;
    std::vector<std::pair<Module*, bool>> modes;
    std::vector<std::pair<Module*, std::string>> todo{{this, ""}};
    while (!todo.empty()) {
        auto [m, name] = todo.back();
        todo.pop_back();
        if (!path.emplace(m, name).second) continue;
        modes.push_back({m, m->training_});
        for (auto it = m->children_.rbegin(); it != m->children_.rend(); ++it)  // first child on top
            todo.push_back({it->second.get(), name.empty() ? it->first : name + "." + it->first});
    }
    // The trial pass runs in eval mode, so that it changes nothing: no batch norm statistics are
    // updated and no dropout mask is drawn.
    struct Restore {
        std::vector<std::pair<Module*, bool>>& modes;
        ~Restore() {
            summary_rows = nullptr;
            for (auto& [m, training] : modes) m->training_ = training;
        }
    } restore{modes};
    for (auto& [m, training] : modes) m->training_ = false;
    std::vector<SummaryRow> rows;
    {
        autograd::NoGradGuard no_grad;
        summary_rows = &rows;
        (*this)(autograd::zeros(input_shape));
        summary_rows = nullptr;
    }
    std::string out = fmt::format("{:<14} {:<28} {:<16} {:>12}\n", "layer", "type", "output shape", "parameters");
    std::unordered_set<const void*> counted;
    for (const SummaryRow& row : rows) {
        std::size_t n = 0;  // parameters of this layer not already shown above (tied ones are not)
        for (const auto& p : row.module->params_)
            if (counted.insert(p.second.node()).second) n += p.second.size();
        const auto it = path.find(row.module);
        out += fmt::format("{:<14} {:<28} {:<16} {:>12}\n", it == path.end() ? "?" : it->second,
                           row.module->type_name(), autograd::shape_str(row.output), n);
    }
    out += fmt::format("{:<14} {:<28} {:<16} {:>12}\n", "total", "", autograd::shape_str(input_shape) + " in",
                       num_parameters());
    return out;
}

// ---- Sequential ------------------------------------------------------------------------------
Module& Sequential::operator[](std::size_t i) const {
    if (i >= size()) throw std::out_of_range(fmt::format("Sequential: layer {} of {}", i, size()));
    return *named_children()[i].second;
}

autograd::Tensor Sequential::forward(const autograd::Tensor& x) {
    autograd::Tensor h = x;
    for (const auto& layer : named_children()) h = (*layer.second)(h);
    return h;
}

autograd::Tensor64 Sequential::forward64(const autograd::Tensor64& x, const Params64& p) {
    autograd::Tensor64 h = x;
    for (const auto& layer : named_children()) h = layer.second->forward64(h, p);
    return h;
}

}  // namespace nn
