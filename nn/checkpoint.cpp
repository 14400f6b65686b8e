// checkpoint.cpp: a module's state_dict() through an .npz file.
#include "nn/checkpoint.hpp"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace nn {

void save_checkpoint(const Module& module, const std::string& path) { io::save_npz(path, module.state_dict()); }

void load_checkpoint(Module& module, const std::string& path) {
    StateDict state = io::load_npz(path);
    try {
        module.load_state_dict(std::move(state));
    } catch (const std::invalid_argument& e) {  // a name or shape the module does not have
        throw io::CheckpointError(fmt::format("{}: {}", path, e.what()));
    }
}

}  // namespace nn
