// atomic_file.hpp: writing a whole file so that a kill, a crash or a full disk never leaves half
// of one where a good file was.
//
// write_file_atomically(path, bytes) writes the bytes under a temporary name in the same folder
// (".NAME.tmp-PID-N": hidden, and on the same file system, so that the rename cannot turn into a
// copy), checks every write, flushes the file to disk (fsync), closes it, and renames it over
// `path`. Anyone reading `path` sees the old file or the new one, never a mix. On any failure the
// temporary is removed, `path` is left as it was, and a WriteError names the file once with the
// system's reason:
//     out/identity/loss.png: cannot write: No space left on device
//
// A process killed mid-write leaves its temporary behind. Each save first removes the temporaries
// of its own target whose process is no longer running; those of a running process are left alone,
// because they may be a save of the same file in progress (two processes saving one file: each
// renames a complete file into place and the last rename wins).
//
// Leaves out: keeping the old file's permissions (the new file gets 0666 less the umask, as any
// new file), and writing through a symbolic link (the link is replaced by the file).
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace io {

// A file could not be written: what() reads "PATH: WHAT FAILED: REASON" and code() holds errno's value.
class WriteError : public std::system_error {
public:
    WriteError(int error, const std::string& path, const std::string& what_failed);
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Replaces `path` by a file holding exactly `bytes`, atomically (see above); the folder must exist.
// Throws WriteError, and then `path` is unchanged and no temporary is left.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Removes the temporaries that saves of `path` left behind when their process was killed, and
// returns how many it removed. Those of running processes stay; so do files it cannot remove.
std::size_t remove_stale_temporaries(const std::string& path);

}  // namespace io
