// write_fault.hpp: a full disk without root, for the tests of the writers.
//
// error_on_full_disk(limit, f) runs f in a forked child whose file-size limit (RLIMIT_FSIZE) is
// `limit` bytes and which ignores SIGXFSZ, so that a write past the limit fails with EFBIG ("File
// too large") the way a write to a full disk fails with ENOSPC. It returns what the child's
// exception said, so that a test can check the message, then the files the child left.
#pragma once

#include <csignal>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

// The message of the exception f threw in the child; "(no exception)" when it returned normally,
// "(child died: ...)" when it did not finish.
inline std::string error_on_full_disk(rlim_t limit, const std::function<void()>& f) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("error_on_full_disk: pipe failed");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("error_on_full_disk: fork failed");
    if (pid == 0) {  // the child: never returns into the test framework
        ::close(fds[0]);
        const rlimit small{limit, limit};
        std::signal(SIGXFSZ, SIG_IGN);
        std::string message = "(no exception)";
        try {
            if (::setrlimit(RLIMIT_FSIZE, &small) != 0) throw std::runtime_error("(child died: setrlimit failed)");
            f();
        } catch (const std::exception& e) {
            message = e.what();
        }
        for (std::size_t at = 0; at < message.size();) {  // the pipe is not a file: no limit applies
            const ssize_t n = ::write(fds[1], message.data() + at, message.size() - at);
            if (n <= 0) break;
            at += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string message;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
        message.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status)) return "(child died: signal " + std::to_string(WTERMSIG(status)) + ")";
    return message;
}

// The system's words for a write past the file-size limit.
inline std::string file_too_large() { return std::strerror(EFBIG); }

// The names in a folder, hidden ones (temporaries) included.
inline std::set<std::string> names_in(const std::filesystem::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
    return names;
}

// How many times `part` occurs in `s`.
inline std::size_t occurrences(const std::string& s, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t p = s.find(part); p != std::string::npos; p = s.find(part, p + 1)) ++n;
    return n;
}
