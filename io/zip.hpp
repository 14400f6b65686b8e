// zip.hpp: the container of an .npz file: a zip archive whose members are stored, not compressed.
//
// Only the parts of the zip format that numpy.savez uses are written and read:
//   for each member: a local header (30 bytes + name), then the member's bytes;
//   then one central directory entry per member (46 bytes + name);
//   then the end-of-central-directory record (22 bytes).
// All integers are little-endian. Reading follows the central directory (and the zip64 extra
// fields NumPy writes there), checks every read against the end of the file, checks that the
// records agree with each other, and checks each member's CRC-32 (zlib's).
//
// Leaves out: compression (a compressed member is refused, with numpy.savez as the fix),
// archives of 4 GiB or more on writing, archives split over several files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/checkpoint_error.hpp"

namespace io {

// One member of an archive: its name and its bytes.
using ZipMember = std::pair<std::string, std::string>;

// A zip archive holding `members` in that order, stored uncompressed. A name or an archive too
// large for the plain zip format is a CheckpointError.
std::string zip_stored(const std::vector<ZipMember>& members);

// The most an archive read here may hold: 1,024 members and 256 MiB, far more than any checkpoint
// the project saves (docs/reliability.md), and little enough to read in a moment.
constexpr std::size_t kMaxZipMembers = 1024;
constexpr std::uint64_t kMaxZipBytes = std::uint64_t(256) << 20;

// The members of the archive `data`, in the order of its central directory; `path` is the file
// it was read from, for the errors. A truncated or corrupt archive, a compressed member, a CRC
// mismatch, members that repeat a name or overlap, more than the bounds above, and records that
// disagree (a member's name in the directory and in its local header, the end record's count and
// the directory, a second end record hidden in the archive comment) are each a CheckpointError
// naming the file.
std::vector<ZipMember> unzip_stored(const std::string& data, const std::string& path);

}  // namespace io
