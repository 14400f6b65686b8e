// npy.hpp: one float32 array as a NumPy .npy file, the members of an .npz (io/npz.hpp).
//
// An .npy file is the magic "\x93NUMPY", a version (1.0: a 2-byte header length follows; 2.0: a
// 4-byte one), the header, then the data. The header is a Python dict literal, e.g.
//     {'descr': '<f4', 'fortran_order': False, 'shape': (784, 256), }
// padded with spaces and ended by '\n'; the data are the elements in C order, here little-endian
// float32 ('<f4'), the one dtype the project writes and reads.
//
// A file from outside is read without trusting its header: a parser that never recurses reads it
// (at most 10,000 bytes, NumPy's own limit for a header it did not write; the three keys once
// each; 'descr' '<f4'; at most 32 sizes, NumPy's limit, whose product is at most 2^31), and the
// data must be exactly as long as the shape says; only then is anything allocated.
//
// Leaves out: every dtype but float32 (a float64 or integer array is refused, with the
// conversion to run in NumPy), Fortran order, and structured dtypes.
#pragma once

#include <string>

#include <xtensor/xarray.hpp>

#include "io/checkpoint_error.hpp"

namespace io {

// The .npy file of `array` (float32, C order), as numpy.save writes it.
std::string npy_bytes(const xt::xarray<float>& array);

// The array held by the .npy file `bytes`. Anything else (another dtype, a header that is not
// the dict above, a shape that does not match the data) is a CheckpointError whose message
// starts with `label`, which names the file and the array, e.g. "out/m.npz: 'encoder.0.weight'".
xt::xarray<float> parse_npy(const std::string& bytes, const std::string& label);

}  // namespace io
