// npz.cpp: an .npz file as a stored zip archive of .npy members, written atomically.
#include "io/npz.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "io/atomic_file.hpp"
#include "io/npy.hpp"
#include "io/regular_file.hpp"
#include "io/zip.hpp"

namespace io {

namespace {
// The whole file, read only when it is a regular file of at most kMaxZipBytes: a FIFO would block
// the read forever and /dev/zero would fill the memory.
std::string read_file(const std::string& path) {
    const std::string what = not_a_regular_file(path);
    if (!what.empty()) throw CheckpointError(fmt::format("{}: cannot open the checkpoint: {}", path, what));
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) throw CheckpointError(fmt::format("{}: cannot read the file size: {}", path, ec.message()));
    if (size > kMaxZipBytes)
        throw CheckpointError(
            fmt::format("{}: {} bytes, more than the {} an .npz file read here may hold", path, size, kMaxZipBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CheckpointError(fmt::format("{}: cannot open the checkpoint (does the file exist?)", path));
    std::string bytes(size, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uintmax_t>(in.gcount()) != size || in.peek() != std::char_traits<char>::eof())
        throw CheckpointError(fmt::format("{}: the file changed while being read", path));
    return bytes;
}
}  // namespace

void save_npz(const std::string& path, const std::map<std::string, xt::xarray<float>>& arrays) {
    if (path.empty()) throw CheckpointError("cannot save a checkpoint to an empty path: name a file such as model.npz");
    std::vector<ZipMember> members;
    for (const auto& [name, array] : arrays) members.emplace_back(name + ".npy", npy_bytes(array));
    const std::string archive = zip_stored(members);
    const std::filesystem::path target(path);
    std::error_code ec;
    if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) throw CheckpointError(fmt::format("{}: cannot create the folder: {}", path, ec.message()));
    try {
        write_file_atomically(path, archive);
    } catch (const WriteError& e) {  // already "PATH: what failed: the system's reason"
        throw CheckpointError(e.what());
    } catch (const std::invalid_argument& e) {  // a path that names no file: "", "out/", ".."
        throw CheckpointError(e.what());
    }
}

std::map<std::string, xt::xarray<float>> load_npz(const std::string& path) {
    try {
        std::map<std::string, xt::xarray<float>> arrays;
        for (const auto& [member, bytes] : unzip_stored(read_file(path), path)) {
            if (member.size() < 4 || member.substr(member.size() - 4) != ".npy")
                throw CheckpointError(fmt::format("{}: member '{}' is not a .npy file", path, member));
            const std::string name = member.substr(0, member.size() - 4);
            arrays[name] = parse_npy(bytes, fmt::format("{}: '{}'", path, name));
        }
        return arrays;
    } catch (const CheckpointError&) {
        throw;
    } catch (const std::exception& e) {  // a backstop: whatever else goes wrong is still about this file
        throw CheckpointError(fmt::format("{}: cannot read the checkpoint ({})", path, e.what()));
    }
}

}  // namespace io
