// checkpoint_error.hpp: the one error of the .npz files (checkpoints and kept models) and of what
// they are made of: the zip container (io/zip.hpp) and the .npy arrays in it (io/npy.hpp).
#pragma once

#include <stdexcept>

namespace io {

// Every error reading or writing a checkpoint; the message names the file and what is wrong.
class CheckpointError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace io
