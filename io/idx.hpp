// idx.hpp: the IDX file format of MNIST and Fashion-MNIST, unsigned bytes only.
//
// An IDX file is a header, then the data, nothing else:
//   bytes 0-1   0x00 0x00             the magic
//   byte  2     0x08                  the element type (0x08 = unsigned byte; 0x09 signed byte,
//                                     0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64 exist
//                                     but are not supported here)
//   byte  3     d                     the number of dimensions
//   then d big-endian uint32 sizes, then size_0 * ... * size_{d-1} elements in row-major order.
// MNIST's images are (60000, 28, 28) and its labels (60000).
//
// Leaves out: every element type but unsigned bytes, and gzip (unpack the .gz files first).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <xtensor/xarray.hpp>

namespace io {

// Every error reading a data file or data set; the message names the file and what is wrong.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads an IDX file of unsigned bytes; any malformed file (bad magic, other type, wrong size,
// empty, missing, sizes whose product other than 0s exceeds 2^31 elements) is a DataError, never
// a crash or a read past the end.
xt::xarray<std::uint8_t> read_idx(const std::string& path);

// Writes `a` (1 to 4 dimensions, each below 2^32) as an IDX file of unsigned bytes, atomically
// (io/atomic_file.hpp); a failed write is an io::WriteError and leaves the old file as it was.
void write_idx(const std::string& path, const xt::xarray<std::uint8_t>& a);

}  // namespace io
