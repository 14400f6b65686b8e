// The .npz container is a zip archive with every member "stored" (method 0, no compression).
// Only the parts of the zip format that numpy.savez uses are written and read:
//   for each member: a local header (30 bytes + name), then the member's bytes;
//   then one central directory entry per member (46 bytes + name);
//   then the end-of-central-directory record (22 bytes).
// All integers are little-endian. Each member's CRC-32 is checked on reading.
#include "io/checkpoint.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <zlib.h>

#include <fmt/format.h>
// xnpy.hpp parses headers with std::regex, whose inlined code draws false -Wmaybe-uninitialized
// warnings from GCC 12 in the sanitizer build.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <xtensor/xnpy.hpp>
#pragma GCC diagnostic pop

#include "io/atomic_file.hpp"

namespace io {

namespace {
// The CRC-32 that zip stores for every member, from zlib (the zip / PNG polynomial).
std::uint32_t crc_of(const std::string& bytes) {
    const auto* data = reinterpret_cast<const Bytef*>(bytes.data());
    return static_cast<std::uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), data, bytes.size()));
}

// ---- little-endian fields ----------------------------------------------------------------------
void put16(std::string& out, std::uint32_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}

// Reads fields of a zip archive held in memory; every read is bounds-checked.
struct Reader {
    const std::string& data;
    const std::string& path;
    std::uint64_t get(std::uint64_t offset, int bytes) const {
        if (offset > data.size() || static_cast<std::uint64_t>(bytes) > data.size() - offset)
            throw CheckpointError(fmt::format("{}: not a valid .npz file (truncated zip structure)", path));
        std::uint64_t v = 0;
        for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(data[offset + i]);
        return v;
    }
};

constexpr std::uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEndRecord = 0x06054b50;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CheckpointError(fmt::format("{}: cannot open the checkpoint (does the file exist?)", path));
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// One member of the archive: its name and bytes.
std::vector<std::pair<std::string, std::string>> read_zip(const std::string& path, const std::string& data) {
    const Reader r{data, path};
    // The end record is the last 22 bytes, unless the archive has a comment after it.
    if (data.size() < 22)
        throw CheckpointError(fmt::format("{}: not a valid .npz file (only {} bytes)", path, data.size()));
    std::size_t end = data.size() - 22;
    while (r.get(end, 4) != kEndRecord) {
        if (end == 0 || data.size() - end > 22 + 0xFFFF)
            throw CheckpointError(fmt::format("{}: not a valid .npz file (no zip directory found)", path));
        --end;
    }
    const std::size_t count = r.get(end + 10, 2);
    std::size_t at = r.get(end + 16, 4);  // the central directory
    std::vector<std::pair<std::string, std::string>> members;
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < count; ++k) {
        if (r.get(at, 4) != kCentralHeader) throw CheckpointError(fmt::format("{}: corrupt zip directory", path));
        const std::uint64_t method = r.get(at + 10, 2), crc = r.get(at + 16, 4);
        std::uint64_t size = r.get(at + 20, 4);
        const std::size_t name_len = r.get(at + 28, 2), extra_len = r.get(at + 30, 2), comment_len = r.get(at + 32, 2);
        std::uint64_t local = r.get(at + 42, 4);
        r.get(at + 46 + name_len + extra_len, 0);  // the entry's name and extra field are inside the file
        const std::string name = data.substr(at + 46, name_len);
        // Zip64: sizes and offsets of 0xFFFFFFFF are in an extra field (id 1) instead.
        for (std::size_t e = at + 46 + name_len; e + 4 <= at + 46 + name_len + extra_len;) {
            const std::size_t id = r.get(e, 2), len = r.get(e + 2, 2);
            std::size_t f = e + 4;
            if (id == 1) {
                if (r.get(at + 24, 4) == 0xFFFFFFFF) f += 8;  // uncompressed size comes first
                if (size == 0xFFFFFFFF) size = r.get(f, 8), f += 8;
                if (local == 0xFFFFFFFF) local = r.get(f, 8);
            }
            e += 4 + len;
        }
        if (method != 0)
            throw CheckpointError(
                fmt::format("{}: member '{}' is compressed; save with numpy.savez, not savez_compressed", path, name));
        if (r.get(local, 4) != kLocalHeader)
            throw CheckpointError(fmt::format("{}: corrupt zip member '{}'", path, name));
        const std::uint64_t start = local + 30 + r.get(local + 26, 2) + r.get(local + 28, 2);
        if (start > data.size() || size > data.size() - start)
            throw CheckpointError(
                fmt::format("{}: member '{}' runs past the end of the file (truncated?)", path, name));
        // Members may not overlap (a crafted directory could otherwise name one block thousands
        // of times): together they must fit in the file.
        total += size;
        if (total > data.size())
            throw CheckpointError(
                fmt::format("{}: the members add up to more than the file holds (corrupt directory)", path));
        for (const auto& m : members)
            if (m.first == name) throw CheckpointError(fmt::format("{}: member '{}' appears twice", path, name));
        std::string bytes = data.substr(start, size);
        if (crc_of(bytes) != crc)
            throw CheckpointError(fmt::format("{}: member '{}' is corrupt (CRC mismatch)", path, name));
        members.emplace_back(name, std::move(bytes));
        at += 46 + name_len + extra_len + comment_len;
    }
    return members;
}

