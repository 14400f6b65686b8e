// io/npz.cpp: files written by numpy.savez, and crafted archives: every byte of a good file
// changed, overlapping members, lying .npy headers; paths that are not regular files, and files
// beyond the bounds.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.hpp"
#include "io/npz.hpp"
#include "io/zip.hpp"
#include "numpy_files.hpp"
#include "temp_dir.hpp"

#include <xtensor/xnpy.hpp>

TEST_CASE("files written by numpy.savez load; float64 and compressed ones are refused with the fix") {
    TempDir dir;
    write_bytes(dir / "np32.npz", numpy_files::from_hex(numpy_files::kNumpyFloat32));
    const auto arrays = io::load_npz(dir / "np32.npz");
    REQUIRE(arrays.size() == 2);
    CHECK(arrays.at("weight") == xt::xarray<float>{{1.5f, -2.0f, 0.25f}});
    CHECK(arrays.at("bias") == xt::xarray<float>{3.0f});
    write_bytes(dir / "np64.npz", numpy_files::from_hex(numpy_files::kNumpyFloat64));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "np64.npz"), "np64.npz", "'w'", "<f8", "astype(numpy.float32)");
    write_bytes(dir / "npc.npz", numpy_files::from_hex(numpy_files::kNumpyCompressed));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "npc.npz"), "npc.npz", "compressed", "numpy.savez");
}

TEST_CASE("crafted archives: every byte of a good file changed, overlapping members, lying .npy headers") {
    TempDir dir;
    const xt::xarray<float> a{1.0f, 2.0f}, b = xt::ones<float>({1, 1});
    io::save_npz(dir / "good.npz", {{"a", a}, {"b", b}});
    const std::string good = read_bytes(dir / "good.npz");
    // Each byte set to 0x00 and to 0xFF: the result is the same arrays or a CheckpointError, never
    // a crash, another exception or a huge allocation (run under ./lab test --sanitize too).
    std::size_t refused = 0;
    for (std::size_t i = 0; i < good.size(); ++i)
        for (char v : {'\x00', '\xff'}) {
            std::string bad = good;
            bad[i] = v;
            write_bytes(dir / "bad.npz", bad);
            try {
                const auto arrays = io::load_npz(dir / "bad.npz");  // e.g. an entry count of 0: no arrays
                CHECK(arrays.size() <= 2);
            } catch (const io::CheckpointError&) {
                ++refused;
            }
        }
    CHECK(refused > good.size());  // most bytes matter
    // One member named a thousand times in the directory: refused, not copied a thousand times.
    const std::string npy = xt::dump_npy(a);
    std::vector<std::pair<std::string, std::string>> same(1000, {"a.npy", npy});
    write_bytes(dir / "many.npz", io::zip_stored(same));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "many.npz"), "many.npz");
    // .npy headers that lie about their length or their shape.
    const std::string huge_header = std::string("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12) + std::string(100, ' ');
    write_bytes(dir / "hdr.npz", io::zip_stored({{"w.npy", huge_header}}));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "hdr.npz"), "hdr.npz", "'w'", "header longer");
    const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }\n";
    std::string lying = std::string("\x93NUMPY\x01\x00", 8);
    lying += static_cast<char>(header.size() & 0xFF), lying += static_cast<char>(header.size() >> 8);
    lying += header + std::string(8, '\0');
    write_bytes(dir / "shape.npz", io::zip_stored({{"w.npy", lying}}));
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "shape.npz"), "shape.npz", "'w'", "more than 2147483648 elements");
}

namespace {
// The message of the exception `f` throws, or "" when it throws none.
template <class F>
std::string message_of(const F& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("paths that are not regular files are refused before anything is read") {
    TempDir dir;
    // A FIFO: a reader that opened it would wait for a writer forever. A child stands ready as the
    // writer, so that such a reader gets a broken archive and fails this test instead of hanging.
    const std::string fifo = dir / "fifo.npz";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const pid_t writer = ::fork();
    REQUIRE(writer >= 0);
    if (writer == 0) {
        ::alarm(60);
        const int fd = ::open(fifo.c_str(), O_WRONLY);  // waits for a reader
        if (fd >= 0) ::close(fd);
        ::_exit(0);
    }
    CHECK_THROWS_CONTAINING(io::load_npz(fifo), fifo.c_str(), "is a FIFO, not a regular file");
    const int release = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // lets the writer's open return
    int status = 0;
    ::waitpid(writer, &status, 0);
    if (release >= 0) ::close(release);
    // Devices: /dev/null first, since a reader that opened /dev/zero would read until the memory ran out.
    const std::string null_device = message_of([] { io::load_npz("/dev/null"); });
    REQUIRE_MESSAGE(null_device.find("/dev/null: cannot open the checkpoint: is a character device, not a regular "
                                     "file") != std::string::npos,
                    null_device);
    CHECK_THROWS_CONTAINING(io::load_npz("/dev/zero"), "/dev/zero", "is a character device");
    // A folder, and a symbolic link to itself.
    const std::string folder = dir.path.string();
    CHECK_THROWS_CONTAINING(io::load_npz(folder), folder.c_str(), "is a folder");
    std::filesystem::create_symlink("loop.npz", dir / "loop.npz");
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "loop.npz"), "loop.npz", "is a symbolic link loop",
                            "too many levels of symbolic links");
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "none.npz"), "none.npz", "cannot open the checkpoint: no such file");
}

TEST_CASE("a file larger than an .npz read here may hold is refused before it is read") {
    TempDir dir;
    // A sparse file: its size is the bound plus one byte, with no disk space behind it.
    write_bytes(dir / "big.npz", "");
    std::filesystem::resize_file(dir / "big.npz", io::kMaxZipBytes + 1);
    CHECK_THROWS_CONTAINING(io::load_npz(dir / "big.npz"), "big.npz",
                            "268435457 bytes, more than the 268435456 an .npz file read here may hold");
}
