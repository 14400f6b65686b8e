// The reverse sweep: accumulation, freeing, retain_graph, create_graph, grad(), deep graphs.
#include <thread>

#include "check.hpp"

using namespace autograd;

TEST_CASE("backward of a small expression matches the derivative by hand") {
    // L = sum(x^2 * y + y), dL/dx = 2xy, dL/dy = x^2 + 1
    Tensor64 x(xt::xarray<double>{1.0, -2.0, 3.0}, true);
    Tensor64 y(xt::xarray<double>{0.5, 4.0, -1.0}, true);
    sum(square(x) * y + y).backward();
    check_close(x.grad().value(), xt::xarray<double>{1.0, -16.0, -6.0});
    check_close(y.grad().value(), xt::xarray<double>{2.0, 5.0, 10.0});
}

TEST_CASE("a tensor used twice receives the sum of both contributions (W and W^T)") {
    Generator gen(3);
    const Tensor64 x = randn<double>({5, 4}, gen);
    const xt::xarray<double> w = randn<double>({4, 3}, gen).value();

    // Tied: decoder uses W^T of the encoder's W.
    Tensor64 W(w, true);
    sum(square(matmul(sigmoid(matmul(x, W)), transpose(W)))).backward();

    // The two uses computed separately, as two different leaves with the same value.
    Tensor64 W_enc(w, true), W_dec(w, true);
    sum(square(matmul(sigmoid(matmul(x, W_enc)), transpose(W_dec)))).backward();
    const xt::xarray<double> expected = W_enc.grad().value() + W_dec.grad().value();
    check_close(W.grad().value(), expected, 1e-12);
    // And each part alone is not the answer.
    CHECK(xt::amax(xt::abs(W.grad().value() - W_enc.grad().value()))() > 1e-3);
}

TEST_CASE("a second backward through a freed graph is an error naming retain_graph") {
    Tensor64 x(xt::xarray<double>{2.0}, true);
    Tensor64 loss = sum(exp(x));
    loss.backward();
    CHECK_THROWS_CONTAINING(loss.backward(), "already freed", "retain_graph");
    CHECK(x.grad().item() == doctest::Approx(std::exp(2.0)));
}

TEST_CASE("with retain_graph a second backward runs again and leaf gradients add up") {
    Tensor64 x(xt::xarray<double>{2.0}, true);
    Tensor64 loss = sum(x * x * 3.0);
    loss.backward(retain_graph);
    CHECK(x.grad().item() == doctest::Approx(12.0));
    loss.backward();
    CHECK(x.grad().item() == doctest::Approx(24.0));
    x.zero_grad();
    CHECK_FALSE(x.grad().defined());
}

TEST_CASE("backward on a non-scalar needs a seed of the output's shape") {
    Tensor64 x(xt::xarray<double>{{1.0, 2.0}, {3.0, 4.0}}, true);
    Tensor64 y = x * 3.0;
    CHECK_THROWS_CONTAINING(y.backward(), "backward", "(2, 2)", "seed");
    CHECK_THROWS_CONTAINING(y.backward(ones<double>({2})), "seed gradient of shape (2,)", "(2, 2)");
    y.backward(Tensor64(xt::xarray<double>{{1.0, 0.0}, {0.0, 2.0}}));
    check_close(x.grad().value(), xt::xarray<double>{{3.0, 0.0}, {0.0, 6.0}});
}

TEST_CASE("backward on something that requires no grad is an error") {
    Tensor64 x(xt::xarray<double>{1.0});
    CHECK_THROWS_CONTAINING(sum(x * 2.0).backward(), "does not require grad");
}

TEST_CASE("NoGradGuard records nothing; detach cuts the history") {
    Tensor64 x(xt::xarray<double>{1.0, 2.0}, true);
    {
        NoGradGuard no_grad;
        Tensor64 y = exp(x) * 2.0;
        CHECK_FALSE(y.requires_grad());
        CHECK(y.is_leaf());
        CHECK(y.inputs().empty());
    }
    CHECK(is_grad_enabled());
    Tensor64 z = exp(x);
    CHECK(z.requires_grad());
    CHECK(z.inputs().size() == 1);
    Tensor64 d = z.detach();
    CHECK_FALSE(d.requires_grad());
    CHECK(d.is_leaf());
    check_close(d.value(), z.value());
    // Gradient does not flow through the detached branch.
    sum(z + d * 5.0).backward();
    check_close(x.grad().value(), xt::xarray<double>(xt::exp(xt::xarray<double>{1.0, 2.0})), 1e-12);
}

TEST_CASE("grad() returns gradients without touching grad(), zeros for an unused input") {
    Tensor64 x(xt::xarray<double>{1.5}, true), y(xt::xarray<double>{-2.0}, true), unused(xt::xarray<double>{7.0}, true);
    Tensor64 out = sum(x * y);
    const std::vector<Tensor64> g = grad(out, {x, y, unused});
    CHECK(g[0].item() == -2.0);
    CHECK(g[1].item() == 1.5);
    CHECK(g[2].item() == 0.0);
    CHECK_FALSE(x.grad().defined());
}

