// checkpoint.hpp: save and load a module's parameters and buffers as a NumPy .npz file.
//
// The file is what numpy.savez writes: a zip archive (stored, not compressed) holding one .npy
// file per tensor, named by the tensor's dotted path. A student opens it in Python with
//     w = numpy.load("out/mnist_autoencoder/model.npz")
//     w["encoder.0.weight"].shape        # (784, 256): Linear keeps W as (in, out)
// and a file written by numpy.savez (float32 arrays) loads back here.
//
// Saving is atomic (io/atomic_file.hpp): the archive is written under a temporary name beside the
// target, flushed to disk, then renamed over it, so a crash or a full disk leaves either the old
// checkpoint or the new one, never half of one; a failed save is a CheckpointError with the
// system's reason ("out/m/model.npz: cannot write: No space left on device").
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <xtensor/xarray.hpp>

#include "nn/module.hpp"

namespace io {

// Every error reading or writing a checkpoint; the message names the file and what is wrong.
class CheckpointError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Writes every parameter and buffer of `module` to `path` (conventionally ending in .npz).
void save_checkpoint(const nn::Module& module, const std::string& path);

// Loads `path` into `module`, which must have exactly the checkpoint's names and shapes; a
// missing, extra or differently shaped tensor is an error naming it, and then nothing is changed.
void load_checkpoint(nn::Module& module, const std::string& path);

// The lower level: named float32 arrays to and from an .npz file.
void save_npz(const std::string& path, const std::map<std::string, xt::xarray<float>>& arrays);
std::map<std::string, xt::xarray<float>> load_npz(const std::string& path);

// A zip archive holding `members` (name, bytes) stored uncompressed: the container of an .npz.
std::string zip_stored(const std::vector<std::pair<std::string, std::string>>& members);

}  // namespace io
