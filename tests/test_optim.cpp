// SGD and Adam: a few steps against the update formulas worked out by hand.
#include "check.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"

using namespace autograd;

namespace {
// One parameter p with loss(p) given; runs `steps` optimizer steps and returns p after each.
template <class Opt, class Loss>
std::vector<double> run(Tensor p, Opt& opt, Loss loss, int steps) {
    std::vector<double> trace;
    for (int s = 0; s < steps; ++s) {
        opt.zero_grad();
        loss(p).backward();
        opt.step();
        trace.push_back(p.item());
    }
    return trace;
}
}  // namespace

TEST_CASE("SGD with momentum 0.9 and weight decay 0.01, lr 0.1, on loss 0.5 p from p = 1") {
    // g_t = 0.5 + 0.01 p,  v_t = 0.9 v_{t-1} + g_t (v_1 = g_1),  p_t = p_{t-1} - 0.1 v_t:
    //   t=1: g = 0.51,       v = 0.51,        p = 0.949
    //   t=2: g = 0.50949,    v = 0.96849,     p = 0.852151
    //   t=3: g = 0.50852151, v = 1.38016251,  p = 0.714134749
    Tensor p = full({1}, 1.0).requires_grad_();
    nn::SGDOptions options;
    options.momentum = 0.9;
    options.weight_decay = 0.01;
    nn::SGD opt({p}, 0.1, options);
    const std::vector<double> got = run(
        p, opt, [](const Tensor& q) { return sum(q * 0.5); }, 3);
    const std::vector<double> expected{0.949, 0.852151, 0.714134749};
    for (int t = 0; t < 3; ++t) CHECK_MESSAGE(got[t] == doctest::Approx(expected[t]).epsilon(1e-6), "step " << t + 1);
}

TEST_CASE("plain SGD is p - lr * grad") {
    Tensor p(xt::xarray<float>{1.0f, -2.0f}, true);
    nn::SGD opt({p}, 0.25);
    sum(square(p)).backward();  // grad = 2p = (2, -4)
    opt.step();
    check_close(p.value(), xt::xarray<float>{0.5f, -1.0f}, 1e-7);
}

TEST_CASE("Adam with PyTorch's defaults, lr 0.1, on loss p^2 from p = 1") {
    // m_t = 0.9 m + 0.1 g, v_t = 0.999 v + 0.001 g^2, p -= 0.1 (m / (1 - 0.9^t)) / (sqrt(v / (1 - 0.999^t)) + 1e-8):
    //   t=1: g = 2,   m = 0.2,  v = 0.004,     m^ = 2,         v^ = 4,           p = 0.9 (+5e-10)
    //   t=2: g = 1.8, m = 0.36, v = 0.007236,  m^ = 1.894737,  v^ = 3.619810,    p = 0.800412229
    //   t=3:                                                                     p = 0.701586273
    Tensor p = full({1}, 1.0).requires_grad_();
    nn::Adam opt({p}, 0.1);
    const std::vector<double> got = run(
        p, opt, [](const Tensor& q) { return sum(square(q)); }, 3);
    const std::vector<double> expected{0.9000000005, 0.8004122287, 0.7015862729};
    for (int t = 0; t < 3; ++t) CHECK_MESSAGE(got[t] == doctest::Approx(expected[t]).epsilon(1e-6), "step " << t + 1);
    CHECK(opt.steps() == 3);
}

TEST_CASE("Adam's first step moves every coordinate by about lr, whatever the gradient's scale") {
    Tensor p(xt::xarray<float>{1.0f, 1.0f, 1.0f}, true);
    nn::Adam opt({p}, 0.01);
    sum(p * Tensor(xt::xarray<float>{1e-3f, 1.0f, 1e3f})).backward();
    opt.step();
    check_close(p.value(), xt::xarray<float>{0.99f, 0.99f, 0.99f}, 1e-5);
}

