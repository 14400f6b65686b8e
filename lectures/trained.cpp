#include "trained.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include <xtensor/xview.hpp>

#include "autograd/blas_kernels.hpp"
#include "io/checkpoint.hpp"

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
    std::vector<std::uint64_t> words(pieces.size() / 4, 0);
    for (std::size_t i = 0; i < words.size(); ++i)
        for (std::size_t k = 0; k < 4; ++k) words[i] |= static_cast<std::uint64_t>(pieces(4 * i + k)) << (16 * k);
    return words;
}

// FNV-1a, 64 bits: a fingerprint, not a defence against anyone forging a file.
std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

}  // namespace

Trained::Trained(const Options& options, const std::string& out_dir, const char* source_file,
                 const std::string& settings) {
    path_ = fmt::format("{}/trained_seed{}{}.npz", out_dir, options.seed, options.quick ? "_quick" : "");
    retrain_ = options.retrain;
    // The training code: the lines between the markers, read from the lectures' source folder.
    const std::string source =
        std::string(LAB_LECTURES_DIR) + "/" + std::filesystem::path(source_file).filename().string();
    std::ifstream in(source);
    std::string line, code;
    bool inside = false, seen = false;
    while (std::getline(in, line)) {
        if (line.find("[training ends]") != std::string::npos) inside = false;
        if (inside) code += line + "\n";
        if (line.find("[training begins]") != std::string::npos) inside = seen = true;
    }
    if (!seen) {
        why_not_ = fmt::format("its training code cannot be read from {}, so a change to it would go unseen", source);
        return;
    }
    key_text_ = fmt::format("seed {} | {} | {} | OpenBLAS {}, {} threads\n{}", options.seed,
                            options.quick ? "quick" : "default", settings, autograd::openblas_core(),
                            autograd::openblas_threads(), code);
}

bool Trained::load(const std::vector<std::pair<std::string, nn::Module*>>& models, Arrays& arrays,
                   autograd::Generator& gen) const {
    if (!why_not_.empty() || retrain_) {
        fmt::print("training (not reusing {}: {})\n", path_, retrain_ ? "--retrain" : why_not_);
        return false;
    }
    if (!std::filesystem::exists(path_)) {
        fmt::print("training (no trained models at {} yet; they are kept there for the next run)\n", path_);
        return false;
    }
    try {
        Arrays file = io::load_npz(path_);
        const auto key = file.find("trained.key");
        const auto rng = file.find("trained.rng");
        if (key == file.end() || rng == file.end() || rng->second.size() != 16 ||
            floats_to_words(key->second) != std::vector<std::uint64_t>{fnv1a(key_text_)}) {
            fmt::print(
                "training again ({} was trained with other settings, kernels or training code; it will be "
                "replaced)\n",
                path_);
            return false;
        }
        // Every tensor of every model, checked before any is set: a mismatch changes nothing.
        std::vector<std::pair<std::string, autograd::Tensor>> targets;
        for (const auto& [name, model] : models) {
            for (auto& [t_name, t] : model->named_parameters()) targets.push_back({name + "." + t_name, t});
            for (auto& [t_name, t] : model->named_buffers()) targets.push_back({name + "." + t_name, t});
        }
        for (const auto& [name, t] : targets) {
            const auto it = file.find(name);
            if (it == file.end() || nn::Shape(it->second.shape().begin(), it->second.shape().end()) != t.shape())
                throw io::CheckpointError(fmt::format("'{}' is missing or has another shape", name));
        }
        const std::vector<std::uint64_t> words = floats_to_words(rng->second);
        gen.set_state({words[0], words[1], words[2], words[3]});
        for (auto& [name, t] : targets) {
            t.mutable_value() = std::move(file[name]);
            file.erase(name);
        }
        file.erase("trained.key");
        file.erase("trained.rng");
        arrays = std::move(file);
    } catch (const std::exception& e) {
        fmt::print("training again (cannot reuse {}: {})\n", path_, e.what());
        return false;
    }
    fmt::print("reusing the models trained by an earlier run with these settings: {} (--retrain to train again)\n",
               path_);
    return true;
}

