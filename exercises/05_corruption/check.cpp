// check.cpp (exercise 05): grades ex05::masking_noise and ex05::salt_and_pepper. Sizes and nu
// come from the grader's seed.
//
// The inputs are uniform in [0.1, 0.9]: no element of x is 0 or 1, so every element of the
// result that is not x's own value, bit for bit, is one the function corrupted. The statistical
// checks use N = 18,000 to 90,000 elements and a band of 4 standard deviations: a correct
// solution falls outside it for about 1 seed in 16,000 per check.
#include <cmath>
#include <cstring>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Generator;
using autograd::Tensor;

namespace {

using Noise = std::function<Tensor(const Tensor&, double, Generator&)>;

const char* const kInvertedHint =
    "nu is the probability that an element is corrupted, not that it is kept: corrupt when gen.uniform() < nu";
const char* const kExactHint =
    "a corrupted element becomes exactly 0 or exactly 1 (a pixel's min or max), not a random value in between; "
    "the others are copied unchanged";

// How the result y compares with the input x, element by element.
struct Tally {
    std::size_t n = 0, kept = 0, zeros = 0, ones = 0, other = 0;
    std::size_t first_other = 0;  // the flat index of the first element that is none of the three
    std::size_t first_one = 0;    // the flat index of the first element set to 1
    xt::xarray<float> y;          // the result
    xt::xarray<bool> corrupted;   // (R, C): y differs from x there
    double fraction() const { return static_cast<double>(zeros + ones + other) / static_cast<double>(n); }
};

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

Tally tally(const xt::xarray<float>& x, const xt::xarray<float>& y) {
    Tally t;
    t.n = x.size();
    t.y = y;
    t.corrupted = xt::xarray<bool>::from_shape(x.shape());
    for (std::size_t i = 0; i < t.n; ++i) {
        const float xi = x.data()[i], yi = y.data()[i];
        const bool kept = same_bits(xi, yi);
        t.corrupted.data()[i] = !kept;
        if (kept) {
            ++t.kept;
        } else if (yi == 0.0f) {
            ++t.zeros;
        } else if (yi == 1.0f) {
            if (t.ones++ == 0) t.first_one = i;
        } else {
            if (t.other++ == 0) t.first_other = i;
        }
    }
    return t;
}

std::string where(std::size_t flat, std::size_t cols) { return fmt::format("({}, {})", flat / cols, flat % cols); }

// The result must be a defined tensor of x's shape; returns its value.
xt::xarray<float> result_of(lab::Check& c, const Tensor& y, const Tensor& x, const std::string& what) {
    c.expect(y.defined(), what, "a tensor", "an undefined tensor",
             "return a new tensor holding the corrupted copy of x's value");
    c.expect_shape(what, y.shape(), x.shape(), "the corrupted x~ has the shape of x: one element for each of x's");
    return y.value();
}

// Independence: in a (R, C) mask of corruptions drawn independently with probability f, an element
// and its right-hand neighbour are both corrupted with probability f^2, and so are an element and
// the one below it. One mask reused for every row (every image) makes the second rate f, one draw
// per row the first. Fails with the measured rates.
void expect_independent(lab::Check& c, const Tally& t, const std::string& what) {
    const std::size_t R = t.corrupted.shape()[0], C = t.corrupted.shape()[1];
    std::size_t right = 0, below = 0;
    for (std::size_t i = 0; i < R; ++i)
        for (std::size_t j = 0; j < C; ++j) {
            if (j + 1 < C) right += t.corrupted(i, j) && t.corrupted(i, j + 1);
            if (i + 1 < R) below += t.corrupted(i, j) && t.corrupted(i + 1, j);
        }
    const double f = t.fraction();
    const double r_right = static_cast<double>(right) / static_cast<double>(R * (C - 1));
    const double r_below = static_cast<double>(below) / static_cast<double>((R - 1) * C);
    // A quarter of the gap between f^2 (independent) and f (fully dependent): the sampling error is
    // about 0.002, the gap 0.1 or more for the fractions used here.
    const double tol = f * (1.0 - f) / 4.0;
    const bool ok = std::abs(r_right - f * f) <= tol && std::abs(r_below - f * f) <= tol;
    c.expect(ok, what + ": how often neighbours are corrupted together",
             fmt::format("both corrupted about f^2 = {:.4f} of the time, where f = {:.4f} is the fraction "
                         "corrupted (independent draws), within {:.4f}",
                         f * f, f, tol),
             fmt::format("an element and its right neighbour {:.4f}, an element and the one below it (the same pixel "
                         "of the next image) {:.4f}",
                         r_right, r_below),
             "each element gets its own draw, one gen.uniform() per element of x: not one mask per row (per image) "
             "reused along it, nor one mask of pixels shared by every image");
    c.note(fmt::format("neighbours corrupted together: {:.4f} and {:.4f} of the time, f^2 = {:.4f}", r_right, r_below,
                       f * f));
}

// The fraction corrupted is nu, within 4 standard deviations.
void expect_fraction(lab::Check& c, const Tally& t, double nu, const std::string& what) {
    const double f = t.fraction(), sigma = std::sqrt(nu * (1.0 - nu) / static_cast<double>(t.n));
    const bool inverted = std::abs(f - (1.0 - nu)) <= 4.0 * sigma;
    c.expect(std::abs(f - nu) <= 4.0 * sigma, what + ": the fraction of elements corrupted",
             fmt::format("nu = {:.4f}, within 4 sigma = {:.4f} (sigma = sqrt(nu (1 - nu) / N), N = {})", nu,
                         4.0 * sigma, t.n),
             fmt::format("{:.4f} ({} of {})", f, t.n - t.kept, t.n),
             inverted ? kInvertedHint
                      : "each element is corrupted independently with probability nu: draw u = gen.uniform() in "
                        "[0, 1) and corrupt when u < nu");
    c.note(fmt::format("{} of {} elements corrupted: {:.4f} (nu = {:.4f}, 4 sigma = {:.4f})", t.n - t.kept, t.n, f, nu,
                       4.0 * sigma));
}

// `noise` with nu outside [0, 1] throws std::invalid_argument.
void expect_rejects(lab::Check& c, const Noise& noise, const Tensor& x, double nu, Generator& gen,
                    const std::string& name) {
    const std::string what = fmt::format("{}(x, nu = {})", name, nu);
    const std::string hint =
        "nu is a probability: throw std::invalid_argument when it is outside [0, 1] (the test "
        "!(nu >= 0 && nu <= 1) also catches NaN)";
    try {
        noise(x, nu, gen);
    } catch (const std::invalid_argument&) {
        return;
    } catch (const lab::NotDone&) {
        throw;
    } catch (const std::exception& e) {
        c.fail(what, "a std::invalid_argument", fmt::format("another exception: {}", e.what()), hint);
    }
    c.fail(what, "a std::invalid_argument", "no exception: a tensor came back", hint);
}

const char* const kUnchangedHint =
    "x is the caller's tensor: copy its value into an array of your own, corrupt the copy and return "
    "it as a new tensor. A copy of the handle (Tensor y = x;) shares x's storage, so y.mutable_value() writes into x";

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("05", "denoising corruption: masking and salt-and-pepper noise", argc, argv,
                       /*default_seed=*/4105);
    Generator setup = grader.generator(1);
    // A hidden size, R rows (images) of C elements (pixels): 18,000 to 90,000 elements.
    const std::size_t R = 150 + setup.below(151), C = 120 + setup.below(181);
    const double nu_mask = setup.uniform(0.12, 0.4), nu_sp = setup.uniform(0.15, 0.45);
    const Tensor x = autograd::uniform<float>({R, C}, 0.1, 0.9, setup);  // no element is 0 or 1
    const xt::xarray<float> x_before = x.value();
    const std::string mask_what = fmt::format("masking_noise(x, nu = {:.4f}) for x of shape ({}, {})", nu_mask, R, C);
    const std::string sp_what = fmt::format("salt_and_pepper(x, nu = {:.4f}) for x of shape ({}, {})", nu_sp, R, C);

