// checkpoint.cpp: a module's parameters and buffers through an .npz file.
#include "io/checkpoint.hpp"

#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace io {

void save_checkpoint(const nn::Module& module, const std::string& path) {
    std::map<std::string, xt::xarray<float>> arrays;
    for (const auto& [name, t] : module.named_parameters()) arrays[name] = t.value();
    for (const auto& [name, t] : module.named_buffers()) arrays[name] = t.value();
    save_npz(path, arrays);
}

void load_checkpoint(nn::Module& module, const std::string& path) {
    std::map<std::string, xt::xarray<float>> arrays = load_npz(path);
    std::vector<std::pair<std::string, nn::Tensor>> targets = module.named_parameters();
    for (auto& b : module.named_buffers()) targets.push_back(b);
    // Check everything first, so that a mismatch leaves the module as it was.
    for (const auto& [name, t] : targets) {
        const auto it = arrays.find(name);
        if (it == arrays.end())
            throw CheckpointError(fmt::format("{}: the model has '{}' but the checkpoint does not", path, name));
        const nn::Shape shape(it->second.shape().begin(), it->second.shape().end());
        if (shape != t.shape())
            throw CheckpointError(fmt::format("{}: '{}' has shape {} in the checkpoint but {} in the model", path, name,
                                              autograd::shape_str(shape), autograd::shape_str(t.shape())));
    }
    if (arrays.size() != targets.size())
        for (const auto& [name, array] : arrays) {
            bool known = false;
            for (const auto& t : targets) known = known || t.first == name;
            if (!known)
                throw CheckpointError(fmt::format("{}: the checkpoint has '{}' but the model does not", path, name));
        }
    for (auto& [name, t] : targets) t.mutable_value() = std::move(arrays[name]);
}

}  // namespace io
