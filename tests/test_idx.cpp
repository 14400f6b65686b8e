// IDX files: a byte-exact round trip, the header MNIST's files have, and every kind of corrupt
// file giving a DataError that names the file and the problem.
#include "check.hpp"
#include "temp_dir.hpp"
#include "write_fault.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <xtensor/xbuilder.hpp>

#include "io/idx.hpp"

namespace fs = std::filesystem;

namespace {

// A valid IDX file of a (2, 3) unsigned-byte array holding 0, 1, ..., 5.
std::string valid_2x3() { return std::string("\0\0\x08\x02\0\0\0\x02\0\0\0\x03\0\1\2\3\4\5", 18); }
}  // namespace

TEST_CASE("write_idx then read_idx gives back the same array, for 1 to 4 dimensions") {
    TempDir dir;
    const std::vector<std::vector<std::size_t>> shapes = {{7}, {3, 5}, {4, 3, 2}, {2, 1, 3, 2}};
    for (const auto& shape : shapes) {
        xt::xarray<std::uint8_t> a = xt::xarray<std::uint8_t>::from_shape(shape);
        for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<std::uint8_t>((i * 37 + 200) % 256);
        io::write_idx(dir / "a.idx", a);
        const xt::xarray<std::uint8_t> b = io::read_idx(dir / "a.idx");
        CHECK_MESSAGE(b.shape() == a.shape(), "dimension " << shape.size() << ": shapes differ");
        CHECK_MESSAGE(b == a, "dimension " << shape.size() << ": values differ");
        CHECK(fs::file_size(dir / "a.idx") == 4 + 4 * shape.size() + a.size());
    }
}

TEST_CASE("write_idx writes MNIST's header: 00 00 08 ndim, then big-endian sizes") {
    TempDir dir;
    xt::xarray<std::uint8_t> a = xt::xarray<std::uint8_t>::from_shape({2, 3});
    for (std::size_t i = 0; i < 6; ++i) a.data()[i] = static_cast<std::uint8_t>(i);
    io::write_idx(dir / "m.idx", a);
    const std::string got = read_bytes(dir / "m.idx");
    CHECK_MESSAGE(got == valid_2x3(), "the bytes differ from the hand-written IDX file");
    // And the hand-written file reads back as the array, sizes larger than a byte included.
    const std::string big = std::string("\0\0\x08\x01\0\0\x01\x02", 8) + std::string(258, '\x07');
    write_bytes(dir / "big.idx", big);
    const xt::xarray<std::uint8_t> b = io::read_idx(dir / "big.idx");
    CHECK_MESSAGE(b.shape()[0] == 258u, "expected 258 elements (0x0102), got " << b.shape()[0]);
    CHECK(b(257) == 7);
}

TEST_CASE("a file of zero elements reads as an empty array") {
    TempDir dir;
    write_bytes(dir / "zero.idx", std::string("\0\0\x08\x02\0\0\0\0\0\0\0\x1c", 12));
    const xt::xarray<std::uint8_t> a = io::read_idx(dir / "zero.idx");
    CHECK(a.dimension() == 2);
    CHECK(a.size() == 0);
}

