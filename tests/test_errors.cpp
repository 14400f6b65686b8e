// Every misuse throws an exception whose message names the op and the shapes involved.
#include "check.hpp"

using namespace autograd;

TEST_CASE("matmul: rank and inner-size errors") {
    CHECK_THROWS_CONTAINING(matmul(ones({2, 3}), ones({4, 5})), "matmul", "(2, 3)", "(4, 5)", "inner sizes 3 and 4");
    CHECK_THROWS_CONTAINING(matmul(ones({2, 3, 4}), ones({4})), "matmul", "2-D", "(2, 3, 4)", "(4,)");
    CHECK_THROWS_CONTAINING(gemm(ones({2, 3}), ones({2, 3}), false, false), "matmul", "(2, 3)");
    CHECK_THROWS_CONTAINING(transpose(ones({3})), "transpose", "(3,)");
}

TEST_CASE("broadcasting errors name the op and both shapes") {
    CHECK_THROWS_CONTAINING(ones({2, 3}) + ones({4}), "add: cannot broadcast (2, 3) with (4,)");
    CHECK_THROWS_CONTAINING(ones({2, 3}) - ones({3, 2}), "sub", "(2, 3)", "(3, 2)");
    CHECK_THROWS_CONTAINING(ones({2, 3}) * ones({2, 2}), "mul", "(2, 3)", "(2, 2)");
    CHECK_THROWS_CONTAINING(ones({5}) / ones({2}), "div", "(5,)", "(2,)");
    CHECK_THROWS_CONTAINING(autograd::where(xt::xarray<bool>{true, false, true}, ones({2}), ones({2})), "where", "(3,)",
                            "(2,)");
    CHECK_THROWS_CONTAINING(broadcast_to(ones({3}), {2, 4}), "broadcast_to", "(3,)", "(2, 4)");
    CHECK_THROWS_CONTAINING(broadcast_to(ones({2, 3}), {3}), "broadcast_to", "(2, 3)", "(3,)");
    CHECK_THROWS_CONTAINING(sum_to(ones({2, 3}), {4}), "sum_to", "(2, 3)", "(4,)");
}

TEST_CASE("shape and index errors") {
    CHECK_THROWS_CONTAINING(reshape(ones({2, 3}), {4, 2}), "reshape", "(2, 3)", "6 elements", "(4, 2)", "8 elements");
    CHECK_THROWS_CONTAINING(rows(ones({3, 2}), {0, 3}), "rows", "row index 3", "(3, 2)");
    CHECK_THROWS_CONTAINING(rows(scalar(1.0), {0}), "rows", "scalar");
    CHECK_THROWS_CONTAINING(scatter_rows(ones({2, 2}), {0}, 3), "scatter_rows", "1 index entries", "(2, 2)");
    CHECK_THROWS_CONTAINING(scatter_rows(ones({1, 2}), {5}, 3), "scatter_rows", "row index 5", "3 rows");
    CHECK_THROWS_CONTAINING(concat(std::vector<Tensor>{ones({2, 3}), ones({3, 3})}, 1), "concat", "(2, 3)", "(3, 3)",
                            "axis 1");
    CHECK_THROWS_CONTAINING(concat(std::vector<Tensor>{}), "concat", "at least one");
    CHECK_THROWS_CONTAINING(narrow(ones({2, 3}), 1, 2, 2), "narrow", "[2, 4)", "(2, 3)");
    CHECK_THROWS_CONTAINING(narrow(ones({2, 3}), 2, 0, 1), "narrow", "axis 2", "rank 2");
    CHECK_THROWS_CONTAINING(flatten(scalar(1.0)), "flatten", "scalar");
}

TEST_CASE("reduction errors") {
    CHECK_THROWS_CONTAINING(sum(ones({2, 3}), {2}), "sum", "axis 2", "rank 2");
    CHECK_THROWS_CONTAINING(sum(ones({2, 3}), {-3}), "sum", "axis -3");
    CHECK_THROWS_CONTAINING(sum(ones({2, 3}), {1, -1}), "sum", "twice");
    CHECK_THROWS_CONTAINING(sum(ones({2, 3}), {}), "sum", "empty axis list");
    CHECK_THROWS_CONTAINING(mean(zeros({0})), "mean", "empty", "(0,)");
    CHECK_THROWS_CONTAINING(max(zeros({0, 2})), "max", "empty", "(0, 2)");
    CHECK_THROWS_CONTAINING(log_softmax(ones({2, 3}), 2), "log_softmax", "axis 2");
    CHECK_THROWS_CONTAINING(clamp(ones({2}), 1.0, 0.0), "clamp", "lower limit 1", "upper limit 0");
}

TEST_CASE("loss errors") {
    CHECK_THROWS_CONTAINING(mse_loss(ones({2, 3}), ones({2, 4})), "mse_loss", "prediction (2, 3)", "target (2, 4)");
    CHECK_THROWS_CONTAINING(bce_loss(ones({3}), ones({3, 1})), "bce_loss", "(3,)", "(3, 1)");
    CHECK_THROWS_CONTAINING(bce_with_logits(ones({2}), ones({3})), "bce_with_logits", "(2,)", "(3,)");
    CHECK_THROWS_CONTAINING(cross_entropy(ones({2, 3}), {0}), "cross_entropy", "(2, 3)", "1 labels");
    CHECK_THROWS_CONTAINING(cross_entropy(ones({2, 3}), {0, 3}), "cross_entropy", "label 3", "row 1", "3 classes");
    CHECK_THROWS_CONTAINING(kl_sparsity(full({2}, 0.5), 1.5), "kl_sparsity", "p = 1.5");
    CHECK_THROWS_CONTAINING(kl_sparsity(Tensor(xt::xarray<float>{0.5f, 1.0f}), 0.1), "kl_sparsity", "strictly between");
    CHECK_THROWS_CONTAINING(gaussian_kl(ones({3}), ones({3})), "gaussian_kl", "(N, D)", "(3,)");
    CHECK_THROWS_CONTAINING(mse_loss(zeros({0}), zeros({0})), "mse_loss", "empty");
}

TEST_CASE("errors leave the graph usable") {
    Tensor w = ones({2, 2}, true);
    CHECK_THROWS(matmul(w, ones({3, 1})));
    sum(matmul(w, ones({2, 1}))).backward();
    CHECK(w.grad().shape() == Shape{2, 2});
}
