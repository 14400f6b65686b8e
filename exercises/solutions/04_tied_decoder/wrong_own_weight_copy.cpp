// expect-hint: a tied layer has no weight of its own
// mistake: The decoder registers a transposed copy of the encoder's weight as a parameter of its own: an untied decoder that merely starts from W^T (D H parameters too many, and the two weights drift apart as soon as training starts).
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
        xt::xarray<float> w_t = xt::transpose(encoder_->weight.value());                 // (H, D)  // MISTAKE
        weight_ = register_parameter("weight", Tensor(std::move(w_t)));                  // MISTAKE
        bias_ = register_parameter("bias", autograd::zeros({encoder_->in_features()}));  // c (D,)
    }

    // (N, H) -> (N, D)
    Tensor forward(const Tensor& h) override {
        // W is read from the encoder at every call: one tensor, two uses, so backward adds both.
        return autograd::matmul(h, weight_) + bias_;  // (N, H) @ (H, D) + (D,)  // MISTAKE
    }

    Tensor64 forward64(const Tensor64& h, const nn::Params64& p) override {
        return autograd::matmul(h, p(weight_)) + p(bias_);  // MISTAKE
    }

    std::string type_name() const override { return "TiedDecoder"; }

private:
    std::shared_ptr<nn::Linear> encoder_;  // a handle to the encoder layer, not a copy of its weight
    Tensor weight_;                        // (H, D), a weight of its own  // MISTAKE
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
