// optim.hpp: SGD with momentum and weight decay, and Adam, with PyTorch's update rules and
// defaults, so that a run here and a run in PyTorch take the same steps.
//
// An optimizer is given the tensors it may change. To train part of a model (greedy
// layer-wise training), give it only that part's parameters, or freeze() the rest and pass
// model.trainable_parameters(). A parameter whose grad() is undefined (nothing reached it) is
// skipped by step().
#pragma once

#include <vector>

#include <xtensor/xarray.hpp>

#include "autograd/tensor.hpp"

namespace nn {

class Optimizer {
public:
    // `name` ("SGD", "Adam") starts the messages of its errors.
    Optimizer(const char* name, std::vector<autograd::Tensor> params, double lr);
    virtual ~Optimizer() = default;
    // Updates every parameter from its grad().
    virtual void step() = 0;
    // Clears the gradients of the parameters (call before each backward).
    void zero_grad();
    const std::vector<autograd::Tensor>& params() const { return params_; }
    double lr;  // the learning rate, changeable between steps (a schedule)

protected:
    std::vector<autograd::Tensor> params_;
};

// After unfreeze(), make a new optimizer (or one for the unfrozen part): one made from
// trainable_parameters() before does not know the unfrozen tensors.
//
// SGD (PyTorch's torch.optim.SGD, no dampening, no Nesterov):
//   g = grad + weight_decay * p
//   v = momentum * v + g            (v starts at 0: v = g on the first step)
//   p = p - lr * v                  (with momentum 0: p = p - lr * g)
// SGD's settings besides the learning rate, PyTorch's defaults; set a field by name:
//     nn::SGDOptions heavy;
//     heavy.momentum = 0.9;
//     nn::SGD opt(model.parameters(), 0.1, heavy);
struct SGDOptions {
    double momentum = 0.0;      // how much of the last step v each step keeps (0: plain gradient descent)
    double weight_decay = 0.0;  // L2: adds weight_decay * p to the gradient
};

class SGD : public Optimizer {
public:
    SGD(std::vector<autograd::Tensor> params, double lr, SGDOptions options = {});
    void step() override;

private:
    double momentum_, weight_decay_;
    std::vector<xt::xarray<float>> velocity_;  // empty until the first step
};

// Adam (Kingma and Ba, 2015; PyTorch's torch.optim.Adam and its defaults):
//   g = grad + weight_decay * p
//   m = beta1 m + (1 - beta1) g,   v = beta2 v + (1 - beta2) g^2
//   p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
// The divisions by 1 - beta^t (bias correction) undo the pull of m and v towards their zero start.
// Adam's settings besides the learning rate, PyTorch's defaults; set a field by name, as DCGAN
// does (Radford et al. 2016: beta1 0.5 instead of 0.9, a shorter memory of past gradients):
//     nn::AdamOptions dcgan;
//     dcgan.beta1 = 0.5;
//     nn::Adam opt_g(G.parameters(), 2e-4, dcgan);
struct AdamOptions {
    double beta1 = 0.9;         // the decay of m, the running mean of the gradient
    double beta2 = 0.999;       // the decay of v, the running mean of its square
    double eps = 1e-8;          // added to sqrt(v): keeps the step finite where v is 0
    double weight_decay = 0.0;  // L2: adds weight_decay * p to the gradient
};

class Adam : public Optimizer {
public:
    explicit Adam(std::vector<autograd::Tensor> params, double lr = 1e-3, AdamOptions options = {});
    void step() override;
    long steps() const { return t_; }  // calls to step()

private:
    double beta1_, beta2_, eps_, weight_decay_;
    long t_ = 0;
    std::vector<long> steps_;  // per parameter: the steps that had a gradient (t in the formula)
    std::vector<xt::xarray<float>> m_, v_;
};

}  // namespace nn
