// zip.cpp: writing a stored zip archive, and reading one back through its central directory.
#include "io/zip.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>

#include <zlib.h>

#include <fmt/format.h>

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
}  // namespace

// ---- writing -------------------------------------------------------------------------------------
std::string zip_stored(const std::vector<ZipMember>& members) {
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

// ---- reading -------------------------------------------------------------------------------------
namespace {
// Where the end record starts. It is the last 22 bytes, unless the archive has a comment after
// it; then it is the signature whose comment reaches exactly to the end of the file. A second
// such signature further back would hold the first inside its own comment: which directory is
// the archive's is then a guess, so it is refused.
std::size_t find_end_record(const Reader& r) {
    const std::string& data = r.data;
    if (data.size() < 22)
        throw CheckpointError(fmt::format("{}: not a valid .npz file (only {} bytes)", r.path, data.size()));
    const std::size_t last = data.size() - 22, first = last > 0xFFFF ? last - 0xFFFF : 0;
    auto ends_the_file = [&](std::size_t at) {
        return r.get(at, 4) == kEndRecord && at + 22 + r.get(at + 20, 2) == data.size();
    };
    std::size_t end = last + 1;
    for (std::size_t at = last + 1; at-- > first;) {
        if (!ends_the_file(at)) continue;
        if (end <= last)
            throw CheckpointError(
                fmt::format("{}: two zip end records, at bytes {} and {}: the one at {} is hidden in the archive "
                            "comment of the other (a tampered file?)",
                            r.path, at, end, end));
        end = at;
    }
    if (end > last) throw CheckpointError(fmt::format("{}: not a valid .npz file (no zip directory found)", r.path));
    return end;
}
}  // namespace

std::vector<ZipMember> unzip_stored(const std::string& data, const std::string& path) {
    const Reader r{data, path};
    if (data.size() > kMaxZipBytes)
        throw CheckpointError(fmt::format("{}: {} bytes, more than the {} an .npz file read here may hold", path,
                                          data.size(), kMaxZipBytes));
    const std::size_t end = find_end_record(r);
    // The end record's own fields must agree: one disk, its count of entries on it and in all,
    // and a directory that ends where the end record starts.
    const std::size_t count = r.get(end + 10, 2), dir_size = r.get(end + 12, 4), dir_offset = r.get(end + 16, 4);
    if (r.get(end + 4, 2) != 0 || r.get(end + 6, 2) != 0 || r.get(end + 8, 2) != count)
        throw CheckpointError(fmt::format(
            "{}: the zip end record counts {} entries in all but {} on this disk (split archives are not read)", path,
            count, r.get(end + 8, 2)));
    if (count > kMaxZipMembers)
        throw CheckpointError(fmt::format("{}: {} members, more than the {} an .npz file read here may hold", path,
                                          count, kMaxZipMembers));
    if (dir_offset > end || dir_size != end - dir_offset)
        throw CheckpointError(
            fmt::format("{}: the zip end record at byte {} says the directory is {} bytes from byte {}, which does "
                        "not end where the end record starts (corrupt directory)",
                        path, end, dir_size, dir_offset));
    std::vector<ZipMember> members;
    std::map<std::uint64_t, std::pair<std::uint64_t, std::size_t>> taken;  // first byte -> (end, member)
    std::set<std::string> names;
    std::size_t at = dir_offset;
    for (std::size_t k = 0; k < count; ++k) {
        if (at >= end || r.get(at, 4) != kCentralHeader)
            throw CheckpointError(fmt::format("{}: corrupt zip directory", path));
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
        const std::uint64_t local_name_len = r.get(local + 26, 2);
        const std::uint64_t start = local + 30 + local_name_len + r.get(local + 28, 2);
        if (start > data.size() || size > data.size() - start)
            throw CheckpointError(
                fmt::format("{}: member '{}' runs past the end of the file (truncated?)", path, name));
        if (start + size > dir_offset)
            throw CheckpointError(
                fmt::format("{}: member '{}' runs into the zip directory (corrupt directory)", path, name));
        // Members may not overlap (a crafted directory could otherwise name one block thousands
        // of times, or one member under two names): each takes its bytes, header included.
        const auto next = taken.lower_bound(local);
        if (next != taken.end() && next->first < start + size)
            throw CheckpointError(
                fmt::format("{}: members '{}' and '{}' overlap (from bytes {} and {}; corrupt directory)", path,
                            members[next->second.second].first, name, next->first, local));
        if (next != taken.begin() && std::prev(next)->second.first > local)
            throw CheckpointError(
                fmt::format("{}: members '{}' and '{}' overlap (from bytes {} and {}; corrupt directory)", path,
                            members[std::prev(next)->second.second].first, name, std::prev(next)->first, local));
        taken[local] = {start + size, members.size()};
        // The local header repeats the name; Python's zipfile refuses an archive where they differ.
        if (data.compare(local + 30, local_name_len, name) != 0)
            throw CheckpointError(fmt::format(
                "{}: member '{}' is named '{}' in its local header: the zip directory and the member disagree", path,
                name, data.substr(local + 30, std::min<std::uint64_t>(local_name_len, 80))));
        if (!names.insert(name).second) throw CheckpointError(fmt::format("{}: member '{}' appears twice", path, name));
        std::string bytes = data.substr(start, size);
        if (crc_of(bytes) != crc)
            throw CheckpointError(fmt::format("{}: member '{}' is corrupt (CRC mismatch)", path, name));
        members.emplace_back(name, std::move(bytes));
        at += 46 + name_len + extra_len + comment_len;
    }
    if (at > end) throw CheckpointError(fmt::format("{}: corrupt zip directory", path));
    if (at < end)
        throw CheckpointError(
            fmt::format("{}: the zip end record counts {} {}, but the directory holds more (a member left out?)", path,
                        count, count == 1 ? "entry" : "entries"));
    return members;
}

}  // namespace io
