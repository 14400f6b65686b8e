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
// when the mode is on. check_forward stamps the new node's tape index and throws when its value
// is not finite; check_gradients throws when a gradient `node`'s backward returned is not.
template <class T>
void check_forward(const char* op, Node<T>& node, const std::vector<BasicTensor<T>>& inputs);
template <class T>
void check_gradients(const Node<T>& node, const std::vector<BasicTensor<T>>& grads);
template <class T>
void check_seed(const BasicTensor<T>& seed);
// The node whose backward is running on this thread (nullptr outside a sweep), so that an op
// called inside a backward is reported as part of it.
template <class T>
Node<T>*& current_backward();
// Called at the end of backward(): the tape index counts from there again.
void reset_tape_index();
}  // namespace detail

}  // namespace autograd
