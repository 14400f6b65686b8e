// trained.hpp: a lecture's trained models, kept between runs.
//
// In the slower lectures (gan_mnist, dcgan, incremental_stacking, transfer_learning) training
// takes most of the time and the analysis after it, which a "Try this" often changes, takes
// seconds. So such a lecture keeps what it trained in out/<lecture>/trained_seed<N>[_quick].npz,
// a NumPy .npz holding:
//   <model>.<tensor>   each model's parameters and buffers (numpy.load shows their names)
//   record.*           what the analysis needs from training (TrainingRecord, below)
//   trained.settings   what the training depended on, one "name: value" line each, as the codes
//                      of its characters (bytes(f["trained.settings"].astype("u1")).decode())
//   trained.measured   what the run measured of the models it trained (Measure, below)
//   trained.rng        the lecture Generator's state after training, in 16-bit pieces
// The settings are the run's (seed, --quick, what the lecture passes), the Generator's state when
// training starts (so a change to any draw before it counts), the record's layout, the names of
// the measures, OpenBLAS's kernels and threads, and a fingerprint of the training code: the lines
// between a line starting "// [training begins]" and one starting "// [training ends]" in the
// lecture's source (there may be several such blocks).
//
// A model is reused only when it is checked. The next run loads the file only if
//   - every setting is this run's (else it says which differs: "kernels 'OpenBLAS Haswell,
//     1 thread' there, 'OpenBLAS SkylakeX, 1 thread' in this run"),
//   - every model's tensor is there, with its shape, and finite (else it names the tensor and
//     the element: a diverged or damaged model is not trusted),
//   - the models, loaded, measure what the run that trained them measured, bit for bit (the
//     settings fix the kernels and threads, so the same weights give the same number; else it
//     says "test accuracy: 0.1907 now, 0.9928 when trained"),
// and then restores the record and the Generator and prints the same numbers as a run that
// trained. Otherwise it says why, changes nothing (not a weight, not the Generator), and the
// lecture trains again and keeps the result. --retrain always trains. Not seen: a change to
// library code the training calls (models/, nn/, autograd/) that leaves the measures as they
// were: then run with --retrain. A source edited after its program was built is neither reused
// nor kept until the program is rebuilt (./lab run rebuilds first).
#pragma once

#include <functional>
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

// One number a run measures of its trained models (a test accuracy, a loss on fixed data): kept
// with them and measured again when they are reloaded. `measure` must be deterministic and must
// not draw from the lecture's Generator (Trained checks: a draw is a std::logic_error), so that a
// run that reuses the models prints what a run that trains them prints.
struct Measure {
    std::string name;  // says what it is: "source test accuracy"
    std::function<double()> measure;
};

class Trained {
public:
    // `source_file` is the lecture's __FILE__ (read from the lectures' source folder, which the
    // build names; an absolute path is read as it is); `settings` says what else decides the training (steps, batch size, data);
    // `gen` is the Generator training will draw from, in its state before training; `record`
    // is the empty record training will fill.
    Trained(const Options& options, const std::string& out_dir, const char* source_file, const std::string& settings,
            const autograd::Generator& gen, const TrainingRecord& record);

    // Loads the models, the record and the Generator's state when the file exists and passes
    // every check above, and says so; otherwise says why it trains (no file, --retrain, another
    // setting, a tensor missing, misshapen or not finite, a measure missed, an unreadable file)
    // and returns false, having changed nothing.
    bool load(const std::vector<std::pair<std::string, nn::Module*>>& models, TrainingRecord& record,
              autograd::Generator& gen, const std::vector<Measure>& measures) const;

    // Measures the trained models and keeps them with the measures (atomically: io/npz.hpp), and
    // says where; a failure to write is said and the run goes on.
    void save(const std::vector<std::pair<std::string, const nn::Module*>>& models, const TrainingRecord& record,
              const autograd::Generator& gen, const std::vector<Measure>& measures) const;

    const std::string& path() const { return path_; }

private:
    std::string path_, why_not_;                                 // why_not_: why no file can be reused or kept
    std::vector<std::pair<std::string, std::string>> settings_;  // name, value: what the training depended on
    bool retrain_ = false;
};

}  // namespace lecture