TEST_CASE("weight decay in Adam adds wd * p to the gradient") {
    Tensor a = full({1}, 2.0).requires_grad_(), b = full({1}, 2.0).requires_grad_();
    nn::AdamOptions decay;
    decay.weight_decay = 0.5;
    nn::Adam with_decay({a}, 0.1, decay), no_decay({b}, 0.1);
    sum(a * 3.0).backward();  // grad 3, plus 0.5 * 2 = 4
    sum(b * 4.0).backward();  // grad 4
    with_decay.step();
    no_decay.step();
    CHECK(a.item() == doctest::Approx(b.item()).epsilon(1e-7));
}

TEST_CASE("parameters without a gradient are skipped; frozen ones are not in the list") {
    Tensor used = full({1}, 1.0).requires_grad_(), unused = full({1}, 1.0).requires_grad_();
    nn::SGD opt({used, unused}, 0.5);
    sum(used).backward();
    opt.step();
    CHECK(used.item() == 0.5f);
    CHECK(unused.item() == 1.0f);
    opt.zero_grad();
    CHECK_FALSE(used.grad().defined());
}

TEST_CASE("optimizer errors") {
    Tensor p = full({1}, 1.0).requires_grad_();
    CHECK_THROWS_CONTAINING(nn::SGD({}, 0.1), "empty");
    CHECK_THROWS_CONTAINING(nn::SGD({p}, -0.1), "SGD", "lr = -0.1");
    CHECK_THROWS_CONTAINING(nn::SGD({p, p}, 0.1), "twice");
    CHECK_THROWS_CONTAINING(nn::SGD({p * 2.0}, 0.1), "mul_scalar", "not a leaf");
    nn::AdamOptions beta1_one, eps_zero;
    beta1_one.beta1 = 1.0;
    eps_zero.eps = 0.0;
    CHECK_THROWS_CONTAINING(nn::Adam({p}, 1e-3, beta1_one), "Adam", "beta1 = 1");
    CHECK_THROWS_CONTAINING(nn::Adam({p}, 1e-3, eps_zero), "Adam", "eps = 0");
}

TEST_CASE("Adam counts steps per parameter: one that joins late starts with a step of about lr") {
    Tensor early = full({1}, 1.0).requires_grad_(), late = full({1}, 1.0).requires_grad_();
    nn::Adam opt({early, late}, 0.1);
    for (int s = 0; s < 5; ++s) {  // five steps in which only `early` gets a gradient
        opt.zero_grad();
        sum(square(early)).backward();
        opt.step();
    }
    opt.zero_grad();
    sum(square(late)).backward();
    opt.step();
    CHECK(late.item() == doctest::Approx(0.9).epsilon(1e-6));  // its first step: exactly lr, as at t = 1
}

TEST_CASE("freezing: an optimizer made from trainable_parameters() leaves the frozen layer alone") {
    Generator gen(5);
    nn::Sequential model(nn::Linear(3, 3, gen), nn::Sigmoid(), nn::Linear(3, 3, gen));
    model[0].freeze();
    const xt::xarray<float> frozen_before = model[0].named_parameters()[0].second.value();
    nn::SGD opt(model.trainable_parameters(), 0.5);
    CHECK(opt.params().size() == 2);
    const Tensor x = rand({4, 3}, gen);
    const xt::xarray<float> free_before = model[2].named_parameters()[0].second.value();
    sum(model(x)).backward();
    opt.step();
    CHECK(model[0].named_parameters()[0].second.value() == frozen_before);
    CHECK_FALSE(model[2].named_parameters()[0].second.value() == free_before);
}

TEST_CASE("a parameter whose shape changed after the optimizer was made is an error, not an overflow") {
    Tensor p = full({2}, 1.0).requires_grad_();
    nn::Adam opt({p}, 0.1);
    p.mutable_value() = xt::ones<float>({5});
    sum(p).backward();
    CHECK_THROWS_CONTAINING(opt.step(), "Adam", "parameter 0", "(5,)", "new optimizer");
}