// ---- .npy headers -------------------------------------------------------------------------------
// An .npy header is a Python dict literal, e.g. "{'descr': '<f4', 'fortran_order': False,
// 'shape': (784, 256), }" padded with spaces and ended by '\n'. xtensor parses it with std::regex,
// whose recursion overflows the stack on a long crafted value, and trusts the shape it finds; so
// the header is read here first, by a parser that never recurses, and xtensor only ever sees a
// header that passed: at most kMaxNpyHeader bytes, the three keys once each, 'descr' one of the
// dtypes below, at most kMaxNpyDims sizes whose product matches the data.
constexpr std::size_t kMaxNpyHeader = 10000;                       // NumPy's own limit for headers it has not written
constexpr std::size_t kMaxNpyDims = 32;                            // NumPy's limit
constexpr std::uint64_t kMaxNpyElements = std::uint64_t(1) << 31;  // 8 GiB of float32
// The dtype this project writes and reads, then the ones it recognises to say how to convert them.
const char* const kFloat32 = "<f4";
const char* const kKnownDtypes[] = {"<f8", "<f2", ">f4", ">f8", "|u1", "|i1", "<i2", "<i4",
                                    "<i8", "<u2", "<u4", "<u8", "|b1", "<c8", "<c16"};

struct NpyHeader {
    std::string descr;
    bool fortran_order = false;
    std::vector<std::uint64_t> shape;
};