    // One corruption of x by each function, shared by the checks that look at it.
    Tally mask_tally, sp_tally;
    bool mask_ran = false, sp_ran = false;
    const auto run_mask = [&](lab::Check& c) -> const Tally& {
        if (!mask_ran) {
            Generator gen = grader.generator(2);
            const Tensor y = ex05::masking_noise(x, nu_mask, gen);
            mask_tally = tally(x_before, result_of(c, y, x, mask_what));
            mask_ran = true;
        }
        return mask_tally;
    };
    const auto run_sp = [&](lab::Check& c) -> const Tally& {
        if (!sp_ran) {
            Generator gen = grader.generator(3);
            const Tensor y = ex05::salt_and_pepper(x, nu_sp, gen);
            sp_tally = tally(x_before, result_of(c, y, x, sp_what));
            sp_ran = true;
        }
        return sp_tally;
    };

    // ---- masking noise ----
    grader.check("masking: a new tensor of x's shape, and x itself left unchanged", [&](lab::Check& c) {
        run_mask(c);
        c.expect(xt::all(xt::equal(x.value(), x_before)), "x after masking_noise(x, ...)", "x as it was",
                 "x has changed", kUnchangedHint);
    });

    grader.check("masking: each element is kept bit for bit or set to exactly 0", [&](lab::Check& c) {
        const Tally& t = run_mask(c);
        if (t.other + t.ones > 0) {
            const std::size_t i = t.other > 0 ? t.first_other : t.first_one;
            c.fail(mask_what, "each element either x's own value, unchanged, or exactly 0",
                   fmt::format("{} of {} elements are neither (x was uniform in [0.1, 0.9]); e.g. {} at {} where x "
                               "has {}",
                               t.other + t.ones, t.n, t.y.data()[i], where(i, C), x_before.data()[i]),
                   "masking sets a corrupted element to exactly 0 and copies every other one as it is: no "
                   "rescaling of the kept ones by 1 / (1 - nu) (that is dropout's, not the slide's masking noise), "
                   "no noise added");
        }
    });

