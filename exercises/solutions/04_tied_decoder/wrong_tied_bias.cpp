// expect-hint: biases are never tied
// mistake: The bias is tied too: the decoder registers the encoder's bias b (H,) as its own and adds it to an output of D columns.
// expect-check: its parameters: its own bias c (D,) and no weight of its own
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
        bias_ = register_parameter("bias", encoder_->bias);  // the encoder's b, shared  // MISTAKE
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
    return std::make_shared<TiedDecoder>(std::move(encoder));
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
