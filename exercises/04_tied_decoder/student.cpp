// Exercise 04: a tied decoder layer. Read README.md first.
//
// Fill in the holes below; `./lab check 04` grades them.
#include <memory>
#include <string>

#include "exercise.hpp"
#include "exercises/grader/lab.hpp"

namespace ex04 {

using autograd::Tensor;
using autograd::Tensor64;

// y = h W^T + c:   h (N, H),  W (D, H) the encoder's weight,  c (D,) this layer's own bias  ->  (N, D)
class TiedDecoder : public nn::Module {
public:
    explicit TiedDecoder(std::shared_ptr<nn::Linear> encoder) {
        // Keep what forward needs to reach the encoder's weight, and register this layer's own
        // bias c, zeros of shape (D,) where D = encoder->in_features() (README: "What the layer
        // keeps").
        lab::hole("TiedDecoder: the constructor", encoder);
    }

    // (N, H) -> (N, D)
    Tensor forward(const Tensor& h) override {
        // h times the transpose of the encoder's weight, plus c (autograd::matmul, autograd::transpose).
        lab::hole("TiedDecoder::forward", h);
    }

    // The same computation in float64, for nn::gradcheck_module: the same ops, with every
    // parameter read through p, e.g. p(bias_) for c.
    Tensor64 forward64(const Tensor64& h, const nn::Params64& p) override { lab::hole("TiedDecoder::forward64", h, p); }

    std::string type_name() const override { return "TiedDecoder"; }

private:
    // Your members: what the layer keeps (README: "What the layer keeps").
};

std::shared_ptr<nn::Module> make_tied_decoder(std::shared_ptr<nn::Linear> encoder) {
    return std::make_shared<TiedDecoder>(std::move(encoder));
}

std::shared_ptr<nn::Sequential> tied_autoencoder(std::size_t D, std::size_t H, autograd::Generator& gen) {
    // An nn::Linear(D, H, gen) held by a std::shared_ptr, then an nn::Sequential of: that layer,
    // nn::Sigmoid(), make_tied_decoder(that layer), nn::Sigmoid(). Sequential::push_back takes a
    // shared_ptr (the layer is then shared, not moved in) or a layer by value.
    lab::hole("tied_autoencoder: the Linear, then the Sequential around it", D, H, gen);
}

}  // namespace ex04