    grader.check("masking: each element has its own draw",
                 [&](lab::Check& c) { expect_independent(c, run_mask(c), mask_what); });

    grader.check("masking: the fraction set to 0 is nu",
                 [&](lab::Check& c) { expect_fraction(c, run_mask(c), nu_mask, mask_what); });

    grader.check("masking: nu = 0 keeps x, nu = 1 sets every element to 0", [&](lab::Check& c) {
        Generator gen = grader.generator(4);
        const Tally none = tally(x_before, result_of(c, ex05::masking_noise(x, 0.0, gen), x, "masking_noise(x, 0)"));
        c.expect(
            none.kept == none.n, "masking_noise(x, nu = 0)", "x itself, every element unchanged",
            fmt::format("{} of {} elements changed", none.n - none.kept, none.n),
            none.kept == 0 ? kInvertedHint : "with nu = 0 no element is corrupted: gen.uniform() < 0 is never true");
        const Tensor all = ex05::masking_noise(x, 1.0, gen);
        const xt::xarray<float> v = result_of(c, all, x, "masking_noise(x, 1)");
        const std::size_t zeros = static_cast<std::size_t>(xt::sum(xt::cast<int>(xt::equal(v, 0.0f)))());
        c.expect(zeros == v.size(), "masking_noise(x, nu = 1)", "every element 0",
                 fmt::format("{} of {} elements are 0", zeros, v.size()),
                 "with nu = 1 every element is corrupted: gen.uniform() is in [0, 1), so u < 1 always holds");
    });