TEST_CASE("corrupt files are DataErrors naming the file and the problem") {
    TempDir dir;
    const std::string good = valid_2x3();

    SUBCASE("missing file") {
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "nothing-here"), "nothing-here", "no such file");
        CHECK_THROWS_AS(io::read_idx(dir / "nothing-here"), io::DataError);
    }
    SUBCASE("a folder") {
        const std::string folder = dir.path.string();
        CHECK_THROWS_CONTAINING(io::read_idx(folder), folder.c_str(), "is a folder");
    }
    SUBCASE("a symbolic link loop, a FIFO, a device") {
        std::filesystem::create_symlink("loop.idx", dir / "loop.idx");
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "loop.idx"), "loop.idx", "is a symbolic link loop",
                                "too many levels of symbolic links");
        REQUIRE(::mkfifo((dir / "fifo.idx").c_str(), 0600) == 0);
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "fifo.idx"), "fifo.idx", "is a FIFO, not a regular file");
        CHECK_THROWS_CONTAINING(io::read_idx("/dev/null"), "/dev/null", "is a character device");
    }
    SUBCASE("empty file") {
        write_bytes(dir / "empty.idx", "");
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "empty.idx"), "empty.idx", "empty file");
    }
    SUBCASE("shorter than the 4 fixed bytes") {
        write_bytes(dir / "short.idx", std::string("\0\0", 2));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "short.idx"), "short.idx", "truncated", "2 bytes");
    }
    SUBCASE("bad magic, e.g. a gzipped file") {
        write_bytes(dir / "gz.idx", "\x1f\x8b\x08\x00" + good.substr(4));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "gz.idx"), "gz.idx", "bad magic", "0x1F 0x8B");
    }
    SUBCASE("a type other than unsigned byte") {
        std::string floats = good;
        floats[2] = '\x0d';
        write_bytes(dir / "f.idx", floats);
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "f.idx"), "f.idx", "unsupported type byte 0x0D", "float32");
        floats[2] = '\x42';
        write_bytes(dir / "f.idx", floats);
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "f.idx"), "f.idx", "0x42", "not an IDX type");
    }
    SUBCASE("zero or too many dimensions") {
        write_bytes(dir / "d0.idx", std::string("\0\0\x08\0", 4));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "d0.idx"), "d0.idx", "0 dimensions", "1 to 4");
        write_bytes(dir / "d5.idx", std::string("\0\0\x08\x05", 4) + std::string(20, '\0'));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "d5.idx"), "d5.idx", "5 dimensions", "1 to 4");
        write_bytes(dir / "d255.idx", std::string("\0\0\x08\xff", 4));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "d255.idx"), "d255.idx", "255 dimensions");
    }
    SUBCASE("truncated in the sizes") {
        write_bytes(dir / "cut.idx", good.substr(0, 9));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "cut.idx"), "cut.idx", "truncated", "2 dimension sizes",
                                "holds 9 bytes");
    }
    SUBCASE("truncated in the data") {
        write_bytes(dir / "cut.idx", good.substr(0, 15));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "cut.idx"), "cut.idx", "truncated",
                                "the header promises 6 bytes of data, the file holds 3", "2 x 3");
    }
    SUBCASE("a header promising MNIST's 47,040,000 bytes over a small file") {
        // 60000 x 28 x 28 = 47040000: the reader must not allocate or read that much.
        write_bytes(dir / "train-images-idx3-ubyte",
                    std::string("\0\0\x08\x03\0\0\xea\x60\0\0\0\x1c\0\0\0\x1c", 16) + std::string(1000, '\0'));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "train-images-idx3-ubyte"), "train-images-idx3-ubyte: truncated",
                                "the header promises 47040000 bytes of data, the file holds 1000");
    }
    SUBCASE("sizes whose product overflows 64 bits") {
        write_bytes(dir / "huge.idx", std::string("\0\0\x08\x04", 4) + std::string(16, '\xff') + "abc");
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "huge.idx"), "huge.idx",
                                "sizes 4294967295 x 4294967295 x 4294967295 x 4294967295",
                                "more than 2147483648 elements (2^31)");
    }
    SUBCASE("absurd sizes around a 0: no elements, yet strides that overflow") {
        // (0, 2^32-1, 2^32-1, 2^32-1) promises 0 bytes, and the file holds 0: xtensor's strides
        // (products of the trailing sizes) would overflow. Refused before any array is made.
        write_bytes(dir / "zero.idx", std::string("\0\0\x08\x04\0\0\0\0", 8) + std::string(12, '\xff'));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "zero.idx"), "zero.idx", "sizes 0 x 4294967295",
                                "more than 2147483648 elements");
        write_bytes(dir / "last0.idx", std::string("\0\0\x08\x03\x00\x01\x00\x00\x00\x01\x00\x00\0\0\0\0", 16));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "last0.idx"), "last0.idx", "65536 x 65536 x 0",
                                "more than 2147483648");
        // At the limit the sizes are fine and the data decides: 2^31 bytes promised, none held.
        write_bytes(dir / "limit.idx", std::string("\0\0\x08\x02\x00\x01\x00\x00\x00\x00\x80\x00", 12));
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "limit.idx"), "limit.idx", "truncated",
                                "promises 2147483648 bytes of data, the file holds 0");
        // Sizes with a 0 among small ones read as an empty array of that shape.
        write_bytes(dir / "empty.idx", std::string("\0\0\x08\x02\0\0\0\x05\0\0\0\0", 12));
        CHECK(io::read_idx(dir / "empty.idx").shape() == std::vector<std::size_t>{5, 0});
    }
    SUBCASE("trailing bytes") {
        write_bytes(dir / "long.idx", good + "xy");
        CHECK_THROWS_CONTAINING(io::read_idx(dir / "long.idx"), "long.idx", "trailing bytes",
                                "promises 6 bytes of data, the file holds 8", "2 too many");
    }
}

