// check.cpp (exercise 04): grades ex04's tied decoder layer and tied autoencoder. Sizes and values
// come from the grader's seed. The shared weight's gradient is compared with an untied float64
// computation of the same two uses (two separate leaves holding the same numbers), made with
// the library's ops only.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>

#include "exercise.hpp"
#include "exercises/grader/grader.hpp"

using autograd::Shape;
using autograd::Tensor;
using autograd::Tensor64;
using lab::shape_text;

namespace {

const char* const kOwnWeightHint =
    "a tied layer has no weight of its own: keep a handle to the encoder's Linear (the "
    "std::shared_ptr<nn::Linear> the constructor gets) and read its weight in forward";
const char* const kBiasTiedHint =
    "biases are never tied (Silva, Tying Weights): the decoder's bias c lives in the input space, shape (D,), "
    "and is its own: a parameter the decoder registers in its constructor";
const char* const kNoBiasHint =
    "the decoder has a bias c of its own, shape (D,) with D the encoder's in_features(), starting at zeros: "
    "register it as a parameter in the constructor";
const char* const kTransposeHint =
    "the decoder runs the encoder's weight backwards: h (N, H) times W^T (H, D) gives (N, D), while W itself is "
    "(D, H)";
const char* const kForwardHint =
    "y = h W^T + c: the encoder's weight W, transposed, and the decoder's own bias c (D,) added to every row";
const char* const kForward64Hint =
    "forward64 is forward in float64: the same ops, with every parameter read through p (p(W) for the "
    "encoder's weight, p(c) for your bias) so that gradcheck_module can vary it";
const char* const kStandInWeightHint =
    "forward64 read the encoder's weight itself (its float32 value, converted), not p(W): gradcheck_module "
    "varies the float64 stand-in p(encoder->weight), and a forward64 that never reads it checks nothing. "
    "Read every parameter through p";
const char* const kStandInBiasHint =
    "forward64 read your bias itself, not p(c): gradcheck_module varies the float64 stand-in p(bias), and a "
    "forward64 that never reads it checks nothing. Read every parameter through p";
const char* const kNotACopyHint =
    "the encoder's weight received only the encoder's gradient: the decoder must use the encoder's weight "
    "tensor itself (read encoder->weight in forward), not a copy, so that backward adds the gradients of both "
    "uses (Scott slide 8: W4 = W1^T is the same W1)";
const char* const kSumHint =
    "a weight used twice gets the sum of both uses' gradients: that happens by itself when the decoder reads "
    "the encoder's weight tensor (transposed) in forward";
const char* const kStaleHint =
    "read encoder->weight in forward, at every call: a copy of its numbers taken in the constructor goes stale "
    "as soon as an optimizer steps the encoder";
const char* const kLibraryHint =
    "write the layer yourself: nn::TiedLinear is the library's finished version of this exercise";
const char* const kEncoderChildHint =
    "your decoder registers the encoder as a child module, so the encoder's weight and bias count as the "
    "decoder's parameters too: a model that holds both layers lists them twice, and an optimizer steps them "
    "twice. Keep the encoder in a plain std::shared_ptr member (not register_module): the decoder reads its "
    "weight, it does not own the layer";
const char* const kModelHint =
    "the tied autoencoder is x -> sigmoid(x W + b) -> sigmoid(h W^T + c): an nn::Linear(D, H) held by a "
    "std::shared_ptr, pushed into the Sequential, then nn::Sigmoid(), make_tied_decoder(that same layer), "
    "nn::Sigmoid()";

xt::xarray<double> f64(const xt::xarray<float>& a) { return xt::cast<double>(a); }
xt::xarray<double> dot(const xt::xarray<double>& a, const xt::xarray<double>& b) { return xt::linalg::dot(a, b); }
xt::xarray<double> sigmoid_ref(const xt::xarray<double>& a) { return 1.0 / (1.0 + xt::exp(-a)); }

// The decoder, made for `encoder`; a null result fails the check.
std::shared_ptr<nn::Module> decoder_for(lab::Check& c, const std::shared_ptr<nn::Linear>& encoder) {
    std::shared_ptr<nn::Module> decoder = ex04::make_tied_decoder(encoder);
    c.expect(decoder != nullptr, "make_tied_decoder(encoder)", "a layer", "a null pointer",
             "return std::make_shared<TiedDecoder>(std::move(encoder))");
    return decoder;
}

// The decoder's own bias c (D,): its parameter that is not one of the encoder's tensors. Fails
// the check with the hint for what is there instead.
Tensor own_bias(lab::Check& c, const nn::Module& decoder, const nn::Linear& encoder) {
    const std::size_t D = encoder.in_features(), H = encoder.out_features();
    for (const auto& [name, child] : decoder.named_children())
        if (child.get() == &encoder)
            c.fail("the decoder's child modules", "none: the encoder is not the decoder's to own",
                   fmt::format("the encoder registered as its child '{}'", name), kEncoderChildHint);
    std::vector<std::pair<std::string, Tensor>> own;
    std::string listing;
    for (const auto& [name, p] : decoder.named_parameters()) {
        listing += fmt::format("{}{} {}", listing.empty() ? "" : ", ", name, shape_text(p.shape()));
        if (p.node() == encoder.weight.node()) continue;  // the shared tensor itself: not a weight of its own
        if (p.node() == encoder.bias.node())
            c.fail("the decoder's parameters", "its own bias c " + shape_text(Shape{D}),
                   fmt::format("the encoder's bias b {} among them ({})", shape_text(p.shape()), listing),
                   kBiasTiedHint);
        own.emplace_back(name, p);
    }
    if (listing.empty()) listing = "no parameters";
    for (const auto& [name, p] : own)
        if (p.dim() == 2 && p.size() == D * H)
            c.fail("the decoder's parameters", "only its own bias c " + shape_text(Shape{D}),
                   fmt::format("a weight {} of its own ({})", shape_text(p.shape()), listing), kOwnWeightHint);
    if (own.size() == 1 && own[0].second.shape() == Shape{D}) return own[0].second;
    if (own.empty()) c.fail("the decoder's parameters", "its own bias c " + shape_text(Shape{D}), listing, kNoBiasHint);
    c.fail("the decoder's parameters", "only its own bias c " + shape_text(Shape{D}), listing,
           own.size() == 1 && own[0].second.shape() == Shape{H} ? kBiasTiedHint : kOwnWeightHint);
}

// The decoder's output for h, with any exception turned into a failure naming the shapes.
Tensor run_decoder(lab::Check& c, nn::Module& decoder, const Tensor& h, const nn::Linear& encoder) {
    try {
        return decoder(h);
    } catch (const lab::NotDone&) {
        throw;
    } catch (const std::exception& e) {
        c.fail(fmt::format("your decoder on h of shape {}, with W of shape {}", shape_text(h.shape()),
                           shape_text(encoder.weight.shape())),
               fmt::format("an output of shape {}", shape_text(Shape{h.shape()[0], encoder.in_features()})),
               std::string("it threw: ") + e.what(), kTransposeHint);
    }
}

// Fresh random numbers for a parameter that starts at zero, so that using it or not shows.
void randomize(Tensor& p, autograd::Generator& gen) {
    p.mutable_value() = autograd::uniform(p.shape(), -0.5, 0.5, gen).value();
}

// The loss of the tied pair, x -> sigmoid(enc(x)) -> sigmoid(dec(.)) against x, with backward run.
Tensor tied_loss(lab::Check& c, nn::Linear& encoder, nn::Module& decoder, const Tensor& x) {
    const Tensor h = autograd::sigmoid(encoder(x));  // (N, H)
    const Tensor y = autograd::sigmoid(run_decoder(c, decoder, h, encoder));
    Tensor loss = autograd::mse_loss(y, x, autograd::Reduction::Mean);
    loss.backward();
    return loss;
}

// Whether any module below `m` (or m itself) is the library's TiedLinear.
bool holds_library_layer(const nn::Module& m) {
    if (dynamic_cast<const nn::TiedLinear*>(&m) != nullptr) return true;
    return std::any_of(m.named_children().begin(), m.named_children().end(),
                       [](const auto& child) { return holds_library_layer(*child.second); });
}

}  // namespace

