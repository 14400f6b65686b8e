// Atomic writes: a whole new file or the old one, never a mix; the system's reason on failure;
// no temporary left by a failure, and the stale ones of killed saves removed; and a writer killed
// at random points, over and over, never leaving a broken PNG or checkpoint.
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.hpp"
#include "io/atomic_file.hpp"
#include "io/image.hpp"
#include "io/npz.hpp"
#include "temp_dir.hpp"
#include "write_fault.hpp"

namespace fs = std::filesystem;

namespace {
// The temporaries of `target` in `dir`: names starting ".TARGET.tmp-".
std::size_t temporaries_of(const fs::path& dir, const std::string& target) {
    std::size_t n = 0;
    for (const std::string& name : names_in(dir)) n += name.rfind("." + target + ".tmp-", 0) == 0;
    return n;
}

// The pid of a process that has exited and been reaped: no process has it (the kernel hands out
// pids in increasing order, so it is not reused within a test).
pid_t dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}
}  // namespace

TEST_CASE("write_file_atomically writes and replaces a whole file and leaves nothing else") {
    TempDir dir;
    io::write_file_atomically(dir / "a.txt", "first version\n");
    CHECK(read_bytes(dir / "a.txt") == "first version\n");
    io::write_file_atomically(dir / "a.txt", "second\n");
    CHECK(read_bytes(dir / "a.txt") == "second\n");
    io::write_file_atomically(dir / "empty", "");
    CHECK(fs::exists(dir / "empty"));
    CHECK(fs::file_size(dir / "empty") == 0);
    const std::string binary("\0\xff\n\r\0", 5);
    io::write_file_atomically(dir / "b.bin", binary);
    CHECK(read_bytes(dir / "b.bin") == binary);
    CHECK(names_in(dir.path) == std::set<std::string>{"a.txt", "b.bin", "empty"});
}

TEST_CASE("a failed write names the file once with the system's reason, and changes nothing") {
    TempDir dir;
    // No such folder: nothing can be created.
    const std::string missing = dir / "no/such/folder/x.png";
    try {
        io::write_file_atomically(missing, "x");
        FAIL("expected a WriteError");
    } catch (const io::WriteError& e) {
        CHECK(std::string(e.what()) == missing + ": cannot create the file: " + std::strerror(ENOENT));
        CHECK(e.code().value() == ENOENT);
        CHECK(e.path() == missing);
    }
    // The target is a folder: the temporary is written, the rename fails, the temporary goes.
    const std::string folder = dir / "folder.png";
    fs::create_directory(folder);
    const std::string is_a_folder = std::strerror(EISDIR);
    CHECK_THROWS_CONTAINING(io::write_file_atomically(folder, "x"), folder.c_str(), "cannot replace the file",
                            is_a_folder.c_str());
    CHECK(names_in(dir.path) == std::set<std::string>{"folder.png"});
    CHECK_THROWS_AS(io::write_file_atomically(dir.path.string() + "/", "x"), std::invalid_argument);

    // A full disk (a file-size limit of 1000 bytes): the old file stays byte for byte, no temporary.
    const std::string target = dir / "data.bin";
    io::write_file_atomically(target, std::string(3000, 'a'));
    const std::string message =
        error_on_full_disk(1000, [&] { io::write_file_atomically(target, std::string(5000, 'b')); });
    CHECK(message == target + ": cannot write: " + file_too_large());
    CHECK(read_bytes(target) == std::string(3000, 'a'));
    CHECK(names_in(dir.path) == std::set<std::string>{"data.bin", "folder.png"});
    // Under the limit, the same child process writes.
    CHECK(error_on_full_disk(1000, [&] { io::write_file_atomically(target, std::string(999, 'c')); }) ==
          "(no exception)");
    CHECK(read_bytes(target) == std::string(999, 'c'));
}

TEST_CASE("a save removes the temporaries killed saves of its target left, and no others") {
    TempDir dir;
    const std::string dead = std::to_string(dead_pid()), parent = std::to_string(::getppid()),
                      self = std::to_string(::getpid());
    for (const std::string& name : {
             ".x.png.tmp-" + dead + "-0",      // a killed save of x.png: removed
             ".x.png.tmp-" + dead + "-17",     // another: removed
             ".x.png.tmp-" + parent + "-0",    // a save in progress in a running process: kept
             ".x.png.tmp-" + self + "-99",     // this process's own (another thread's save): kept
             ".y.png.tmp-" + dead + "-0",      // a killed save of another file: kept
             ".x.png.tmp-" + dead,             // not the naming scheme: kept
             ".x.png.tmp-" + dead + "-0.bak",  // nor this
             "x.png.tmp-" + dead + "-0",       // nor this (not hidden)
         })
        write_bytes(dir / name, "partial");
    io::write_file_atomically(dir / "x.png", "whole");
    CHECK(names_in(dir.path) == std::set<std::string>{"x.png", ".x.png.tmp-" + parent + "-0",
                                                      ".x.png.tmp-" + self + "-99", ".y.png.tmp-" + dead + "-0",
                                                      ".x.png.tmp-" + dead, ".x.png.tmp-" + dead + "-0.bak",
                                                      "x.png.tmp-" + dead + "-0"});
    CHECK(io::remove_stale_temporaries(dir / "y.png") == 1);
    CHECK(io::remove_stale_temporaries(dir / "y.png") == 0);
    CHECK(read_bytes(dir / "x.png") == "whole");
}