    // ---- salt-and-pepper noise ----
    grader.check("salt-and-pepper: a new tensor of x's shape, and x itself left unchanged", [&](lab::Check& c) {
        run_sp(c);
        c.expect(xt::all(xt::equal(x.value(), x_before)), "x after salt_and_pepper(x, ...)", "x as it was",
                 "x has changed", kUnchangedHint);
    });

    grader.check("salt-and-pepper: each element is kept bit for bit or set to exactly 0 or 1", [&](lab::Check& c) {
        const Tally& t = run_sp(c);
        if (t.other > 0) {
            const std::size_t i = t.first_other;
            const bool everywhere = t.fraction() > nu_sp + 0.2;
            c.fail(sp_what, "each element either x's own value, unchanged, or exactly 0 or exactly 1",
                   fmt::format("{} of {} elements are none of these (x was uniform in [0.1, 0.9]); e.g. {} at {} "
                               "where x has {}",
                               t.other, t.n, t.y.data()[i], where(i, C), x_before.data()[i]),
                   everywhere ? "nearly every element moved: salt-and-pepper leaves an element alone unless it is "
                                "corrupted (probability nu). Noise added everywhere and clipped to [0, 1] is another "
                                "corruption; this one sets a fraction nu of the elements to their min or max"
                              : kExactHint);
        }
    });

    grader.check("salt-and-pepper: each element has its own draw",
                 [&](lab::Check& c) { expect_independent(c, run_sp(c), sp_what); });

    grader.check("salt-and-pepper: the fraction corrupted is nu",
                 [&](lab::Check& c) { expect_fraction(c, run_sp(c), nu_sp, sp_what); });

    grader.check("salt-and-pepper: half of the corrupted elements 0, half 1", [&](lab::Check& c) {
        const Tally& t = run_sp(c);
        const std::size_t m = t.zeros + t.ones;
        c.expect(m > 0, sp_what, "some elements set to 0 and some to 1",
                 fmt::format("none: {} elements changed to other values", t.other), kExactHint);
        const double salt = static_cast<double>(t.ones) / static_cast<double>(m);
        const double sigma = std::sqrt(0.25 / static_cast<double>(m));
        c.expect(std::abs(salt - 0.5) <= 4.0 * sigma, sp_what + ": of the corrupted elements, the fraction set to 1",
                 fmt::format("1/2, within 4 sigma = {:.4f} (sigma = sqrt(1/4 / M), M = {} corrupted)", 4.0 * sigma, m),
                 fmt::format("{:.4f} ({} set to 1, {} set to 0)", salt, t.ones, t.zeros),
                 "half of the corrupted elements become 0 (pepper), half 1 (salt), each with probability 1/2: "
                 "u < nu/2 gives 0 and nu/2 <= u < nu gives 1, or a second draw decides");
        c.note(fmt::format("{} set to 0, {} set to 1", t.zeros, t.ones));
    });

    grader.check("salt-and-pepper: nu = 0 keeps x, nu = 1 sets every element to 0 or 1", [&](lab::Check& c) {
        Generator gen = grader.generator(5);
        const Tally none =
            tally(x_before, result_of(c, ex05::salt_and_pepper(x, 0.0, gen), x, "salt_and_pepper(x, 0)"));
        c.expect(none.kept == none.n, "salt_and_pepper(x, nu = 0)", "x itself, every element unchanged",
                 fmt::format("{} of {} elements changed", none.n - none.kept, none.n),
                 "with nu = 0 no element is corrupted: gen.uniform() < 0 is never true");
        const Tally all = tally(x_before, result_of(c, ex05::salt_and_pepper(x, 1.0, gen), x, "salt_and_pepper(x, 1)"));
        const double sigma = std::sqrt(0.25 / static_cast<double>(all.n));
        const double salt = static_cast<double>(all.ones) / static_cast<double>(all.n);
        c.expect(
            all.zeros + all.ones == all.n && std::abs(salt - 0.5) <= 4.0 * sigma, "salt_and_pepper(x, nu = 1)",
            fmt::format("every element 0 or 1, about half of each (within {:.4f})", 4.0 * sigma),
            fmt::format("{} zeros, {} ones, {} other of {}", all.zeros, all.ones, all.n - all.zeros - all.ones, all.n),
            all.zeros + all.ones < all.n ? kExactHint
                                         : "with nu = 1 every element is corrupted (gen.uniform() < 1 always "
                                           "holds), and each becomes 0 or 1 with probability 1/2");
    });

