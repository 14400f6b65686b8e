// io/dataset.cpp: a data set's batches.
#include "check.hpp"
#include "toy_datasets.hpp"

#include "io/dataset.hpp"

using autograd::Tensor;

TEST_CASE("Dataset::batch takes the given rows, in order, as a constant tensor") {
    const io::Dataset data = numbered(10, 4);
    const Tensor x = data.batch({7, 0, 7, 3});
    REQUIRE(x.shape() == autograd::Shape{4, 4});
    CHECK_FALSE(x.requires_grad());
    const std::vector<float> expected = {7, 0, 7, 3};
    for (std::size_t b = 0; b < 4; ++b)
        for (std::size_t k = 0; k < 4; ++k)
            CHECK_MESSAGE(x.value()(b, k) == expected[b],
                          "row " << b << ": expected " << expected[b] << ", got " << x.value()(b, k));
    CHECK(data.batch({}).shape() == autograd::Shape{0, 4});
    CHECK_THROWS_CONTAINING(data.batch({1, 10}), "index 10", "out of range for 10 images");
}