// ---- the kill test -------------------------------------------------------------------------------------
// A child process saves a large PNG grid and a checkpoint over and over, cycling through three
// versions of each, and is killed with SIGKILL after a random delay; kKills children in turn. The
// delays are seeded fractions of two rounds of saves (one round timed here, as fast or as slow as
// this machine and build are), so that most kills land inside a save and some saves complete.
// After each kill both files must be byte for byte one of the versions (a PNG or .npz cut short
// never is), and each may have at most one temporary beside it: the killed child's, since every
// save first removes those of dead processes.
TEST_CASE("a writer killed at random points never leaves a broken file, and at most one temporary") {
    constexpr int kKills = 150, kVersions = 3;
    TempDir dir, reference;
    const std::string png = dir / "grid.png", ckpt = dir / "model.npz";
    autograd::Generator gen(18);
    io::GridOptions grid;
    grid.columns = 8;
    std::vector<xt::xarray<float>> images;
    std::vector<std::map<std::string, xt::xarray<float>>> arrays;
    std::vector<std::string> png_versions, ckpt_versions;
    std::chrono::steady_clock::duration round{};
    for (int v = 0; v < kVersions; ++v) {
        // Noise compresses badly: a 466x234 grid of 32 digits of it is a PNG of about 70 kB, and
        // the checkpoint 100 kB.
        images.push_back(autograd::rand<float>({32, 28, 28}, gen).value());
        arrays.push_back({{"encoder.weight", autograd::randn<float>({784, 32}, gen).value()},
                          {"encoder.bias", xt::xarray<float>::from_shape({32})}});
        arrays.back()["encoder.bias"].fill(static_cast<float>(v));
        const auto start = std::chrono::steady_clock::now();
        io::save_image_grid(reference / "grid.png", images[v], 28, 28, grid);
        io::save_npz(reference / "model.npz", arrays[v]);
        round = std::chrono::steady_clock::now() - start;
        png_versions.push_back(read_bytes(reference / "grid.png"));
        ckpt_versions.push_back(read_bytes(reference / "model.npz"));
    }
    const auto round_us = std::chrono::duration_cast<std::chrono::microseconds>(round).count();
    auto version_of = [](const std::string& bytes, const std::vector<std::string>& versions) {
        for (std::size_t v = 0; v < versions.size(); ++v)
            if (bytes == versions[v]) return static_cast<int>(v);
        return -1;
    };
    io::save_image_grid(png, images[0], 28, 28, grid);
    io::save_npz(ckpt, arrays[0]);

    autograd::Generator delays(1818);
    int broken = 0, mid_save = 0, unexpected_exit = 0, most_temporaries = 0, png_changes = 0, ckpt_changes = 0;
    int last_png = 0, last_ckpt = 0;
    for (int k = 0; k < kKills; ++k) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {  // the writer: saves until it is killed
            try {
                for (int i = k;; ++i) {
                    io::save_image_grid(png, images[i % kVersions], 28, 28, grid);
                    io::save_npz(ckpt, arrays[i % kVersions]);
                }
            } catch (...) {
                ::_exit(3);
            }
        }
        std::this_thread::sleep_for(std::chrono::microseconds(delays.below(2 * round_us + 1)));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        unexpected_exit += !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        const int p = version_of(read_bytes(png), png_versions), c = version_of(read_bytes(ckpt), ckpt_versions);
        broken += (p < 0) + (c < 0);
        png_changes += p >= 0 && p != last_png, ckpt_changes += c >= 0 && c != last_ckpt;
        last_png = p >= 0 ? p : last_png, last_ckpt = c >= 0 ? c : last_ckpt;
        const int png_tmp = static_cast<int>(temporaries_of(dir.path, "grid.png")),
                  ckpt_tmp = static_cast<int>(temporaries_of(dir.path, "model.npz"));
        CHECK_MESSAGE(png_tmp <= 1, "kill " << k << ": " << png_tmp << " temporaries of grid.png");
        CHECK_MESSAGE(ckpt_tmp <= 1, "kill " << k << ": " << ckpt_tmp << " temporaries of model.npz");
        most_temporaries = std::max(most_temporaries, png_tmp + ckpt_tmp);
        mid_save += png_tmp + ckpt_tmp > 0;
    }
    MESSAGE(kKills << " kills, at up to " << 2 * round_us / 1000 << " ms: " << broken << " broken files, " << mid_save
                   << " left a temporary, at most " << most_temporaries << " temporaries at once; the files changed "
                   << png_changes << " (PNG) and " << ckpt_changes << " (checkpoint) times");
    CHECK(broken == 0);
    CHECK(unexpected_exit == 0);
    CHECK(mid_save > 0);                    // the kills did land during saves
    CHECK(png_changes + ckpt_changes > 0);  // and the saves did replace the files
    // The next saves remove what the last killed child left.
    io::save_image_grid(png, images[1], 28, 28, grid);
    io::save_npz(ckpt, arrays[1]);
    CHECK(names_in(dir.path) == std::set<std::string>{"grid.png", "model.npz"});
    CHECK(read_bytes(png) == png_versions[1]);
}