    // ---- both ----
    grader.check("no history: the result is a constant, even when x requires grad", [&](lab::Check& c) {
        const Tensor xg(x_before, /*requires_grad=*/true);
        Generator gen = grader.generator(6);
        const std::string hint =
            "the corrupted x~ is data, not a function of the parameters: return a new constant tensor, made from "
            "the corrupted array. Built with ops (x times a mask), it is recorded on the tape and gradients would "
            "flow back through the corruption";
        const Tensor m = ex05::masking_noise(xg, nu_mask, gen);
        c.expect(m.defined() && !m.requires_grad(), "masking_noise(x) for an x that requires grad",
                 "a tensor with no history (requires_grad false, op \"leaf\")",
                 m.defined() ? fmt::format("requires_grad true, made by the op \"{}\"", m.op()) : "undefined", hint);
        const Tensor s = ex05::salt_and_pepper(xg, nu_sp, gen);
        c.expect(s.defined() && !s.requires_grad(), "salt_and_pepper(x) for an x that requires grad",
                 "a tensor with no history (requires_grad false, op \"leaf\")",
                 s.defined() ? fmt::format("requires_grad true, made by the op \"{}\"", s.op()) : "undefined", hint);
    });

    grader.check("randomness from gen only: the same state gives the same corruption, the next call another",
                 [&](lab::Check& c) {
                     const auto same = [](const Tensor& a, const Tensor& b) {
                         return a.defined() && b.defined() && a.shape() == b.shape() &&
                                xt::all(xt::equal(a.value(), b.value()));
                     };
                     const std::string repeat_hint =
                         "every random number must come from gen, the generator passed in: not std::rand, "
                         "std::random_device or a generator of your own. Then the same seed gives the same "
                         "corruption, and a run can be repeated";
                     const std::string advance_hint =
                         "draw from gen itself (it is passed by reference, so each call moves it on): a generator "
                         "made inside the function starts from the same seed every call and repeats the same "
                         "corruption, so the network would see the same noise every epoch";
                     const std::vector<std::pair<std::string, Noise>> noises{
                         {"masking_noise", ex05::masking_noise}, {"salt_and_pepper", ex05::salt_and_pepper}};
                     for (const auto& [name, noise] : noises) {
                         const double nu = name == "masking_noise" ? nu_mask : nu_sp;
                         Generator a = grader.generator(7), b = a;  // two generators in the same state
                         const Tensor first = noise(x, nu, a), again = noise(x, nu, b), next = noise(x, nu, a);
                         c.expect(same(first, again), name + " called twice, with generators in the same state",
                                  "the same corruption twice", "two different results", repeat_hint);
                         c.expect(!same(first, next), name + " called twice in a row with one generator",
                                  "two different corruptions", "the same corruption twice", advance_hint);
                     }
                 });

    grader.check("nu outside [0, 1] is a std::invalid_argument", [&](lab::Check& c) {
        Generator gen = grader.generator(8);
        const Tensor small = autograd::uniform<float>({3, 4}, 0.1, 0.9, gen);
        for (double nu : {1.5, -0.1}) {
            expect_rejects(c, ex05::masking_noise, small, nu, gen, "masking_noise");
            expect_rejects(c, ex05::salt_and_pepper, small, nu, gen, "salt_and_pepper");
        }
    });

    return grader.finish();
}