// Reads the header dict; `bad` makes the error naming the file and member.
template <class Bad>
NpyHeader parse_npy_header(const std::string& text, const Bad& bad) {
    std::size_t i = 0;
    auto spaces = [&] {
        while (i < text.size() && text[i] == ' ') ++i;
    };
    auto expect = [&](char c, const char* what) {
        spaces();
        if (i >= text.size() || text[i] != c)
            throw bad(fmt::format("has a header that is not an .npy dict (expected {} at byte {})", what, i));
        ++i;
    };
    auto quoted = [&](const char* what) {
        expect('\'', what);
        const std::size_t close = text.find('\'', i);
        if (close == std::string::npos) throw bad(fmt::format("has a header with an unterminated {}", what));
        std::string s = text.substr(i, close - i);
        i = close + 1;
        return s;
    };
    NpyHeader h;
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    expect('{', "'{'");
    for (spaces(); i < text.size() && text[i] != '}'; spaces()) {
        const std::string key = quoted("key");
        expect(':', "':'");
        spaces();
        if (key == "descr" && !seen_descr) {
            h.descr = quoted("'descr' value");
            seen_descr = true;
        } else if (key == "fortran_order" && !seen_fortran) {
            if (text.compare(i, 4, "True") == 0)
                h.fortran_order = true, i += 4;
            else if (text.compare(i, 5, "False") == 0)
                i += 5;
            else
                throw bad("has a header whose 'fortran_order' is neither True nor False");
            seen_fortran = true;
        } else if (key == "shape" && !seen_shape) {
            expect('(', "'(' opening the shape");
            for (spaces(); i < text.size() && text[i] != ')'; spaces()) {
                std::size_t digits = 0;
                std::uint64_t n = 0;
                for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 19; ++i, ++digits)
                    n = n * 10 + std::uint64_t(text[i] - '0');
                if (digits == 0 || (i < text.size() && text[i] >= '0' && text[i] <= '9'))
                    throw bad("has a header whose shape is not a tuple of sizes below 10^19");
                if (h.shape.size() == kMaxNpyDims)
                    throw bad(fmt::format("has a shape of more than {} dimensions", kMaxNpyDims));
                h.shape.push_back(n);
                spaces();
                if (i < text.size() && text[i] == ',')
                    ++i;
                else if (i < text.size() && text[i] != ')')
                    throw bad(fmt::format("has a header whose shape is not a tuple (byte {})", i));
            }
            expect(')', "')' closing the shape");
            seen_shape = true;
        } else {
            throw bad(fmt::format("has a header with an unexpected or repeated key '{}'",
                                  key.size() > 40 ? key.substr(0, 40) + "..." : key));
        }
        spaces();
        if (i < text.size() && text[i] == ',')
            ++i;
        else if (i < text.size() && text[i] != '}')
            throw bad(fmt::format("has a header that is not an .npy dict (byte {})", i));
    }
    expect('}', "'}'");
    spaces();
    if (i + 1 != text.size() || text[i] != '\n')
        throw bad("has a header that does not end with the dict and a newline");
    if (!seen_descr || !seen_fortran || !seen_shape)
        throw bad("has a header without all of 'descr', 'fortran_order' and 'shape'");
    return h;
}

// Checks an .npy member before xtensor reads it: the header's length, dtype and shape must
// describe exactly the bytes that follow (xtensor trusts the header, and a crafted one could ask
// for gigabytes or overflow its stack).
void check_npy(const std::string& path, const std::string& name, const std::string& bytes) {
    auto bad = [&](const std::string& what) { return CheckpointError(fmt::format("{}: '{}' {}", path, name, what)); };
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw bad("is not a .npy array (no NUMPY magic)");
    const int major = static_cast<unsigned char>(bytes[6]), minor = static_cast<unsigned char>(bytes[7]);
    const std::size_t field = major == 1 ? 2 : major == 2 ? 4 : 0;
    if (field == 0 || minor != 0)
        throw bad(fmt::format("has .npy format version {}.{}, which is not supported (1.0 and 2.0 are)", major, minor));
    if (bytes.size() < 8 + field) throw bad("is truncated inside its header");
    std::uint64_t header_len = 0;
    for (std::size_t i = field; i-- > 0;) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
    const std::size_t start = 8 + field;
    if (header_len > bytes.size() - start) throw bad("has a header longer than the member (truncated or corrupt)");
    if (header_len > kMaxNpyHeader)
        throw bad(fmt::format("has a header of {} bytes, more than the {} an .npy header may have here", header_len,
                              kMaxNpyHeader));
    const NpyHeader h = parse_npy_header(bytes.substr(start, header_len), bad);
    if (h.descr != kFloat32) {
        bool known = false;
        for (const char* d : kKnownDtypes) known = known || h.descr == d;
        if (!known)
            throw bad(
                fmt::format("has a 'descr' of {} characters ('{}{}') that is not a NumPy dtype read here; "
                            "expected float32 ('<f4')",
                            h.descr.size(), h.descr.substr(0, 20), h.descr.size() > 20 ? "..." : ""));
        throw bad(fmt::format("holds dtype '{}', expected float32 ('<f4'); convert it with a.astype(numpy.float32)",
                              h.descr));
    }
    if (h.fortran_order) throw bad("is in Fortran order; save a C-ordered array");
    // The product of the sizes other than 0 is bounded too: xtensor's strides are products of
    // trailing sizes, and an array of 0 elements may still declare absurd ones.
    std::uint64_t count = 1, nonzero = 1;
    bool empty = false;
    for (std::uint64_t d : h.shape) {
        if (d == 0) {
            empty = true;
            continue;
        }
        if (nonzero > kMaxNpyElements / d)
            throw bad(fmt::format("has a shape of more than {} elements (2^31; corrupt header?)", kMaxNpyElements));
        nonzero *= d;
    }
    count = empty ? 0 : nonzero;
    if (count > (bytes.size() - start - header_len) / 4) throw bad("has a shape larger than its data (corrupt header)");
    if (count * 4 != bytes.size() - start - header_len)
        throw bad(fmt::format("has {} bytes of data for a shape of {} floats (truncated or corrupt)",
                              bytes.size() - start - header_len, count));
}