int main(int argc, char** argv) {
    lab::Grader grader("04", "a tied decoder layer (h W^T + c, sharing the encoder's W)", argc, argv,
                       /*default_seed=*/4404);
    autograd::Generator gen = grader.generator(1);
    // Hidden sizes: an undercomplete D-H-D autoencoder (D > H, so that W and W^T differ in shape).
    const std::size_t D = 5 + gen.below(4), H = 2 + gen.below(3), N = 3 + gen.below(3);
    const auto make_encoder = [&] { return std::make_shared<nn::Linear>(D, H, gen); };
    const std::string pair_text =
        fmt::format("encoder nn::Linear({}, {}), W of shape {}", D, H, shape_text(Shape{D, H}));

    grader.check("your own layer (not the library's nn::TiedLinear)", [&](lab::Check& c) {
        const auto encoder = make_encoder();
        const auto decoder = decoder_for(c, encoder);
        c.expect(!holds_library_layer(*decoder), "make_tied_decoder(encoder)", "your TiedDecoder",
                 decoder->type_name() + ", which is or holds an nn::TiedLinear", kLibraryHint);
    });

    grader.check("its parameters: its own bias c (D,) and no weight of its own", [&](lab::Check& c) {
        const auto encoder = make_encoder();
        const auto decoder = decoder_for(c, encoder);
        own_bias(c, *decoder, *encoder);
    });

    grader.check("forward: y = h W^T + c, (N, H) to (N, D)", [&](lab::Check& c) {
        const auto encoder = make_encoder();
        const auto decoder = decoder_for(c, encoder);
        Tensor bias = own_bias(c, *decoder, *encoder);
        randomize(bias, gen);
        const Tensor h = autograd::uniform({N, H}, 0.0, 1.0, gen);
        const Tensor y = run_decoder(c, *decoder, h, *encoder);
        const std::string what = fmt::format("your decoder on h of shape {} ({})", shape_text(h.shape()), pair_text);
        c.expect_shape(what, y.shape(), {N, D}, kTransposeHint);
        const xt::xarray<double> want =
            dot(f64(h.value()), xt::transpose(f64(encoder->weight.value()))) + f64(bias.value());
        c.expect_close(what, f64(y.value()), want, 1e-5, 1e-6, kForwardHint);
    });

    grader.check("forward64 matches forward, and gradcheck_module passes on encoder + decoder", [&](lab::Check& c) {
        const auto encoder = make_encoder();
        const auto decoder = decoder_for(c, encoder);
        Tensor bias = own_bias(c, *decoder, *encoder);
        randomize(bias, gen);
        randomize(encoder->bias, gen);
        nn::Sequential pair;  // shares both layers
        pair.push_back(encoder);
        pair.push_back(nn::Sigmoid());
        pair.push_back(decoder);
        const Tensor64 x = autograd::uniform<double>({N, D}, 0.0, 1.0, gen);
        autograd::GradcheckResult r;
        try {
            r = nn::gradcheck_module(pair, x);
        } catch (const lab::NotDone&) {
            throw;
        } catch (const std::exception& e) {
            c.fail("gradcheck_module on Sequential(encoder, Sigmoid, your decoder)", "a gradient check",
                   std::string("it threw: ") + e.what(), kForward64Hint);
        }
        c.expect(r.ok && r.checked > 0, "gradcheck_module on Sequential(encoder, Sigmoid, your decoder), in float64",
                 "forward64 equal to forward, and backward equal to central differences", r.report, kForward64Hint);
    });

    grader.check("forward64 reads every parameter through p: p(W) and p(c)", [&](lab::Check& c) {
        const auto encoder = make_encoder();
        const auto decoder = decoder_for(c, encoder);
        Tensor bias = own_bias(c, *decoder, *encoder);
        randomize(bias, gen);
        // Stand-ins unlike the float32 values, W' = 2 W + 1 and c' = c - 1: only a forward64 that
        // reads them through p gives h W'^T + c'.
        const xt::xarray<double> W = f64(encoder->weight.value()), cb = f64(bias.value());
        const xt::xarray<double> W2 = 2.0 * W + 1.0, c2 = cb - 1.0;
        nn::Params64 p;
        p.set(encoder->weight, Tensor64(W2));
        p.set(bias, Tensor64(c2));
        const Tensor64 h = autograd::uniform<double>({N, H}, 0.0, 1.0, gen);
        Tensor64 y;
        try {
            y = decoder->forward64(h, p);
        } catch (const lab::NotDone&) {
            throw;
        } catch (const std::exception& e) {
            c.fail("forward64 with stand-ins for W and c", "h p(W)^T + p(c)", std::string("it threw: ") + e.what(),
                   kForward64Hint);
        }
        const xt::xarray<double> got = lab::value_of(y);
        const auto near = [&](const xt::xarray<double>& want) {
            return got.shape() == want.shape() && xt::allclose(got, want, 1e-12, 1e-12);
        };
        const xt::xarray<double> hW = dot(h.value(), xt::transpose(W)), hW2 = dot(h.value(), xt::transpose(W2));
        const char* hint = near(hW + c2) || near(hW + cb) ? kStandInWeightHint
                           : near(hW2 + cb)               ? kStandInBiasHint
                                                          : kForward64Hint;
        c.expect_close(fmt::format("forward64 on h of shape {}, given stand-ins p(W) = 2 W + 1 and p(c) = c - 1",
                                   shape_text(h.shape())),
                       got, hW2 + c2, 1e-12, 1e-12, hint);
    });

    grader.check("the shared weight's gradient is the sum of its two uses", [&](lab::Check& c) {
        const auto encoder = make_encoder();
        const auto decoder = decoder_for(c, encoder);
        Tensor bias = own_bias(c, *decoder, *encoder);
        randomize(bias, gen);
        randomize(encoder->bias, gen);
        const Tensor x = autograd::uniform({N, D}, 0.0, 1.0, gen);
        tied_loss(c, *encoder, *decoder, x);

        // The same function untied, in float64: W used by the encoder (We) and by the decoder (Wd)
        // as two leaves with the same numbers; the tied W's gradient must be their sum.
        const Tensor64 x64 = autograd::to_double(x), b64 = autograd::to_double(encoder->bias);
        const Tensor64 We(f64(encoder->weight.value()), true), Wd(f64(encoder->weight.value()), true);
        const Tensor64 c64(f64(bias.value()), true);
        const Tensor64 h64 = autograd::sigmoid(autograd::linear(x64, We, b64));
        const Tensor64 y64 = autograd::sigmoid(autograd::matmul(h64, autograd::transpose(Wd)) + c64);
        const std::vector<Tensor64> g = autograd::grad(autograd::mse_loss(y64, x64), {We, Wd, c64});
        const xt::xarray<double> g_encoder = g[0].value(), g_decoder = g[1].value();
        const xt::xarray<double> want = g_encoder + g_decoder;

        const Tensor gW = encoder->weight.grad();
        const std::string what = fmt::format("the encoder's W.grad() after backward of the tied loss ({})", pair_text);
        c.expect(gW.defined(), what, "a gradient", "none (undefined)", kSumHint);
        const xt::xarray<double> got = f64(gW.value());
        const double scale = xt::amax(xt::abs(want))();
        const bool encoder_only = xt::allclose(got, g_encoder, 1e-4, 1e-5 * scale);
        c.expect_close(what + ", against dL/dW through the encoder + dL/dW through the decoder", got, want, 1e-4,
                       1e-5 * scale, encoder_only ? kNotACopyHint : kSumHint);
        c.expect(bias.grad().defined(), "the decoder's bias c, after backward", "a gradient", "none (undefined)",
                 "c must be the registered parameter that forward adds");
        c.expect_close("the decoder's bias gradient dL/dc", f64(bias.grad().value()), g[2].value(), 1e-4,
                       1e-5 * xt::amax(xt::abs(g[2].value()))(), kForwardHint);
    });

    grader.check("the decoder follows the encoder's weight after an optimizer step", [&](lab::Check& c) {
        const auto encoder = make_encoder();
        const auto decoder = decoder_for(c, encoder);
        Tensor bias = own_bias(c, *decoder, *encoder);
        const Tensor x = autograd::uniform({N, D}, 0.0, 1.0, gen);
        std::vector<Tensor> params = encoder->parameters();
        for (const Tensor& p : decoder->parameters()) params.push_back(p);
        nn::SGD sgd(params, /*lr=*/1.0);
        const xt::xarray<float> before = encoder->weight.value();
        tied_loss(c, *encoder, *decoder, x);
        sgd.step();
        c.expect(xt::amax(xt::abs(encoder->weight.value() - before))() > 0.0f, "the encoder's weight after one step",
                 "moved", "unchanged", kSumHint);
        const Tensor h = autograd::uniform({N, H}, 0.0, 1.0, gen);
        Tensor y;
        {
            autograd::NoGradGuard no_grad;
            y = run_decoder(c, *decoder, h, *encoder);
        }
        const xt::xarray<double> want =
            dot(f64(h.value()), xt::transpose(f64(encoder->weight.value()))) + f64(bias.value());
        c.expect_close("your decoder after sgd.step(), against h W^T + c with the stepped W and c", f64(y.value()),
                       want, 1e-5, 1e-6, kStaleHint);
    });

    grader.check(
        "tied_autoencoder(D, H): D H + H + D parameters, and x -> sigmoid(sigmoid(x W + b) W^T + c)",
        [&](lab::Check& c) {
            const std::shared_ptr<nn::Sequential> model = ex04::tied_autoencoder(D, H, gen);
            c.expect(model != nullptr, fmt::format("tied_autoencoder({}, {}, gen)", D, H), "a model", "a null pointer",
                     kModelHint);
            const std::size_t want = D * H + H + D, got = model->num_parameters();
            c.expect(got == want, fmt::format("tied_autoencoder({}, {}, gen).num_parameters()", D, H),
                     fmt::format("{} = D H + H + D (W once, b, c)", want), fmt::format("{}", got),
                     got == want + D * H ? kOwnWeightHint
                     : got == want - D   ? kBiasTiedHint
                                         : kModelHint);
            // Find W (D, H), b (H,), c (D,) among its parameters; give b and c numbers.
            Tensor W, b, cb;
            for (auto& [name, p] : model->named_parameters()) {
                if (p.shape() == Shape{D, H}) W = p;
                if (p.shape() == Shape{H}) b = p;
                if (p.shape() == Shape{D}) cb = p;
            }
            c.expect(
                W.defined() && b.defined() && cb.defined(), "the model's parameters",
                fmt::format("W {}, b {}, c {}", shape_text(Shape{D, H}), shape_text(Shape{H}), shape_text(Shape{D})),
                "another set", kModelHint);
            randomize(b, gen);
            randomize(cb, gen);
            const Tensor x = autograd::uniform({N, D}, 0.0, 1.0, gen);
            Tensor y;
            try {
                autograd::NoGradGuard no_grad;
                y = (*model)(x);
            } catch (const lab::NotDone&) {
                throw;
            } catch (const std::exception& e) {
                c.fail(fmt::format("the model on x of shape {}", shape_text(x.shape())),
                       "an output of shape " + shape_text(x.shape()), std::string("it threw: ") + e.what(), kModelHint);
            }
            const xt::xarray<double> Wd = f64(W.value());
            const xt::xarray<double> h = sigmoid_ref(dot(f64(x.value()), Wd) + f64(b.value()));
            const xt::xarray<double> ref = sigmoid_ref(dot(h, xt::transpose(Wd)) + f64(cb.value()));
            const std::string what = fmt::format("the model on x of shape {}", shape_text(x.shape()));
            c.expect_shape(what, y.shape(), x.shape(), kModelHint);
            c.expect_close(what, f64(y.value()), ref, 1e-5, 1e-6, kModelHint);
        });

    return grader.finish();
}