TEST_CASE("grad() of an interior node") {
    Tensor64 x(xt::xarray<double>{3.0}, true);
    Tensor64 h = x * x;             // h = 9
    Tensor64 out = sum(h * h * h);  // out = h^3, d out / d h = 3 h^2 = 243
    CHECK(grad(out, {h})[0].item() == doctest::Approx(243.0));
}

TEST_CASE("create_graph: second and third derivatives of x^3") {
    Tensor64 x(xt::xarray<double>{2.0}, true);
    Tensor64 y = sum(pow(x, 3.0));
    Tensor64 dy = grad(y, {x}, create_graph)[0];  // 3x^2 = 12
    CHECK(dy.item() == doctest::Approx(12.0));
    CHECK(dy.requires_grad());
    Tensor64 d2y = grad(sum(dy), {x}, create_graph)[0];  // 6x = 12
    CHECK(d2y.item() == doctest::Approx(12.0));
    Tensor64 d3y = grad(sum(d2y), {x})[0];  // 6
    CHECK(d3y.item() == doctest::Approx(6.0));
}

TEST_CASE("create_graph: gradient of a gradient penalty with respect to the weights") {
    // The contractive penalty's shape: P(W) = || d sum(sigmoid(x W)) / dx ||^2, differentiated in W.
    Generator gen(11);
    const std::vector<Tensor64> in{randn<double>({3, 2}, gen)};
    const Tensor64 x = randn<double>({4, 3}, gen);
    CHECK_GRADCHECK(
        [&x](const std::vector<Tensor64>& w) {
            Tensor64 xl(xt::xarray<double>(x.value()), true);
            Tensor64 g = grad(sum(sigmoid(matmul(xl, w[0]))), {xl}, create_graph)[0];
            return sum(square(g));
        },
        in);
}

TEST_CASE("without create_graph the gradients have no history") {
    Tensor64 x(xt::xarray<double>{2.0}, true);
    Tensor64 g = grad(sum(x * x), {x})[0];
    CHECK_FALSE(g.requires_grad());
}

TEST_CASE("a chain 100,000 ops deep: neither the sweep nor freeing the graph overflows the stack") {
    Tensor64 x(xt::xarray<double>{1.0}, true);
    Tensor64 h = x;
    for (int i = 0; i < 100000; ++i) h = h * 1.00001;
    sum(h).backward();
    CHECK(x.grad().item() == doctest::Approx(std::pow(1.00001, 100000)).epsilon(1e-9));
}

TEST_CASE("a wide graph: a leaf used by many ops gets every contribution") {
    Tensor64 x(xt::xarray<double>{1.0}, true);
    Tensor64 acc = zeros<double>({1});
    for (int i = 1; i <= 100; ++i) acc = acc + x * static_cast<double>(i);
    sum(acc).backward();
    CHECK(x.grad().item() == 5050.0);
}

TEST_CASE("errors leave the graph usable") {
    Tensor w = ones({2, 2}).requires_grad_();
    CHECK_THROWS(matmul(w, ones({3, 1})));
    sum(matmul(w, ones({2, 1}))).backward();
    CHECK(w.grad().shape() == Shape{2, 2});
}

TEST_CASE("the sweep's options: the default frees the graph, retain_graph keeps it, create_graph implies it") {
    CHECK_FALSE(GradOptions{}.retain_graph);
    CHECK_FALSE(GradOptions{}.create_graph);
    CHECK(retain_graph.retain_graph);
    CHECK_FALSE(retain_graph.create_graph);
    CHECK(create_graph.retain_graph);
    CHECK(create_graph.create_graph);
    Tensor64 x(xt::xarray<double>{3.0}, true);
    Tensor64 y = sum(x * x * x);
    const Tensor64 dy = grad(y, {x}, create_graph)[0];  // 3 x^2 = 27, and the graph survives
    CHECK(dy.item() == doctest::Approx(27.0));
    CHECK(grad(y, {x})[0].item() == doctest::Approx(27.0));  // a second sweep through the same graph
    CHECK_THROWS_CONTAINING(grad(y, {x}), "already freed", "retain_graph");
    // A seed with named options: y = 2 x for a (2,) x, seeded with (1, 3).
    Tensor64 v(xt::xarray<double>{1.0, 2.0}, true);
    Tensor64 w = v * 2.0;
    w.backward(Tensor64(xt::xarray<double>{1.0, 3.0}), retain_graph);
    w.backward(Tensor64(xt::xarray<double>{1.0, 3.0}));
    check_close(v.grad().value(), xt::xarray<double>{4.0, 12.0});
}

