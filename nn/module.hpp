// module.hpp: the Module base class and Sequential.
//
// A Module owns named parameters (tensors that require grad), named buffers (state that is
// saved in checkpoints but not trained, such as batch norm's running mean) and named child
// modules. Names nest with dots, as in PyTorch: the weight of the first layer of a model's
// `encoder` child is "encoder.0.weight". Children are held by shared_ptr, so one layer can
// be shared by two parents (a tied decoder refers to its encoder layer).
//
// A layer overrides forward() and type_name(); callers use operator(), which also feeds the
// printable summary (layer, output shape, parameter count).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "autograd/autograd.hpp"

namespace nn {

// Float64 stand-ins for float32 tensors, matched by identity: what Module::forward64 reads in
// place of a module's own parameters. gradcheck_module (nn/gradcheck_module.hpp) fills it with float64
// copies that require grad, so that the module's gradients can be checked in float64.
class Params64 {
public:
    // From now on `t` reads as `stand_in` (float64, the same shape).
    void set(const autograd::Tensor& t, autograd::Tensor64 stand_in);
    // The stand-in of `t`; a tensor without one (a buffer, a frozen parameter) reads as a float64
    // constant copy of its value, and an undefined tensor (a layer without a bias) as undefined.
    autograd::Tensor64 operator()(const autograd::Tensor& t) const;

private:
    std::unordered_map<const void*, autograd::Tensor64> stand_ins_;
};

// The values of a module's parameters and buffers under their dotted names: what a checkpoint
// holds (nn/checkpoint.hpp).
using StateDict = std::map<std::string, xt::xarray<float>>;

class Module {
public:
    Module() = default;
    virtual ~Module() = default;
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;
    Module(Module&&) = default;
    Module& operator=(Module&&) = default;

    // The layer's computation. Override it; call the module through operator().
    virtual autograd::Tensor forward(const autograd::Tensor& x) = 0;
    // What the summary calls this layer, e.g. "Linear(784, 256)".
    virtual std::string type_name() const = 0;
    // Runs forward(x).
    autograd::Tensor operator()(const autograd::Tensor& x);
    // The same computation as forward, in float64, reading every parameter through `p`: for
    // checking the module's gradients in float64 (gradcheck_module, nn/gradcheck_module.hpp). Every layer
    // of nn/ writes it with the same functional form as its forward (Linear: autograd::linear);
    // the default throws, naming the module.
    virtual autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64& p);

    // Every parameter under its dotted name, each tensor once (a shared one under its first
    // name), in the order they were registered, depth first.
    std::vector<std::pair<std::string, autograd::Tensor>> named_parameters() const;
    std::vector<autograd::Tensor> parameters() const;
    // The parameters that are not frozen: what an optimizer should update.
    std::vector<autograd::Tensor> trainable_parameters() const;
    // Buffers under their dotted names: saved with the parameters, never trained.
    std::vector<std::pair<std::string, autograd::Tensor>> named_buffers() const;
    // A copy of every parameter's and buffer's value under its dotted name.
    StateDict state_dict() const;
    // Sets every parameter and buffer to its value in `state`, which must hold exactly their names
    // and shapes (a checkpoint's content); a missing, extra or differently shaped array is a
    // std::invalid_argument naming it, and then nothing is changed.
    void load_state_dict(StateDict state);
    // This module's direct children, in registration order.
    const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const { return children_; }

    // The number of scalars in the parameters (each shared tensor counted once).
    std::size_t num_parameters() const;
    // Clears every parameter's gradient.
    void zero_grad();

    // Train mode (the default) or eval mode, for this module and all its children: Dropout and
    // BatchNorm behave differently in the two.
    void train(bool on = true);
    void eval() { train(false); }
    bool is_training() const { return training_; }

    // Freezing: the parameters stop requiring grad, so backward() leaves them alone and
    // trainable_parameters() leaves them out (greedy layer-wise training).
    void freeze() { set_requires_grad(false); }
    void unfreeze() { set_requires_grad(true); }

    // A table of the leaf layers with their output shapes and parameter counts, found by
    // running forward on zeros of `input_shape` in eval mode, with no gradient recorded (each
    // module's train / eval mode is put back afterwards; nothing else changes).
    std::string summary(const autograd::Shape& input_shape);

protected:
    // Registers a parameter (it is made to require grad) and returns the handle to keep.
    autograd::Tensor register_parameter(std::string name, autograd::Tensor value);
    // Registers a buffer: saved in checkpoints, not trained.
    autograd::Tensor register_buffer(std::string name, autograd::Tensor value);
    // Registers a child module and returns it.
    template <class M>
    std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
        static_assert(std::is_base_of_v<Module, M>, "register_module takes a Module");
        add_child(std::move(name), module);
        return module;
    }

private:
    void add_child(std::string name, std::shared_ptr<Module> module);
    void set_requires_grad(bool on);
    template <class Visit>
    void visit_tensors(bool buffers, const std::string& prefix, Visit& visit) const;

    std::vector<std::pair<std::string, autograd::Tensor>> params_;
    std::vector<std::pair<std::string, autograd::Tensor>> buffers_;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
    bool training_ = true;
};

// Layers applied one after another; children are named "0", "1", ...
//   nn::Sequential encoder(nn::Linear(784, 256, gen), nn::ReLU(), nn::Linear(256, 64, gen));
// A layer passed as a shared_ptr is shared rather than moved in (tied weights).
class Sequential : public Module {
public:
    Sequential() = default;
    template <class... Layers, class = std::enable_if_t<(sizeof...(Layers) > 0) &&
                                                        !(sizeof...(Layers) == 1 &&
                                                          (std::is_same_v<std::decay_t<Layers>, Sequential> && ...))>>
    explicit Sequential(Layers&&... layers) {
        (push_back(std::forward<Layers>(layers)), ...);
    }

    // Appends a layer (moved in) and returns it.
    template <class M, class = std::enable_if_t<std::is_base_of_v<Module, std::decay_t<M>>>>
    std::shared_ptr<std::decay_t<M>> push_back(M&& layer) {
        return push_back(std::make_shared<std::decay_t<M>>(std::forward<M>(layer)));
    }
    // Appends a shared layer and returns it.
    template <class M>
    std::shared_ptr<M> push_back(std::shared_ptr<M> layer) {
        return register_module(std::to_string(size()), std::move(layer));
    }

    std::size_t size() const { return named_children().size(); }
    // The i-th layer.
    Module& operator[](std::size_t i) const;

    autograd::Tensor forward(const autograd::Tensor& x) override;
    autograd::Tensor64 forward64(const autograd::Tensor64& x, const Params64& p) override;
    std::string type_name() const override { return "Sequential"; }
};

}  // namespace nn