TEST_CASE("every prefix and every one-byte change of a valid file is read safely") {
    // Never a crash or a read past the end: each variant either reads or throws a DataError.
    TempDir dir;
    const std::string good = valid_2x3();
    int read_ok = 0, rejected = 0;
    auto try_read = [&](const std::string& bytes) {
        write_bytes(dir / "v.idx", bytes);
        try {
            const xt::xarray<std::uint8_t> a = io::read_idx(dir / "v.idx");
            CHECK_MESSAGE(a.size() + 4 + 4 * a.dimension() == bytes.size(), "a read array must account for every byte");
            ++read_ok;
        } catch (const io::DataError&) {
            ++rejected;
        }
    };
    for (std::size_t n = 0; n < good.size(); ++n) try_read(good.substr(0, n));
    for (std::size_t i = 0; i < 12; ++i)
        for (int v : {0x00, 0x01, 0x03, 0x08, 0x7f, 0xff}) {
            std::string bytes = good;
            bytes[i] = static_cast<char>(v);
            try_read(bytes);
        }
    CHECK_MESSAGE(rejected >= int(good.size()), "every strict prefix must be rejected, only " << rejected << " were");
    CHECK_MESSAGE(read_ok > 0, "the unchanged bytes among the variants must read");
}

TEST_CASE("write_idx refuses what IDX cannot hold, naming the file") {
    TempDir dir;
    const xt::xarray<std::uint8_t> scalar = 3;
    CHECK_THROWS_CONTAINING(io::write_idx(dir / "s.idx", scalar), "s.idx", "0 dimensions");
    const xt::xarray<std::uint8_t> five = xt::zeros<std::uint8_t>({1, 1, 1, 1, 2});
    CHECK_THROWS_CONTAINING(io::write_idx(dir / "5.idx", five), "5.idx", "5 dimensions");
    const xt::xarray<std::uint8_t> one = xt::zeros<std::uint8_t>({2});
    CHECK_THROWS_CONTAINING(io::write_idx(dir / "no-such-folder/x.idx", one), "no-such-folder/x.idx", "cannot create");
}

TEST_CASE("on a full disk write_idx fails with the system's reason and the old file stays") {
    TempDir dir;
    const std::string path = dir / "images.idx";
    const xt::xarray<std::uint8_t> small = xt::zeros<std::uint8_t>({2, 3}), big = xt::ones<std::uint8_t>({10, 28, 28});
    io::write_idx(path, small);
    const std::string good = read_bytes(path);
    CHECK(error_on_full_disk(1024, [&] { io::write_idx(path, big); }) == path + ": cannot write: " + file_too_large());
    CHECK(read_bytes(path) == good);
    CHECK(names_in(dir.path) == std::set<std::string>{"images.idx"});
    CHECK(io::read_idx(path) == small);
}
