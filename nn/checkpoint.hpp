// checkpoint.hpp: save and load a module's parameters and buffers as a NumPy .npz file.
//
// The file holds the module's state_dict() (nn/module.hpp): one float32 array per parameter and
// buffer, named by its dotted path, in the .npz format of io/npz.hpp. A student opens it in
// Python with
//     w = numpy.load("out/mnist_autoencoder/model.npz")
//     w["encoder.0.weight"].shape        # (784, 256): Linear keeps W as (in, out)
// and a file written by numpy.savez (float32 arrays) loads back here.
//
// Saving is atomic: a crash or a full disk leaves either the old checkpoint or the new one, never
// half of one; every failure is an io::CheckpointError naming the file ("out/m/model.npz: cannot
// write: No space left on device").
#pragma once

#include <string>

#include "io/npz.hpp"  // io::CheckpointError
#include "nn/module.hpp"

namespace nn {

// Writes every parameter and buffer of `module` to `path` (conventionally ending in .npz).
void save_checkpoint(const Module& module, const std::string& path);

// Loads `path` into `module`, which must have exactly the checkpoint's names and shapes; a
// missing, extra or differently shaped tensor, or one holding a NaN or an Inf, is an error naming
// it, and then nothing is changed.
void load_checkpoint(Module& module, const std::string& path);

}  // namespace nn