xt::xarray<float> parse_npy(const std::string& path, const std::string& name, const std::string& bytes) {
    check_npy(path, name, bytes);
    std::istringstream in(bytes);
    try {
        xt::detail::npy_file file = xt::detail::load_npy_file(in);
        if (!in) throw CheckpointError(fmt::format("{}: '{}' is truncated", path, name));
        if (file.m_typestring != "<f4")
            throw CheckpointError(
                fmt::format("{}: '{}' holds dtype '{}', expected float32 ('<f4'); convert it with "
                            "a.astype(numpy.float32)",
                            path, name, file.m_typestring));
        if (file.m_fortran_order)
            throw CheckpointError(fmt::format("{}: '{}' is in Fortran order; save a C-ordered array", path, name));
        xt::xarray<float> a = std::move(file).cast<float>();
        return a;
    } catch (const CheckpointError&) {
        throw;
    } catch (const std::exception& e) {
        throw CheckpointError(fmt::format("{}: '{}' is not a valid .npy array ({})", path, name, e.what()));
    }
}
}  // namespace

std::string zip_stored(const std::vector<std::pair<std::string, std::string>>& members) {
    std::string archive, directory;
    for (const auto& [name, bytes] : members) {
        if (name.size() > 0xFFFF)
            throw CheckpointError(fmt::format("the name '{}...' is too long for a zip archive", name.substr(0, 40)));
        if (bytes.size() >= 0xFFFFFFFFu || archive.size() >= 0xFFFFFFFFu)
            throw CheckpointError(fmt::format("'{}' is too large for a plain zip archive", name));
        const std::uint32_t crc = crc_of(bytes), size = static_cast<std::uint32_t>(bytes.size());
        const std::uint32_t offset = static_cast<std::uint32_t>(archive.size());
        // Local header: signature, version 2.0, flags, method 0, time, date (1980-01-01), crc, sizes, name.
        put32(archive, kLocalHeader), put16(archive, 20), put16(archive, 0), put16(archive, 0);
        put16(archive, 0), put16(archive, 0x21), put32(archive, crc), put32(archive, size), put32(archive, size);
        put16(archive, static_cast<std::uint32_t>(name.size())), put16(archive, 0);
        archive += name;
        archive += bytes;
        // Central directory entry: the same facts plus where the local header is.
        put32(directory, kCentralHeader), put16(directory, 20), put16(directory, 20), put16(directory, 0);
        put16(directory, 0), put16(directory, 0), put16(directory, 0x21), put32(directory, crc);
        put32(directory, size), put32(directory, size), put16(directory, static_cast<std::uint32_t>(name.size()));
        put16(directory, 0), put16(directory, 0), put16(directory, 0), put16(directory, 0), put32(directory, 0);
        put32(directory, offset);
        directory += name;
    }
    if (members.size() > 0xFFFF || archive.size() >= 0xFFFFFFFFu)
        throw CheckpointError(
            fmt::format("{} members in {} bytes are too many for a plain zip archive", members.size(), archive.size()));
    const std::uint32_t dir_offset = static_cast<std::uint32_t>(archive.size());
    archive += directory;
    // End record: signature, disk numbers, entry counts, directory size and offset, no comment.
    put32(archive, kEndRecord), put16(archive, 0), put16(archive, 0);
    put16(archive, static_cast<std::uint32_t>(members.size())),
        put16(archive, static_cast<std::uint32_t>(members.size()));
    put32(archive, static_cast<std::uint32_t>(directory.size())), put32(archive, dir_offset), put16(archive, 0);
    return archive;
}