void Trained::save(const std::vector<std::pair<std::string, const nn::Module*>>& models, const Arrays& arrays,
                   const autograd::Generator& gen) const {
    if (key_text_.empty()) return;  // no fingerprint: nothing a later run could check the file against
    Arrays file = arrays;
    for (const auto& [name, model] : models) {
        for (const auto& [t_name, t] : model->named_parameters()) file[name + "." + t_name] = t.value();
        for (const auto& [t_name, t] : model->named_buffers()) file[name + "." + t_name] = t.value();
    }
    const std::array<std::uint64_t, 4> state = gen.state();
    file["trained.rng"] = words_to_floats({state.begin(), state.end()});
    file["trained.key"] = words_to_floats({fnv1a(key_text_)});
    try {
        io::save_npz(path_, file);
        fmt::print("kept the trained models in {}\n", path_);
    } catch (const std::exception& e) {
        fmt::print("could not keep the trained models ({}); the run goes on\n", e.what());
    }
}

TrainingRecord::TrainingRecord(Trained::Arrays& arrays, const std::vector<std::string>& curve_names) : arrays_(arrays) {
    for (const std::string& name : curve_names) curves_[name];
}

std::vector<double>& TrainingRecord::curve(const std::string& name) {
    const auto it = curves_.find(name);
    if (it == curves_.end()) throw std::invalid_argument("TrainingRecord: no curve named '" + name + "'");
    return it->second;
}

void TrainingRecord::line(const std::vector<double>& numbers) { lines_.push_back(numbers); }

void TrainingRecord::snapshot(std::size_t at, const xt::xarray<float>& samples) { snapshots_.push_back({at, samples}); }

void TrainingRecord::keep() {
    for (const auto& [name, values] : curves_) {
        xt::xarray<float> a = xt::zeros<float>({values.size()});
        std::copy(values.begin(), values.end(), a.begin());
        arrays_["curve." + name] = a;
    }
    // The printed lines' numbers exactly (each double's 64 bits in four 16-bit pieces), so that a
    // run which reuses the file prints them as the training run did, to the last digit.
    const std::size_t width = lines_.empty() ? 0 : lines_.front().size();
    xt::xarray<float> rows = xt::zeros<float>({lines_.size(), 4 * width});
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        std::vector<std::uint64_t> bits(width);
        for (std::size_t j = 0; j < width; ++j) std::memcpy(&bits[j], &lines_[i].at(j), sizeof(double));
        xt::view(rows, i, xt::all()) = words_to_floats(bits);
    }
    arrays_["lines"] = rows;
    xt::xarray<float> at = xt::zeros<float>({snapshots_.size()});
    for (std::size_t k = 0; k < snapshots_.size(); ++k) {
        at(k) = static_cast<float>(snapshots_[k].first);
        arrays_[fmt::format("snapshot.{}", k)] = snapshots_[k].second;
    }
    arrays_["snapshot.at"] = at;
}

void TrainingRecord::restore() {
    // Trained::load checked the fingerprint, so the arrays are the ones keep() wrote; a missing
    // one would still be named.
    const auto get = [&](const std::string& name) -> const xt::xarray<float>& {
        const auto it = arrays_.find(name);
        if (it == arrays_.end()) throw std::runtime_error("the kept training record has no '" + name + "'");
        return it->second;
    };
    for (auto& [name, values] : curves_) {
        const xt::xarray<float>& a = get("curve." + name);
        values.assign(a.begin(), a.end());
    }
    const xt::xarray<float>& rows = get("lines");
    lines_.clear();
    for (std::size_t i = 0; i < rows.shape(0); ++i) {
        const std::vector<std::uint64_t> bits = floats_to_words(xt::xarray<float>(xt::view(rows, i, xt::all())));
        lines_.emplace_back(bits.size());
        for (std::size_t j = 0; j < bits.size(); ++j) std::memcpy(&lines_.back()[j], &bits[j], sizeof(double));
    }
    const xt::xarray<float>& at = get("snapshot.at");
    snapshots_.clear();
    for (std::size_t k = 0; k < at.size(); ++k)
        snapshots_.push_back({static_cast<std::size_t>(at(k)), get(fmt::format("snapshot.{}", k))});
}

void TrainingRecord::restore_snapshots(std::vector<std::pair<std::string, xt::xarray<float>>>& rows,
                                       const std::string& unit) const {
    for (const auto& [at, samples] : snapshots_) rows.push_back({fmt::format("{} {}", unit, at), samples});
}

}  // namespace lecture
