// train.hpp: feedback while training. One line per epoch with the mean loss, the throughput
// and the time, and (on a terminal) a progress bar inside long epochs:
//
//   epoch  3/10  loss 0.01842  test 0.01901  41,230 img/s  1.5 s  (total 4.4 s)
//
// the test error of an autoencoder, measured the same way everywhere, and the plain training
// loop of an autoencoder (the one lectures/02_mnist_autoencoder.cpp writes out line by line).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/data.hpp"
#include "nn/module.hpp"

namespace nn {

// The mean squared reconstruction error per pixel of an autoencoder, mean over every image and
// pixel of (model(x) - x)^2, on a whole data set: in batches of `batch_size`, with no graph
// recorded, in eval mode (Dropout off, BatchNorm on its running statistics). The model's
// train / eval mode is put back afterwards.
double reconstruction_mse(Module& model, const io::Dataset& data, std::size_t batch_size = 1000);

// fit_autoencoder's settings; set a field by name:
//     nn::FitOptions fit;
//     fit.epochs = 4;
//     fit.seed = gen.next_u64();
struct FitOptions {
    std::size_t epochs = 10;
    std::size_t batch_size = 128;
    double lr = 1e-3;        // Adam's learning rate
    std::uint64_t seed = 0;  // the order of the shuffled batches
};

// Trains an autoencoder to reconstruct its input: Adam on the square loss mse(model(x), x),
// shuffled minibatches, one TrainLog line per epoch with the test MSE. A NaN or Inf loss stops it
// with NonFiniteLoss before the step that would spread it into the weights. Returns the test MSE
// after each epoch (the last one is the model's final test error).
std::vector<double> fit_autoencoder(Module& model, const io::Dataset& train, const io::Dataset& test,
                                    const FitOptions& options);

// The loss of a minibatch was NaN or Inf: training stops there (every later step would only
// print nan). The message names the epoch, the batch and the value, and how to find the op.
class NonFiniteLoss : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws NonFiniteLoss unless `loss` is finite: "WHERE: WHAT is nan; training stopped here ...
// Rerun with --detect-anomaly ...". TrainLog::batch and models::gan_step call it before a step.
void stop_unless_finite(const std::string& where, const std::string& what, double loss);

class TrainLog {
public:
    // `epochs` and `batches_per_epoch` size the counters; quiet prints nothing at all.
    TrainLog(std::size_t epochs, std::size_t batches_per_epoch, bool quiet = false);

    // Marks the start of the next epoch.
    void start_epoch();
    // Records one minibatch: its mean loss and how many examples it held. A loss of NaN or Inf
    // throws NonFiniteLoss ("epoch 3/10, batch 17/469: the loss is nan ... rerun with
    // --detect-anomaly").
    void batch(double loss, std::size_t examples);
    // Ends the epoch: prints its line (with extra "name value" pairs, e.g. a test loss) and
    // returns the epoch's mean loss, weighted by examples.
    double end_epoch(const std::string& extra = "");

    // The mean training loss of every finished epoch, for a loss curve.
    const std::vector<double>& epoch_losses() const { return losses_; }
    // Seconds since the log was made.
    double elapsed() const;

private:
    using Clock = std::chrono::steady_clock;
    void draw_progress();

    std::size_t epochs_, batches_;
    bool quiet_, tty_;
    std::size_t epoch_ = 0, batch_ = 0, examples_ = 0;
    double loss_sum_ = 0.0;
    std::vector<double> losses_;
    Clock::time_point start_, epoch_start_, last_draw_;
};

}  // namespace nn