void save_npz(const std::string& path, const std::map<std::string, xt::xarray<float>>& arrays) {
    std::vector<std::pair<std::string, std::string>> members;
    for (const auto& [key, array] : arrays) members.emplace_back(key + ".npy", xt::dump_npy(array));
    const std::string archive = zip_stored(members);
    const std::filesystem::path target(path);
    std::error_code ec;
    if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) throw CheckpointError(fmt::format("{}: cannot create the folder: {}", path, ec.message()));
    try {
        write_file_atomically(path, archive);
    } catch (const WriteError& e) {  // already "PATH: what failed: the system's reason"
        throw CheckpointError(e.what());
    }
}

std::map<std::string, xt::xarray<float>> load_npz(const std::string& path) {
    try {
        const std::string data = read_file(path);
        std::map<std::string, xt::xarray<float>> arrays;
        for (const auto& [member, bytes] : read_zip(path, data)) {
            if (member.size() < 4 || member.substr(member.size() - 4) != ".npy")
                throw CheckpointError(fmt::format("{}: member '{}' is not a .npy file", path, member));
            const std::string name = member.substr(0, member.size() - 4);
            arrays[name] = parse_npy(path, name, bytes);
        }
        return arrays;
    } catch (const CheckpointError&) {
        throw;
    } catch (const std::exception& e) {  // a backstop: whatever else goes wrong is still about this file
        throw CheckpointError(fmt::format("{}: cannot read the checkpoint ({})", path, e.what()));
    }
}

void save_checkpoint(const nn::Module& module, const std::string& path) {
    std::map<std::string, xt::xarray<float>> arrays;
    for (const auto& [name, t] : module.named_parameters()) arrays[name] = t.value();
    for (const auto& [name, t] : module.named_buffers()) arrays[name] = t.value();
    save_npz(path, arrays);
}

void load_checkpoint(nn::Module& module, const std::string& path) {
    std::map<std::string, xt::xarray<float>> arrays = load_npz(path);
    std::vector<std::pair<std::string, autograd::Tensor>> targets = module.named_parameters();
    for (auto& b : module.named_buffers()) targets.push_back(b);
    // Check everything first, so that a mismatch leaves the module as it was.
    for (const auto& [name, t] : targets) {
        const auto it = arrays.find(name);
        if (it == arrays.end())
            throw CheckpointError(fmt::format("{}: the model has '{}' but the checkpoint does not", path, name));
        const autograd::Shape shape(it->second.shape().begin(), it->second.shape().end());
        if (shape != t.shape())
            throw CheckpointError(fmt::format("{}: '{}' has shape {} in the checkpoint but {} in the model", path, name,
                                              autograd::shape_str(shape), autograd::shape_str(t.shape())));
    }
    if (arrays.size() != targets.size())
        for (const auto& [name, array] : arrays) {
            bool known = false;
            for (const auto& t : targets) known = known || t.first == name;
            if (!known)
                throw CheckpointError(fmt::format("{}: the checkpoint has '{}' but the model does not", path, name));
        }
    for (auto& [name, t] : targets) t.mutable_value() = std::move(arrays[name]);
}

}  // namespace io
