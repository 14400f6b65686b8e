// atomic_file.cpp: the temporary file, its checked writes, fsync, close and rename; and the
// clean-up of what killed saves left behind.
#include "io/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <fmt/format.h>

namespace io {

WriteError::WriteError(int error, const std::string& path, const std::string& what_failed)
    : std::system_error(error, std::generic_category(), fmt::format("{}: {}", path, what_failed)), path_(path) {}

namespace {
// The folder of `path` ("." for a bare name) and its file name.
std::pair<std::string, std::string> split(const std::string& path) {
    const std::filesystem::path p(path);
    const std::string name = p.filename().string();
    if (name.empty() || name == "." || name == "..")
        throw std::invalid_argument(fmt::format("{}: not a file name to write to", path));
    return {p.has_parent_path() ? p.parent_path().string() : std::string("."), name};
}

// A decimal number filling all of `s` (at most 9 digits), or -1.
long number(std::string_view s) {
    if (s.empty() || s.size() > 9) return -1;
    long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

// The process id in `entry` when it is a temporary of `name` (".NAME.tmp-PID-N"), or -1.
long temporary_pid(const std::string& entry, const std::string& name) {
    const std::string prefix = "." + name + ".tmp-";
    if (entry.compare(0, prefix.size(), prefix) != 0) return -1;
    const std::string_view rest = std::string_view(entry).substr(prefix.size());
    const std::size_t dash = rest.find('-');
    if (dash == std::string_view::npos || number(rest.substr(dash + 1)) < 0) return -1;
    return number(rest.substr(0, dash));
}

// Whether process `pid` exists (EPERM: it does, and belongs to someone else).
bool running(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

// Writes all of `bytes` to `fd`, going on after short writes and interrupted ones; 0 or errno.
int write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) return EIO;  // a regular file never takes nothing without an error
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

std::atomic<unsigned> saves{0};  // N in ".NAME.tmp-PID-N": threads of one process saving one file
}  // namespace

std::size_t remove_stale_temporaries(const std::string& path) {
    const auto [folder, name] = split(path);
    std::size_t removed = 0;
    std::error_code ec;
    // Best effort: a folder that cannot be listed is reported by the save itself, not here.
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string entry = it->path().filename().string();
        const long pid = temporary_pid(entry, name);
        if (pid > 0 && pid != ::getpid() && !running(pid) && ::unlink(it->path().c_str()) == 0) ++removed;
    }
    return removed;
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
    const auto [folder, name] = split(path);
    remove_stale_temporaries(path);

    // ---- a temporary of our own beside the target ----
    std::string tmp;
    int fd = -1;
    for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {  // EEXIST: a stale one by a reused pid
        tmp = fmt::format("{}/.{}.tmp-{}-{}", folder, name, ::getpid(), saves++);
        fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) throw WriteError(errno, path, "cannot create the file");

    // ---- every byte written and on the disk, or the temporary goes and the target stays ----
    auto fail = [&](int error, const char* what_failed) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        return WriteError(error, path, what_failed);
    };
    if (const int error = write_all(fd, bytes)) throw fail(error, "cannot write");
    int synced;
    while ((synced = ::fsync(fd)) != 0 && errno == EINTR) {}
    if (synced != 0) throw fail(errno, "cannot write (flushing to disk)");
    // On Linux the descriptor is released even when close reports EINTR, and the data is already
    // on disk: only another error means the file may be incomplete.
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0 && errno != EINTR) throw fail(errno, "cannot write (closing)");

    // ---- into place ----
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw fail(errno, "cannot replace the file");
    // The rename itself reaches the disk when the folder is flushed. The file is complete and in
    // place whatever this returns (some file systems cannot flush a folder), so it is not an error.
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

}  // namespace io
