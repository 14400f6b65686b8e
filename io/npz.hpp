// npz.hpp: named float32 arrays to and from a NumPy .npz file: a module's checkpoint
// (nn::save_checkpoint, a layer up) and the models a lecture keeps between runs.
//
// The file is what numpy.savez writes: a zip archive (io/zip.hpp), stored, not compressed,
// holding one .npy file (io/npy.hpp) per array, named NAME.npy. A student opens it in Python with
//     w = numpy.load("out/mnist_autoencoder/model.npz")
//     w["encoder.0.weight"].shape        # (784, 256)
// and a file written by numpy.savez (float32 arrays) loads back here.
//
// Saving is atomic (io/atomic_file.hpp): the archive is written under a temporary name beside the
// target, flushed to disk, then renamed over it, so a crash or a full disk leaves either the old
// file or the new one, never half of one; a failed save is a CheckpointError with the system's
// reason ("out/m/model.npz: cannot write: No space left on device").
#pragma once

#include <map>
#include <string>

#include <xtensor/xarray.hpp>

#include "io/checkpoint_error.hpp"

namespace io {

// Writes `arrays` to `path` (conventionally ending in .npz), each under its name; the folder is
// made when it does not exist. A path that names no file ("", "out/") is a CheckpointError.
void save_npz(const std::string& path, const std::map<std::string, xt::xarray<float>>& arrays);

// Reads every array of the .npz file `path`, by name. A missing, truncated or corrupt file, a
// path that is not a regular file (a folder, a FIFO, /dev/zero, a symbolic link loop), a file
// beyond the bounds of io/zip.hpp, or one holding anything but float32 arrays, is a
// CheckpointError naming the file and what is wrong.
std::map<std::string, xt::xarray<float>> load_npz(const std::string& path);

}  // namespace io
