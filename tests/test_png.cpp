// io/png.cpp: an RGB picture written as a PNG decodes (stb_image) to the same pixels; a size that
// does not match the bytes and an unwritable path are errors naming them.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "decoded_png.hpp"
#include "temp_dir.hpp"
#include "write_fault.hpp"

#include "io/atomic_file.hpp"
#include "io/png.hpp"

TEST_CASE("write_png_rgb: every pixel back, top row first; bad sizes and paths are errors") {
    TempDir tmp;
    // Top row: red, green, blue; bottom row: black, grey, white.
    const std::vector<std::uint8_t> rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 128, 128, 128, 255, 255, 255};
    io::write_png_rgb(tmp / "p.png", 3, 2, rgb);
    const DecodedPng d = decode_png(tmp / "p.png");
    REQUIRE(d.w == 3);
    REQUIRE(d.h == 2);
    CHECK(d.rgb == rgb);
    CHECK_THROWS_AS(io::write_png_rgb(tmp / "q.png", 4, 2, rgb), std::invalid_argument);
    CHECK_THROWS_CONTAINING(io::write_png_rgb(tmp / "q.png", 3, 1, rgb), "18 bytes", "3x1");
    const std::string unwritable = tmp / "no/such/folder/p.png";
    CHECK_THROWS_AS(io::write_png_rgb(unwritable, 3, 2, rgb), io::WriteError);
    CHECK_THROWS_CONTAINING(io::write_png_rgb(unwritable, 3, 2, rgb), unwritable.c_str());
    CHECK(names_in(tmp.path) == std::set<std::string>{"p.png"});
}
