// trained.cpp: keeping and reusing a lecture's trained models (trained.hpp). Support for the
// lectures that train for minutes, not a lecture itself: gan_mnist, dcgan and
// incremental_stacking print the verdicts.
#include "trained.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include <xtensor/xview.hpp>

#include "autograd/blas_kernels.hpp"
#include "autograd/shape.hpp"
#include "io/npz.hpp"

#ifndef LAB_LECTURES_DIR
#define LAB_LECTURES_DIR ""  // lectures/meson.build sets it to the folder of the lectures' sources
#endif

namespace lecture {

namespace {

// 64-bit words as four 16-bit pieces each, so that float32 (exact for integers below 2^24)
// holds them exactly, and back.
xt::xarray<float> words_to_floats(const std::vector<std::uint64_t>& words) {
    xt::xarray<float> out = xt::zeros<float>({4 * words.size()});
    for (std::size_t i = 0; i < words.size(); ++i)
        for (std::size_t k = 0; k < 4; ++k) out(4 * i + k) = static_cast<float>((words[i] >> (16 * k)) & 0xffffu);
    return out;
}

std::vector<std::uint64_t> floats_to_words(const xt::xarray<float>& pieces) {
    if (pieces.size() % 4 != 0)
        throw io::CheckpointError(fmt::format("{} pieces where 64-bit numbers are kept as pieces of 4", pieces.size()));
    for (const float p : pieces)
        if (!(p >= 0.0f && p <= 65535.0f) || p != static_cast<float>(static_cast<int>(p)))
            throw io::CheckpointError(fmt::format("a piece {} where 64-bit numbers are kept as 16-bit pieces", p));
    std::vector<std::uint64_t> words(pieces.size() / 4, 0);
    for (std::size_t i = 0; i < words.size(); ++i)
        for (std::size_t k = 0; k < 4; ++k) words[i] |= static_cast<std::uint64_t>(pieces(4 * i + k)) << (16 * k);
    return words;
}

// Doubles exactly, as the pieces of their 64 bits.
xt::xarray<float> doubles_to_floats(const std::vector<double>& values) {
    std::vector<std::uint64_t> bits(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) std::memcpy(&bits[i], &values[i], sizeof(double));
    return words_to_floats(bits);
}

std::vector<double> floats_to_doubles(const xt::xarray<float>& pieces) {
    const std::vector<std::uint64_t> bits = floats_to_words(pieces);
    std::vector<double> values(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i) std::memcpy(&values[i], &bits[i], sizeof(double));
    return values;
}

// FNV-1a, 64 bits: a fingerprint, not a defence against anyone forging a file.
std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

// Text as the codes of its characters, one float each, and back.
xt::xarray<float> text_to_floats(const std::string& text) {
    xt::xarray<float> out = xt::zeros<float>({text.size()});
    for (std::size_t i = 0; i < text.size(); ++i) out(i) = static_cast<float>(static_cast<unsigned char>(text[i]));
    return out;
}

std::string floats_to_text(const xt::xarray<float>& codes) {
    std::string text;
    for (const float c : codes) {
        if (!(c >= 0.0f && c <= 255.0f) || c != static_cast<float>(static_cast<int>(c)))
            throw io::CheckpointError("its 'trained.settings' holds a value that is not a character code");
        text += static_cast<char>(static_cast<unsigned char>(c));
    }
    return text;
}

std::string settings_text(const std::vector<std::pair<std::string, std::string>>& settings) {
    std::string text;
    for (const auto& [name, value] : settings) text += name + ": " + value + "\n";
    return text;
}

bool same_number(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// Runs the measures, checking that none draws from the lecture's Generator.
std::vector<double> measure_all(const std::vector<Measure>& measures, const autograd::Generator& gen) {
    std::vector<double> values;
    for (const Measure& m : measures) {
        const std::array<std::uint64_t, 4> before = gen.state();
        values.push_back(m.measure());
        if (gen.state() != before)
            throw std::logic_error("Trained: the measure '" + m.name +
                                   "' drew from the lecture's Generator; a measure must not (give it a Generator "
                                   "of its own), or a run that reuses the models would print other numbers");
    }
    return values;
}

// "source test accuracy 0.992800, ...": what a line says the measures were.
std::string said_measures(const std::vector<Measure>& measures, const std::vector<double>& values) {
    std::string said;
    for (std::size_t i = 0; i < measures.size(); ++i)
        said += fmt::format("{}{} {:.6g}", i == 0 ? "" : ", ", measures[i].name, values[i]);
    return said;
}

std::string trimmed(const std::string& line) {
    const std::size_t first = line.find_first_not_of(" \t");
    return first == std::string::npos ? std::string() : line.substr(first);
}

}  // namespace

// ---- TrainingRecord ----

TrainingRecord::TrainingRecord(const std::vector<std::string>& curve_names, std::size_t line_width)
    : line_width_(line_width) {
    for (const std::string& name : curve_names) curves_[name];
}

std::vector<double>& TrainingRecord::curve(const std::string& name) {
    const auto it = curves_.find(name);
    if (it == curves_.end()) throw std::invalid_argument("TrainingRecord: no curve named '" + name + "'");
    return it->second;
}

void TrainingRecord::line(const std::vector<double>& numbers) {
    if (numbers.size() != line_width_)
        throw std::invalid_argument(
            fmt::format("TrainingRecord: a line of {} numbers where the record keeps {}", numbers.size(), line_width_));
    lines_.push_back(numbers);
}

void TrainingRecord::snapshot(std::size_t at, const xt::xarray<float>& samples) { snapshots_.push_back({at, samples}); }

void TrainingRecord::restore_snapshots(std::vector<std::pair<std::string, xt::xarray<float>>>& rows,
                                       const std::string& unit) const {
    for (const auto& [at, samples] : snapshots_) rows.push_back({fmt::format("{} {}", unit, at), samples});
}

std::string TrainingRecord::layout() const {
    std::string names;
    for (const auto& [name, values] : curves_) names += name + ",";
    return fmt::format("curves {}; lines of {}", names, line_width_);
}

void TrainingRecord::keep(Arrays& arrays) const {
    for (const auto& [name, values] : curves_) arrays["record.curve." + name] = doubles_to_floats(values);
    std::vector<double> all_lines;
    for (const std::vector<double>& l : lines_) all_lines.insert(all_lines.end(), l.begin(), l.end());
    arrays["record.lines"] = doubles_to_floats(all_lines);
    std::vector<double> at;
    for (std::size_t k = 0; k < snapshots_.size(); ++k) {
        at.push_back(static_cast<double>(snapshots_[k].first));
        arrays[fmt::format("record.snapshot.{}", k)] = snapshots_[k].second;
    }
    arrays["record.snapshot_at"] = doubles_to_floats(at);
}

void TrainingRecord::restore(const Arrays& arrays) {
    const auto get = [&](const std::string& name) -> const xt::xarray<float>& {
        const auto it = arrays.find(name);
        if (it == arrays.end() || it->second.dimension() == 0)
            throw std::runtime_error("the kept training record has no '" + name + "'");
        return it->second;
    };
    std::map<std::string, std::vector<double>> curves;
    for (const auto& [name, values] : curves_) curves[name] = floats_to_doubles(get("record.curve." + name));
    const std::vector<double> all_lines = floats_to_doubles(get("record.lines"));
    if (line_width_ == 0 || all_lines.size() % line_width_ != 0)
        throw std::runtime_error(fmt::format("the kept lines are not rows of {} numbers", line_width_));
    std::vector<std::vector<double>> lines;
    for (std::size_t i = 0; i < all_lines.size(); i += line_width_)
        lines.emplace_back(all_lines.begin() + i, all_lines.begin() + i + line_width_);
    std::vector<std::pair<std::size_t, xt::xarray<float>>> snapshots;
    const std::vector<double> at = floats_to_doubles(get("record.snapshot_at"));
    for (std::size_t k = 0; k < at.size(); ++k)
        snapshots.push_back({static_cast<std::size_t>(at[k]), get(fmt::format("record.snapshot.{}", k))});
    // All read: now change the record, keeping each curve's vector (callers hold references).
    for (auto& [name, values] : curves_) values = std::move(curves[name]);
    lines_ = std::move(lines);
    snapshots_ = std::move(snapshots);
}

// ---- Trained ----

Trained::Trained(const Options& options, const std::string& out_dir, const char* source_file,
                 const std::string& settings, const autograd::Generator& gen, const TrainingRecord& record) {
    path_ = fmt::format("{}/trained_seed{}{}.npz", out_dir, options.seed, options.quick ? "_quick" : "");
    retrain_ = options.retrain;
    namespace fs = std::filesystem;
    const fs::path source = fs::path(source_file).is_absolute()
                                ? fs::path(source_file)
                                : fs::path(LAB_LECTURES_DIR) / fs::path(source_file).filename();
    std::error_code error;
    const fs::file_time_type source_time = fs::last_write_time(source, error);
    if (error) {
        why_not_ =
            fmt::format("its training code cannot be read from {}, so a change to it would go unseen", source.string());
        return;
    }
    const fs::file_time_type program_time = fs::last_write_time(fs::read_symlink("/proc/self/exe", error), error);
    if (!error && source_time > program_time) {
        why_not_ = fmt::format(
            "{} changed after this program was built; rebuild it (./lab run does) to keep or "
            "reuse trained models",
            source.string());
        return;
    }
    // The training code: the lines between the markers.
    std::ifstream in(source);
    std::string line, code;
    std::size_t code_lines = 0;
    bool inside = false, seen = false;
    while (std::getline(in, line)) {
        const std::string t = trimmed(line);
        if (t.rfind("// [training begins]", 0) == 0) {
            if (inside) break;  // two begins in a row: unpaired
            inside = seen = true;
        } else if (t.rfind("// [training ends]", 0) == 0) {
            if (!inside) {
                seen = false;
                break;
            }
            inside = false;
        } else if (inside) {
            code += line + "\n";
            ++code_lines;
        }
    }
    if (!seen || inside) {
        why_not_ = fmt::format("{} has no well-paired \"// [training begins]\" and \"// [training ends]\" lines",
                               source.string());
        return;
    }
    const std::array<std::uint64_t, 4> state = gen.state();
    settings_ = {
        {"seed", std::to_string(options.seed)},
        {"mode", options.quick ? "--quick" : "default"},
        {"lecture's settings", settings},
        {"generator state", fmt::format("{:x} {:x} {:x} {:x}", state[0], state[1], state[2], state[3])},
        {"record", record.layout()},
        {"kernels", fmt::format("OpenBLAS {}, {} thread{}", autograd::openblas_core(), autograd::openblas_threads(),
                                autograd::openblas_threads() == 1 ? "" : "s")},
        {"training code", fmt::format("{} lines, fingerprint {:016x}", code_lines, fnv1a(code))},
    };
}

bool Trained::load(const std::vector<std::pair<std::string, nn::Module*>>& models, TrainingRecord& record,
                   autograd::Generator& gen, const std::vector<Measure>& measures) const {
    if (!why_not_.empty() || retrain_) {
        fmt::print("training (not reusing {}: {})\n", path_, retrain_ ? "--retrain" : why_not_);
        return false;
    }
    if (!std::filesystem::exists(path_)) {
        fmt::print("training (no trained models at {} yet; they are kept there for the next run)\n", path_);
        return false;
    }
    // Every tensor of every model, with the value it holds now: a check that fails puts it back.
    std::vector<std::pair<std::string, autograd::Tensor>> targets;
    for (const auto& [name, model] : models) {
        for (auto& [t_name, t] : model->named_parameters()) targets.push_back({name + "." + t_name, t});
        for (auto& [t_name, t] : model->named_buffers()) targets.push_back({name + "." + t_name, t});
    }
    std::vector<xt::xarray<float>> before;
    for (const auto& [name, t] : targets) before.push_back(t.value());
    const auto put_back = [&] {
        for (std::size_t i = 0; i < targets.size(); ++i) targets[i].second.mutable_value() = before[i];
    };
    try {
        Arrays file = io::load_npz(path_);
        // The settings, one by one: the first that differs is named.
        const auto kept = file.find("trained.settings");
        if (kept == file.end())
            throw io::CheckpointError("it holds no 'trained.settings', so what it was trained under is unknown");
        const std::string text = floats_to_text(kept->second);
        std::map<std::string, std::string> there;
        std::size_t start = 0;
        while (start < text.size()) {
            const std::size_t end = std::min(text.find('\n', start), text.size());
            const std::string kept_line = text.substr(start, end - start);
            const std::size_t colon = kept_line.find(": ");
            if (colon != std::string::npos) there[kept_line.substr(0, colon)] = kept_line.substr(colon + 2);
            start = end + 1;
        }
        for (const auto& [name, value] : settings_) {
            const auto it = there.find(name);
            if (it == there.end() || it->second != value) {
                fmt::print(
                    "training again ({} was trained with other settings: {} {} there, {} in this run; it will "
                    "be replaced)\n",
                    path_, name, it == there.end() ? "none recorded" : "'" + it->second + "'", "'" + value + "'");
                return false;
            }
        }
        const auto rng = file.find("trained.rng");
        const auto measured = file.find("trained.measured");
        if (rng == file.end() || rng->second.size() != 16)
            throw io::CheckpointError("its 'trained.rng' is missing or not 16 pieces");
        if (measured == file.end() || measured->second.size() != 4 * measures.size())
            throw io::CheckpointError(
                fmt::format("its 'trained.measured' is missing or not {} numbers", measures.size()));
        // Every tensor there, with its shape, and finite, before anything is set.
        for (const auto& [name, t] : targets) {
            const auto it = file.find(name);
            if (it == file.end() || autograd::Shape(it->second.shape().begin(), it->second.shape().end()) != t.shape())
                throw io::CheckpointError(fmt::format("'{}' is missing or has another shape", name));
            const std::size_t bad = autograd::first_non_finite(it->second);
            if (bad != it->second.size())
                throw io::CheckpointError(fmt::format("its weights are not finite: '{}' holds {} at element {} of {}",
                                                      name, it->second.flat(bad), bad, it->second.size()));
        }
        const std::vector<std::uint64_t> words = floats_to_words(rng->second);
        if (words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0)
            throw io::CheckpointError("its generator state is all zeros");
        // The weights in; measured again, they must give what the run that trained them measured.
        for (auto& [name, t] : targets) t.mutable_value() = file[name];
        const std::vector<double> then = floats_to_doubles(measured->second);
        const std::vector<double> now = measure_all(measures, gen);
        for (std::size_t i = 0; i < measures.size(); ++i) {
            if (!same_number(now[i], then[i])) {
                put_back();
                fmt::print(
                    "training again ({}: its models do not measure what they measured when trained: {} {:.9g} "
                    "now, {:.9g} then; it will be replaced)\n",
                    path_, measures[i].name, now[i], then[i]);
                return false;
            }
        }
        try {
            record.restore(file);  // reads everything before it changes anything; the last thing that can fail
        } catch (...) {
            put_back();
            throw;
        }
        gen.set_state({words[0], words[1], words[2], words[3]});
        fmt::print(
            "reusing the models trained by an earlier run with these settings: {} ({}; --retrain to train again)\n",
            path_,
            measures.empty() ? "nothing to measure"
                             : "measured again: " + said_measures(measures, now) + ", as when trained");
        return true;
    } catch (const std::logic_error&) {
        put_back();
        throw;  // a lecture's mistake (a measure that draws), not the file's
    } catch (const std::exception& e) {
        std::string what = e.what();
        if (what.rfind(path_ + ": ", 0) == 0) what = what.substr(path_.size() + 2);  // the path is said once
        fmt::print("training again (cannot reuse {}: {})\n", path_, what);
        return false;
    }
}

void Trained::save(const std::vector<std::pair<std::string, const nn::Module*>>& models, const TrainingRecord& record,
                   const autograd::Generator& gen, const std::vector<Measure>& measures) const {
    if (settings_.empty()) return;  // no settings: nothing a later run could check the file against
    const std::vector<double> measured = measure_all(measures, gen);
    Arrays file;
    record.keep(file);
    for (const auto& [name, model] : models)
        for (auto& [t_name, value] : model->state_dict()) file[name + "." + t_name] = std::move(value);
    const std::array<std::uint64_t, 4> state = gen.state();
    file["trained.rng"] = words_to_floats({state.begin(), state.end()});
    file["trained.settings"] = text_to_floats(settings_text(settings_));
    file["trained.measured"] = doubles_to_floats(measured);
    try {
        io::save_npz(path_, file);
        fmt::print("kept the trained models in {} ({})\n", path_,
                   measures.empty() ? "nothing measured" : "measured: " + said_measures(measures, measured));
    } catch (const std::exception& e) {
        fmt::print("could not keep the trained models ({}); the run goes on\n", e.what());
    }
}

}  // namespace lecture
