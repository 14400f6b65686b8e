// trained.hpp: a lecture's trained models, kept between runs.
//
// In the slower lectures (dcgan, gan_mnist, incremental_stacking) training takes most of the time
// and the analysis after it, which a "Try this" often changes, takes seconds. So such a lecture
// keeps what it trained in out/<lecture>/trained_seed<N>[_quick].npz, a NumPy .npz holding:
//   <model>.<tensor>   each model's parameters and buffers (numpy.load shows their names)
//   <name>             the arrays the analysis needs from training (loss curves, snapshots)
//   trained.rng        the lecture Generator's state after training, in 16-bit pieces
//   trained.key        a fingerprint of the training, in 16-bit pieces
// The fingerprint covers the run's settings (seed, --quick, what the lecture passes), OpenBLAS's
// kernels and threads, and the text of the lecture's training code: the lines between a line
// holding "[training begins]" and one holding "[training ends]" in its source file. The next run
// whose fingerprint matches loads the file instead of training, restores the Generator, and
// prints the same numbers as a run that trained. An edit between the markers, other kernels, a
// damaged file or --retrain trains again (and saves). Not seen: an edit to library code the
// training calls (models/, nn/, autograd/): then run with --retrain.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <xtensor/xarray.hpp>

#include "autograd/random.hpp"
#include "lecture.hpp"
#include "nn/module.hpp"

namespace lecture {

class Trained {
public:
    using Arrays = std::map<std::string, xt::xarray<float>>;

    // `source_file` is the lecture's __FILE__ (read from the lectures' source folder, which the
    // build names); `settings` says what else decides the training (steps, batch size, data).
    Trained(const Options& options, const std::string& out_dir, const char* source_file, const std::string& settings);

    // Loads the models, the arrays and the Generator's state when the file exists and holds this
    // training's fingerprint, and says so; otherwise says why it trains (no file, --retrain,
    // another fingerprint, an unreadable file) and returns false, changing nothing.
    bool load(const std::vector<std::pair<std::string, nn::Module*>>& models, Arrays& arrays,
              autograd::Generator& gen) const;

    // Saves them (atomically: io/checkpoint.hpp) and says where.
    void save(const std::vector<std::pair<std::string, const nn::Module*>>& models, const Arrays& arrays,
              const autograd::Generator& gen) const;

    const std::string& path() const { return path_; }

private:
    std::string path_, key_text_, why_not_;  // why_not_: why no file can match (the source is not found)
    bool retrain_ = false;
};

// What a lecture's analysis needs from its training besides the models, kept in a Trained file's
// arrays: curves ("curve.<name>", one value per point), the numbers of the lines printed along
// the way ("lines", one row each, every number exact in four 16-bit pieces) and snapshots of samples ("snapshot.<k>", taken at the steps or
// epochs in "snapshot.at"). Filled while training and kept before Trained::save, or restored
// after Trained::load.
class TrainingRecord {
public:
    TrainingRecord(Trained::Arrays& arrays, const std::vector<std::string>& curve_names);

    std::vector<double>& curve(const std::string& name);  // one of curve_names; the reference stays valid
    void line(const std::vector<double>& numbers);        // the numbers of one printed line
    const std::vector<std::vector<double>>& lines() const { return lines_; }
    void snapshot(std::size_t at, const xt::xarray<float>& samples);

    void keep();     // into the arrays, before Trained::save
    void restore();  // from the arrays, after Trained::load
    // Appends each snapshot to `rows` as ("<unit> <at>", samples), as the training run did.
    void restore_snapshots(std::vector<std::pair<std::string, xt::xarray<float>>>& rows, const std::string& unit) const;

private:
    Trained::Arrays& arrays_;
    std::map<std::string, std::vector<double>> curves_;
    std::vector<std::vector<double>> lines_;
    std::vector<std::pair<std::size_t, xt::xarray<float>>> snapshots_;
};

}  // namespace lecture
