// expect-hint: not a copy
// A wrong solution of exercise 04: the decoder keeps a copy of the encoder's weight taken in the
// constructor, not registered: the parameter count is right, but W gets only the encoder's
// gradient, and the copy goes stale after the first optimizer step.
#include <memory>
#include <string>

#include "exercise.hpp"

namespace ex04 {

using autograd::Tensor;
using autograd::Tensor64;

class TiedDecoder : public nn::Module {
public:
    explicit TiedDecoder(std::shared_ptr<nn::Linear> encoder) : W_(encoder->weight.value()) {
        bias_ = register_parameter("bias", autograd::zeros({encoder->in_features()}));
    }

    Tensor forward(const Tensor& h) override { return autograd::matmul(h, autograd::transpose(W_)) + bias_; }

    Tensor64 forward64(const Tensor64& h, const nn::Params64& p) override {
        return autograd::matmul(h, autograd::transpose(p(W_))) + p(bias_);
    }

    std::string type_name() const override { return "TiedDecoder"; }

private:
    Tensor W_;     // (D, H), a copy of the encoder's numbers
    Tensor bias_;  // (D,)
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
