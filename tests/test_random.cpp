// The seeded generator: same seed, same numbers, on every machine; sound distributions.
#include <algorithm>
#include <set>

#include "check.hpp"

using namespace autograd;

TEST_CASE("the same seed gives the same stream; another seed another") {
    Generator a(42), b(42), c(43);
    for (int i = 0; i < 100; ++i) {
        const auto x = a.next_u64();
        CHECK(x == b.next_u64());
        CHECK(x != c.next_u64());
    }
}

TEST_CASE("the stream is the documented one: splitmix64 seeding, xoshiro256**") {
    // splitmix64 from 0 gives 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, ... (its published test
    // values); xoshiro256**'s first output is rotl(s1 * 5, 7) * 9 of the second of them.
    const std::uint64_t s1 = 0x6e789e6aa1b965f4ULL;
    const std::uint64_t x = s1 * 5;
    const std::uint64_t expected = ((x << 7) | (x >> 57)) * 9;
    Generator g(0);
    CHECK(g.next_u64() == expected);
}

TEST_CASE("uniform lies in [0, 1) with mean 1/2 and variance 1/12") {
    Generator g(1);
    const int n = 200000;
    double s = 0, s2 = 0, lo = 1, hi = 0;
    for (int i = 0; i < n; ++i) {
        const double u = g.uniform();
        s += u, s2 += u * u, lo = std::min(lo, u), hi = std::max(hi, u);
    }
    CHECK(lo >= 0.0);
    CHECK(hi < 1.0);
    CHECK(s / n == doctest::Approx(0.5).epsilon(0.01));
    CHECK(s2 / n - (s / n) * (s / n) == doctest::Approx(1.0 / 12.0).epsilon(0.01));
}

TEST_CASE("normal has mean 0, variance 1, and the right tail mass") {
    Generator g(2);
    const int n = 200000;
    double s = 0, s2 = 0;
    int beyond2 = 0;
    for (int i = 0; i < n; ++i) {
        const double z = g.normal();
        s += z, s2 += z * z, beyond2 += std::abs(z) > 2.0;
    }
    CHECK(std::abs(s / n) < 0.01);
    CHECK(s2 / n == doctest::Approx(1.0).epsilon(0.02));
    CHECK(double(beyond2) / n == doctest::Approx(0.0455).epsilon(0.05));  // P(|Z| > 2)
}

TEST_CASE("below(n) covers [0, n) evenly; permutation is a permutation") {
    Generator g(3);
    std::vector<int> count(7, 0);
    for (int i = 0; i < 70000; ++i) ++count[g.below(7)];
    for (int c : count) CHECK(c == doctest::Approx(10000).epsilon(0.05));
    CHECK_THROWS_CONTAINING(g.below(0), "below", "positive");
    std::vector<std::size_t> p = g.permutation(100);
    CHECK(std::set<std::size_t>(p.begin(), p.end()).size() == 100);
    CHECK(*std::max_element(p.begin(), p.end()) == 99);
    CHECK_FALSE(std::is_sorted(p.begin(), p.end()));
}

TEST_CASE("random tensors: shapes, ranges, reproducible") {
    Generator g1(9), g2(9);
    const Tensor a = randn({3, 4}, g1), b = randn({3, 4}, g2);
    CHECK(a.shape() == Shape{3, 4});
    check_close(a.value(), b.value(), 0.0);
    const Tensor64 u = uniform<double>({1000}, -2.0, 3.0, g1);
    CHECK(xt::amin(u.value())() >= -2.0);
    CHECK(xt::amax(u.value())() < 3.0);
    CHECK_FALSE(rand({2}, g1).requires_grad());  // a constant leaf until asked: .requires_grad_()
}

TEST_CASE("state and set_state: a restored generator continues the same stream") {
    Generator a(9);
    for (int i = 0; i < 5; ++i) a.next_u64();
    a.normal();  // Box-Muller keeps no spare: the four words are the whole state
    Generator b(123);
    b.set_state(a.state());
    for (int i = 0; i < 20; ++i) CHECK(a.next_u64() == b.next_u64());
    CHECK(a.normal() == b.normal());
    CHECK_THROWS_CONTAINING(b.set_state({0, 0, 0, 0}), "all-zero");
}
