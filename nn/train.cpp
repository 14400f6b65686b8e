#include "nn/train.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include "nn/optim.hpp"

namespace nn {

TrainLog::TrainLog(std::size_t epochs, std::size_t batches_per_epoch, bool quiet)
    : epochs_(epochs),
      batches_(batches_per_epoch),
      quiet_(quiet),
      tty_(::isatty(STDOUT_FILENO) == 1),
      start_(Clock::now()),
      epoch_start_(start_),
      last_draw_(start_) {}

void TrainLog::start_epoch() {
    ++epoch_;
    batch_ = examples_ = 0;
    loss_sum_ = 0.0;
    epoch_start_ = last_draw_ = Clock::now();
}

void stop_unless_finite(const std::string& where, const std::string& what, double loss) {
    if (std::isfinite(loss)) return;
    throw NonFiniteLoss(
        fmt::format("{}: {} is {}; training stopped here (from now on every number would be nan). Rerun with "
                    "--detect-anomaly (in code: autograd::DetectAnomaly) to find the op that produced it",
                    where, what, std::isnan(loss) ? std::string("nan") : fmt::format("{}", loss)));  // not "-nan"
}

void TrainLog::batch(double loss, std::size_t examples) {
    if (epoch_ == 0) throw std::logic_error("TrainLog::batch: call start_epoch() first");
    ++batch_;
    if (!std::isfinite(loss)) {
        if (!quiet_ && tty_) fmt::print("\n");  // below the progress bar
        std::fflush(stdout);
        stop_unless_finite(fmt::format("epoch {}/{}, batch {}/{}", epoch_, epochs_, batch_, batches_), "the loss",
                           loss);
    }
    examples_ += examples;
    loss_sum_ += loss * static_cast<double>(examples);
    // A progress bar, redrawn at most 5 times a second, only on a terminal and only once the
    // epoch has run for a second (short epochs need none).
    const Clock::time_point now = Clock::now();
    if (!quiet_ && tty_ && now - last_draw_ > std::chrono::milliseconds(200) &&
        now - epoch_start_ > std::chrono::seconds(1)) {
        last_draw_ = now;
        draw_progress();
    }
}

void TrainLog::draw_progress() {
    const std::size_t width = 30, done = batches_ ? width * batch_ / batches_ : 0;
    fmt::print("\r  epoch {:>{}}/{} [{:#<{}}{:.<{}}] {:>3}%  loss {:.5f}", epoch_, fmt::formatted_size("{}", epochs_),
               epochs_, "", done, "", width - done, batches_ ? 100 * batch_ / batches_ : 0,
               loss_sum_ / static_cast<double>(examples_));
    std::fflush(stdout);
}

double TrainLog::end_epoch(const std::string& extra) {
    if (examples_ == 0) throw std::logic_error("TrainLog::end_epoch: no batch was recorded in this epoch");
    const double mean = loss_sum_ / static_cast<double>(examples_);
    losses_.push_back(mean);
    if (!quiet_) {
        const double seconds = std::chrono::duration<double>(Clock::now() - epoch_start_).count();
        const std::string rate = autograd::thousands(
            static_cast<std::size_t>(std::llround(static_cast<double>(examples_) / std::max(seconds, 1e-9))));
        fmt::print("{}epoch {:>{}}/{}  loss {:.5f}{}{}  {} img/s  {:.1f} s  (total {:.1f} s)\n", tty_ ? "\r\033[K" : "",
                   epoch_, fmt::formatted_size("{}", epochs_), epochs_, mean, extra.empty() ? "" : "  ", extra, rate,
                   seconds, elapsed());
        std::fflush(stdout);
    }
    return mean;
}

double TrainLog::elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

double reconstruction_mse(Module& model, const io::Dataset& data, std::size_t batch_size) {
    if (data.size() == 0) throw std::invalid_argument("reconstruction_mse: the data set is empty");
    autograd::NoGradGuard no_grad;
    const bool was_training = model.is_training();
    model.eval();
    double total = 0.0;
    for (const Batch& batch : DataLoader(data, batch_size, /*shuffle=*/false, 0))
        total += autograd::mse_loss(model(batch.x), batch.x, autograd::Reduction::Sum).item();
    model.train(was_training);
    return total / static_cast<double>(data.images.size());
}

std::vector<double> fit_autoencoder(Module& model, const io::Dataset& train, const io::Dataset& test,
                                    const FitOptions& options) {
    Adam adam(model.parameters(), options.lr);
    DataLoader loader(train, options.batch_size, /*shuffle=*/true, options.seed);
    TrainLog log(options.epochs, loader.num_batches());
    std::vector<double> test_curve;
    for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
        log.start_epoch();
        for (const Batch& batch : loader) {
            adam.zero_grad();
            autograd::Tensor loss = autograd::mse_loss(model(batch.x), batch.x, autograd::Reduction::Mean);  // ()
            log.batch(loss.item(), batch.labels.size());  // a NaN loss stops here, before the step
            loss.backward();
            adam.step();
        }
        test_curve.push_back(reconstruction_mse(model, test));
        log.end_epoch(fmt::format("test {:.5f}", test_curve.back()));
    }
    return test_curve;
}

}  // namespace nn
