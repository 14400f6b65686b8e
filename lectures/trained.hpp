// trained.hpp: a lecture's trained models, kept between runs.
//
// In the slower lectures (gan_mnist, dcgan, incremental_stacking) training takes most of the time and the analysis
// after it, which a "Try this" often changes, takes seconds. So such a lecture keeps what it
// trained in out/<lecture>/trained_seed<N>[_quick].npz, a NumPy .npz holding:
//   <model>.<tensor>   each model's parameters and buffers (numpy.load shows their names)
//   record.*           what the analysis needs from training (TrainingRecord, below)
//   trained.rng        the lecture Generator's state after training, in 16-bit pieces
//   trained.key        a fingerprint of the training, in 16-bit pieces
// The fingerprint covers the run's settings (seed, --quick, what the lecture passes), the
// Generator's state when training starts (so a change to any draw before it counts), the
// record's layout, OpenBLAS's kernels and threads, and the text of the training code: the lines
// between a line starting "// [training begins]" and one starting "// [training ends]" in the
// lecture's source (there may be several such blocks). The next run whose fingerprint matches
// loads the file instead of training, restores the Generator, and prints the same numbers as a
// run that trained. A change inside the markers, other kernels, a damaged file or --retrain
// trains again (and keeps the result). Not seen: a change to library code the training calls
// (models/, nn/, autograd/): then run with --retrain. A source edited after its program was built
// is neither reused nor kept until the program is rebuilt (./lab run rebuilds first).
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

using Arrays = std::map<std::string, xt::xarray<float>>;

// What a lecture's analysis needs from its training besides the models: curves (one value per
// point), the numbers of the lines printed along the way (each line the same count of numbers)
// and snapshots of samples (taken at a step or epoch). Filled while training; Trained keeps it
// and restores it, every number exact.
class TrainingRecord {
public:
    TrainingRecord(const std::vector<std::string>& curve_names, std::size_t line_width);

    std::vector<double>& curve(const std::string& name);  // one of curve_names; the reference stays valid
    void line(const std::vector<double>& numbers);        // line_width numbers (else std::invalid_argument)
    const std::vector<std::vector<double>>& lines() const { return lines_; }
    void snapshot(std::size_t at, const xt::xarray<float>& samples);
    // Appends each snapshot to `rows` as ("<unit> <at>", samples), as the training run did.
    void restore_snapshots(std::vector<std::pair<std::string, xt::xarray<float>>>& rows, const std::string& unit) const;

private:
    friend class Trained;
    std::string layout() const;  // the curves' names and the lines' width, for the fingerprint
    void keep(Arrays& arrays) const;
    void restore(const Arrays& arrays);  // a missing or misshapen array is a std::runtime_error

    std::map<std::string, std::vector<double>> curves_;
    std::size_t line_width_;
    std::vector<std::vector<double>> lines_;
    std::vector<std::pair<std::size_t, xt::xarray<float>>> snapshots_;
};

class Trained {
public:
    // `source_file` is the lecture's __FILE__ (read from the lectures' source folder, which the
    // build names); `settings` says what else decides the training (steps, batch size, data);
    // `gen` is the Generator training will draw from, in its state before training; `record`
    // is the empty record training will fill.
    Trained(const Options& options, const std::string& out_dir, const char* source_file, const std::string& settings,
            const autograd::Generator& gen, const TrainingRecord& record);

    // Loads the models, the record and the Generator's state when the file exists and holds this
    // training's fingerprint, and says so; otherwise says why it trains (no file, --retrain,
    // another fingerprint, an unreadable file) and returns false, changing nothing.
    bool load(const std::vector<std::pair<std::string, nn::Module*>>& models, TrainingRecord& record,
              autograd::Generator& gen) const;

    // Keeps them (atomically: io/npz.hpp) and says where; a failure to write is said and
    // the run goes on.
    void save(const std::vector<std::pair<std::string, const nn::Module*>>& models, const TrainingRecord& record,
              const autograd::Generator& gen) const;

private:
    std::string path_, key_text_, why_not_;  // why_not_: why no file can be reused or kept
    bool retrain_ = false;
};

}  // namespace lecture
