// anomaly.hpp: anomaly detection (PyTorch's torch.autograd.detect_anomaly) and the error it throws.
//
// With a learning rate of 1e3, a log(0) or a 0/0, a NaN appears somewhere in a training step and
// from then on every number it touches is NaN: the loss prints `nan` and nothing says where it
// began. In anomaly mode every op checks its output for NaN and Inf as it is recorded, and every
// backward the gradients it returns, and the first one to make a non-finite value throws an
// AnomalyError naming
//   - the op (e.g. 'log'), its tape index (the Nth op since the mode was turned on or since the
//     last backward(): op 3 of a step is the third op of its forward pass), its input shapes and
//     the names given with set_name();
//   - for a bad gradient: the op whose backward produced it, and the tape index and inputs of the
//     forward op that recorded that node;
//   - for a bad value that came from outside the ops (a leaf holding NaN, a weight an optimizer
//     step pushed to Inf): the leaf, and that it was changed in place if it was.
//
//     autograd::DetectAnomaly anomaly;     // on until the end of the scope
//     Tensor loss = model.loss(x);         // throws AnomalyError at the first NaN/Inf
//     loss.backward();                     // ... or at the first NaN/Inf gradient
//
// The checks read every value once more, so the mode is for finding a bug (the lectures'
// --detect-anomaly flag), not for every run; off, it costs one predictable branch per op.
#pragma once

#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/tensor.hpp"

namespace autograd {

// A NaN or Inf found by anomaly mode: what() says where; op() and tape_index() name the op that
// made it (the op whose backward made it, for a gradient).
class AnomalyError : public std::runtime_error {
public:
    AnomalyError(const std::string& message, std::string op, std::size_t tape_index)
        : std::runtime_error(message), op_(std::move(op)), tape_index_(tape_index) {}
    const std::string& op() const { return op_; }
    std::size_t tape_index() const { return tape_index_; }

private:
    std::string op_;
    std::size_t tape_index_;
};

namespace detail {
extern std::atomic<bool> anomaly_enabled;
}

// Whether anomaly mode is on (for every thread: it is a switch for the whole program).
inline bool is_anomaly_enabled() { return detail::anomaly_enabled.load(std::memory_order_relaxed); }
// Turns the mode on or off for the rest of the run (the lectures' --detect-anomaly).
void set_detect_anomaly(bool on);

// RAII: anomaly mode while one is alive; the state before it comes back when it dies, so scopes
// nest (DetectAnomaly(false) inside turns the mode off for a stretch).
class DetectAnomaly {
public:
    explicit DetectAnomaly(bool on = true);
    ~DetectAnomaly();
    DetectAnomaly(const DetectAnomaly&) = delete;
    DetectAnomaly& operator=(const DetectAnomaly&) = delete;

private:
    bool previous_;
};

namespace detail {
// The checks themselves, called by record() (tensor.cpp) and the reverse sweep (engine.cpp) only
// when the mode is on. check_forward gives the new node its tape index and throws when its value
// is not finite.
template <class T>
void check_forward(const char* op, Node<T>& node, const std::vector<BasicTensor<T>>& inputs);
// A node's tape index, which anomaly mode keeps in a table of its own (the node has no field for
// it): the op's number since the mode began or the last backward() ended; 0 for a node recorded
// with the mode off.
template <class T>
std::size_t tape_index(const Node<T>& node);
// Called at the end of backward(): the tape index counts from there again.
void reset_tape_index();

// Anomaly mode's part in one reverse sweep (engine.cpp), made when the sweep starts. Off, each
// hook is one predictable branch. On, the seed is checked when the sweep starts;
// before_backward(node) makes an op run inside node's backward report itself as part of it;
// after_backward(node, grads) checks the gradients that backward returned. When the sweep ends,
// however it ends, the backward an enclosing sweep was in is put back.
template <class T>
class SweepChecks {
public:
    explicit SweepChecks(const BasicTensor<T>& seed);
    ~SweepChecks();
    SweepChecks(const SweepChecks&) = delete;
    SweepChecks& operator=(const SweepChecks&) = delete;

    void before_backward(const Node<T>& node) {
        if (__builtin_expect(on_, false)) enter(node);
    }
    void after_backward(const Node<T>& node, const Grads<T>& grads) {
        if (__builtin_expect(on_, false)) check_gradients(node, grads);
    }

private:
    void enter(const Node<T>& node);
    void check_gradients(const Node<T>& node, const Grads<T>& grads) const;
    bool on_;
    const Node<T>* previous_;  // the backward running when the sweep began (an enclosing sweep's)
};
}  // namespace detail

}  // namespace autograd
