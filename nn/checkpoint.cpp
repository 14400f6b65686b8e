// checkpoint.cpp: a module's state_dict() through an .npz file.
#include "nn/checkpoint.hpp"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "autograd/shape.hpp"

namespace nn {

void save_checkpoint(const Module& module, const std::string& path) { io::save_npz(path, module.state_dict()); }

void load_checkpoint(Module& module, const std::string& path) {
    StateDict state = io::load_npz(path);
    for (const auto& [name, values] : state) {
        const std::size_t i = autograd::first_non_finite(values);
        if (i != values.size())
            throw io::CheckpointError(
                fmt::format("{}: '{}' holds {} at element {} of {}: the weights of a diverged or damaged model are not "
                            "loaded (numpy.load reads the file, to look)",
                            path, name, values.flat(i), i, values.size()));
    }
    try {
        module.load_state_dict(std::move(state));
    } catch (const std::invalid_argument& e) {  // a name or shape the module does not have
        throw io::CheckpointError(fmt::format("{}: {}", path, e.what()));
    }
}

}  // namespace nn