TEST_CASE("an op's backward that returns a gradient of the wrong shape is an error naming the op and both shapes") {
    // A hand-written add of a (3, 1) and a (1, 4) that forgets to sum the gradient back.
    Tensor64 a(xt::xarray<double>::from_shape({3, 1}), true), b(xt::xarray<double>::from_shape({1, 4}), true);
    xt::xarray<double> value = a.value() + b.value();
    Tensor64 y = record<double>("my_add", std::move(value), {a, b}, [](const Tensor64&, const Tensor64& g) {
        return Grads<double>{g, g};
    });
    CHECK_THROWS_CONTAINING(sum(y).backward(), "'my_add'", "gradient of shape (3, 4)", "input 0 of shape (3, 1)",
                            "sum_to");
    CHECK_THROWS_CONTAINING(grad(sum(y), {a}), "'my_add'", "(3, 4)", "(3, 1)");
}

TEST_CASE("an op's backward that returns one gradient for two inputs is an error naming the op and both counts") {
    Tensor64 a(xt::xarray<double>{1.0, 2.0}, true), b(xt::xarray<double>{3.0, 4.0}, true);
    xt::xarray<double> value = a.value() * b.value();
    Tensor64 y = record<double>("my_mul", std::move(value), {a, b},
                                [](const Tensor64&, const Tensor64& grad_out) { return Grads<double>{grad_out}; });
    CHECK_THROWS_CONTAINING(sum(y).backward(), "the backward of 'my_mul' returned 1 gradients for 2 inputs");
}

// ---- version counters: a value saved for backward and changed in place ----

TEST_CASE("mutable_value() counts as a change: version() counts the calls") {
    Tensor64 W(xt::xarray<double>{1.0, 2.0}, true);
    CHECK(W.version() == 0);
    W.mutable_value()(0) = 3.0;
    W.mutable_value() *= 2.0;
    CHECK(W.version() == 2);
    CHECK(W.detach().version() == 0);  // a copy starts again
}

TEST_CASE("a weight changed in place between the forward pass and backward() is an error naming the op") {
    Generator gen(2);
    const Tensor64 x = randn<double>({5, 3}, gen);
    Tensor64 W = Tensor64(randn<double>({3, 2}, gen).value(), true).set_name("W");
    const Tensor64 loss = sum(square(matmul(x, W)));
    W.mutable_value() *= 2.0;  // the gradient would be that of a function nobody computed
    CHECK_THROWS_AS(loss.backward(), VersionError);
    CHECK_NOTHROW(sum(square(matmul(x, W))).backward());  // a graph recorded after the change is fine
    const Tensor64 loss2 = sum(square(matmul(x, W)));
    W.mutable_value() -= 1.0;
    CHECK_THROWS_CONTAINING(loss2.backward(), "backward", "'matmul' saved its input 1", "the leaf 'W'", "shape (3, 2)",
                            "version 1 when 'matmul' was recorded, 2 now", "optimizer step");
    // grad() checks the same.
    const Tensor64 loss3 = sum(square(matmul(x, W)));
    W.mutable_value() += 1.0;
    CHECK_THROWS_CONTAINING(grad(loss3, {W}), "grad", "'matmul'");
}

TEST_CASE("the usual loop stays legal: forward, backward, step in place, forward again") {
    Generator gen(4);
    const Tensor64 x = randn<double>({8, 3}, gen);
    Tensor64 W(randn<double>({3, 3}, gen).value(), true);
    double first = 0.0, last = 0.0;
    for (int step = 0; step < 20; ++step) {
        W.zero_grad();
        const Tensor64 loss = mean(square(matmul(x, W) - x));
        CHECK_NOTHROW(loss.backward());
        W.mutable_value() -= 0.1 * W.grad().value();  // the step, after backward
        (step == 0 ? first : last) = loss.item();
    }
    CHECK(W.version() == 20);
    CHECK(last < first);
}

TEST_CASE("a retained graph whose weight was stepped cannot be swept again; the output of an op changed in place") {
    Tensor64 W(xt::xarray<double>{1.0, 2.0}, true);
    const Tensor64 loss = sum(exp(W));
    loss.backward(retain_graph);
    W.mutable_value() -= 0.5;
    CHECK_THROWS_CONTAINING(loss.backward(), "'exp' saved its input 0", "shape (2,)");

    Tensor64 V(xt::xarray<double>{1.0, 2.0}, true);
    Tensor64 y = exp(V);  // exp's backward reads its output
    y.mutable_value()(0) = 0.0;
    CHECK_THROWS_CONTAINING(sum(y).backward(), "the output of 'exp' (shape (2,)) was changed in place");
}

TEST_CASE("sweeps_run counts this thread's sweeps: backward() and grad(), float and double, not forward ops") {
    const std::size_t before = sweeps_run();
    Tensor64 x(xt::xarray<double>{1.0, 2.0}, true);
    Tensor64 y = sum(x * x);
    CHECK(sweeps_run() == before);  // recording ops is no sweep
    grad(y, {x}, retain_graph);
    CHECK(sweeps_run() == before + 1);
    y.backward();
    CHECK(sweeps_run() == before + 2);
    Tensor xf(xt::xarray<float>{1.0f}, true);
    sum(xf * 3.0f).backward();
    CHECK(sweeps_run() == before + 3);
    std::size_t other_thread = 0;
    std::thread([&] { other_thread = sweeps_run(); }).join();
    CHECK(other_thread == 0);
}
