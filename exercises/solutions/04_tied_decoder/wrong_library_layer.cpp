// expect-hint: nn::TiedLinear is the library's finished version
// mistake: make_tied_decoder hands back the library's nn::TiedLinear instead of a layer of one's own.
// expect-check: your own layer (not the library's nn::TiedLinear)
// The reference solution of exercise 04.
#include <memory>
#include <string>

#include "exercise.hpp"

namespace ex04 {

using autograd::Tensor;
using autograd::Tensor64;

// y = h W^T + c:   h (N, H),  W (D, H) the encoder's weight,  c (D,) this layer's own bias  ->  (N, D)
class TiedDecoder : public nn::Module {
public:
    explicit TiedDecoder(std::shared_ptr<nn::Linear> encoder) : encoder_(std::move(encoder)) {
        bias_ = register_parameter("bias", autograd::zeros({encoder_->in_features()}));  // c (D,)
    }

    // (N, H) -> (N, D)
    Tensor forward(const Tensor& h) override {
        // W is read from the encoder at every call: one tensor, two uses, so backward adds both.
        return autograd::matmul(h, autograd::transpose(encoder_->weight)) + bias_;  // (N, H) @ (H, D) + (D,)
    }

    Tensor64 forward64(const Tensor64& h, const nn::Params64& p) override {
        return autograd::matmul(h, autograd::transpose(p(encoder_->weight))) + p(bias_);
    }

    std::string type_name() const override { return "TiedDecoder"; }

private:
    std::shared_ptr<nn::Linear> encoder_;  // a handle to the encoder layer, not a copy of its weight
    Tensor bias_;                          // c (D,): biases are never tied
};

std::shared_ptr<nn::Module> make_tied_decoder(std::shared_ptr<nn::Linear> encoder) {
    return std::make_shared<nn::TiedLinear>(std::move(encoder));  // MISTAKE
}

std::shared_ptr<nn::Sequential> tied_autoencoder(std::size_t D, std::size_t H, autograd::Generator& gen) {
    auto encoder = std::make_shared<nn::Linear>(D, H, gen);
    auto model = std::make_shared<nn::Sequential>();
    model->push_back(encoder);                     // x W + b        (N, H)
    model->push_back(nn::Sigmoid());               // h
    model->push_back(make_tied_decoder(encoder));  // h W^T + c      (N, D)
    model->push_back(nn::Sigmoid());               // y
    return model;
}

}  // namespace ex04
