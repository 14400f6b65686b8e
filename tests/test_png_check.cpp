// Reading pictures: read_png_gray reads PNG only, and checks the file (signature, IHDR and its
// size limit, every chunk's length and CRC, the image data's size and filters, IEND last) before
// stb_image decodes it. Valid PNGs of every kind stb_image knows still read with the right values.
#include "check.hpp"
#include "png_craft.hpp"
#include "temp_dir.hpp"

#include <string>
#include <vector>

#include "io/image.hpp"
#include "io/png_check.hpp"

#include "io/stb.hpp"  // declarations only: the implementations are in io/image.cpp

namespace pc = png_craft;

namespace {
// A 3x2 gray picture: 0, 51, 102 / 153, 204, 255.
std::string gray_3x2() { return pc::file(pc::ihdr(3, 2, 8, 0), pc::gray8_raw({{0, 51, 102}, {153, 204, 255}})); }
const xt::xarray<float> kGray3x2 = {{0.0f, 0.2f, 0.4f}, {0.6f, 0.8f, 1.0f}};

// Reads `bytes` written to `name` in `dir`; the ImageError's message, or "" when it reads.
std::string refusal(const TempDir& dir, const std::string& name, const std::string& bytes) {
    write_bytes(dir / name, bytes);
    try {
        io::read_png_gray(dir / name);
    } catch (const io::ImageError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("other formats are refused as not PNG: a 16-bit PGM, a GIF declaring 23000x23000, a PGM without pixels") {
    TempDir dir;
    // A valid 2x2 PGM of 16-bit samples (stb's PNM reader used to read past its buffer on these).
    const std::string pgm16 = std::string("P5\n2 2\n65535\n") + std::string("\x01\x00\x02\x00\x03\x00\x04\x00", 8);
    write_bytes(dir / "deep.pgm", pgm16);
    CHECK_THROWS_CONTAINING(io::read_png_gray(dir / "deep.pgm"), "deep.pgm", "not a PNG file", "PGM");
    // 35 bytes of GIF whose screen and image are 23000 x 23000 (4 GB and 18 s of decoding before).
    std::string gif = "GIF89a";
    gif += std::string("\xd8\x59\xd8\x59\x00\x00\x00", 7);               // screen 23000 x 23000, no palette
    gif += std::string("\x2c\x00\x00\x00\x00\xd8\x59\xd8\x59\x00", 10);  // image at (0, 0), 23000 x 23000
    gif += std::string("\x02\x02\x44\x01\x00\x3b", 6);                   // LZW data, trailer
    gif.resize(35, '\0');
    REQUIRE(gif.size() == 35);
    const std::string gif_error = refusal(dir, "big.gif", gif);
    CHECK_MESSAGE(gif_error.find("big.gif") != std::string::npos, gif_error);
    CHECK_MESSAGE(gif_error.find("not a PNG file") != std::string::npos, gif_error);
    CHECK_MESSAGE(gif_error.find("a GIF") != std::string::npos, gif_error);
    // A PGM header promising 20000 x 20000 pixels and holding none ("loaded" as 20000x20000 before).
    const std::string empty_pgm = refusal(dir, "empty.pgm", "P5\n20000 20000\n255\n");
    CHECK_MESSAGE(empty_pgm.find("empty.pgm: not a PNG file") != std::string::npos, empty_pgm);
    // Empty files and text.
    CHECK(refusal(dir, "zero.png", "").find("the file is empty") != std::string::npos);
    CHECK(refusal(dir, "text.png", "not a picture at all").find("not a PNG file") != std::string::npos);
    // A missing file and a folder.
    CHECK_THROWS_CONTAINING(io::read_png_gray(dir / "missing.png"), "missing.png", "no such file");
    CHECK_THROWS_CONTAINING(io::read_png_gray(dir.path.string()), "is a folder");
}

TEST_CASE("a valid PNG still reads; a flipped CRC or data byte names the chunk, its byte and both CRCs") {
    TempDir dir;
    const std::string good = gray_3x2();
    write_bytes(dir / "good.png", good);
    check_close(io::read_png_gray(dir / "good.png"), kGray3x2, 1e-6);
    // The IDAT chunk starts at byte 33 (signature 8, IHDR 12 + 13); its CRC is its last 4 bytes.
    const std::size_t idat = 33, idat_end = good.size() - 12;
    REQUIRE(good.substr(idat + 4, 4) == "IDAT");
    std::string crc_flipped = good;
    crc_flipped[idat_end - 1] = static_cast<char>(crc_flipped[idat_end - 1] ^ 0x01);
    const std::string e1 = refusal(dir, "crc.png", crc_flipped);
    CHECK_MESSAGE(e1.find("crc.png: chunk 'IDAT' at byte 33: CRC 0x") != std::string::npos, e1);
    CHECK_MESSAGE(e1.find("does not match 0x") != std::string::npos, e1);
    CHECK_MESSAGE(e1.find("the file is corrupt") != std::string::npos, e1);
    std::string data_flipped = good;
    data_flipped[idat + 10] = static_cast<char>(data_flipped[idat + 10] ^ 0x40);
    CHECK(refusal(dir, "data.png", data_flipped).find("chunk 'IDAT' at byte 33: CRC") != std::string::npos);
    std::string size_flipped = good;
    size_flipped[8 + 8 + 3] = '\x04';  // IHDR's width 3 -> 4, CRC left as it was
    CHECK(refusal(dir, "ihdr.png", size_flipped).find("chunk 'IHDR' at byte 8: CRC") != std::string::npos);
}

TEST_CASE("every truncation of a valid PNG is an ImageError naming the file") {
    TempDir dir;
    const std::string good = gray_3x2();
    for (std::size_t n = 0; n < good.size(); ++n) {
        const std::string e = refusal(dir, "cut.png", good.substr(0, n));
        CHECK_MESSAGE(e.find("cut.png") != std::string::npos, "prefix of " << n << " bytes: '" << e << "'");
    }
    CHECK(refusal(dir, "cut.png", good.substr(0, good.size() - 12)).find("without an IEND") != std::string::npos);
    CHECK(refusal(dir, "cut.png", good.substr(0, 50)).find("runs past the end of the file") != std::string::npos);
}

TEST_CASE("IHDR: sizes over 8192 or of 0, impossible depths and colour types are refused before decoding") {
    TempDir dir;
    const std::string row = pc::gray8_raw({{0}});
    const std::string wide = refusal(dir, "wide.png", pc::file(pc::ihdr(8193, 1, 8, 0), row));
    CHECK_MESSAGE(wide.find("wide.png: chunk 'IHDR' at byte 8: a picture of 8193x1 pixels") != std::string::npos, wide);
    CHECK_MESSAGE(wide.find("1 to 8192 pixels on each side") != std::string::npos, wide);
    CHECK(refusal(dir, "tall.png", pc::file(pc::ihdr(1, 0xFFFFFFFFu, 8, 0), row)).find("1x4294967295") !=
          std::string::npos);
    CHECK(refusal(dir, "zero.png", pc::file(pc::ihdr(0, 1, 8, 0), row)).find("0x1 pixels") != std::string::npos);
    CHECK(refusal(dir, "d3.png", pc::file(pc::ihdr(1, 1, 3, 0), row)).find("bit depth 3") != std::string::npos);
    CHECK(refusal(dir, "p16.png", pc::file(pc::ihdr(1, 1, 16, 3), row)).find("colour type 3") != std::string::npos);
    CHECK(refusal(dir, "c5.png", pc::file(pc::ihdr(1, 1, 8, 5), row)).find("colour type 5 does not exist") !=
          std::string::npos);
    CHECK(refusal(dir, "i2.png", pc::file(pc::ihdr(1, 1, 8, 0, 2), row)).find("interlace method 2") !=
          std::string::npos);
    const std::string short_ihdr = pc::signature() + pc::chunk("IHDR", pc::ihdr(1, 1, 8, 0).substr(0, 12)) +
                                   pc::chunk("IDAT", pc::deflate(row)) + pc::chunk("IEND", "");
    CHECK(refusal(dir, "short.png", short_ihdr).find("12 bytes, IHDR has 13") != std::string::npos);
    // The largest size allowed reads (a single gray row of 8192 pixels).
    write_bytes(dir / "max.png", pc::file(pc::ihdr(8192, 1, 8, 0), '\0' + std::string(8192, '\x80')));
    CHECK(io::read_png_gray(dir / "max.png").shape() == std::vector<std::size_t>{1, 8192});
}

TEST_CASE("the chunk sequence: IHDR first, IDAT present and consecutive, IEND last and alone, no unknown critical") {
    TempDir dir;
    const std::string header = pc::chunk("IHDR", pc::ihdr(3, 2, 8, 0));
    const std::string data = pc::chunk("IDAT", pc::deflate(pc::gray8_raw({{0, 51, 102}, {153, 204, 255}})));
    const std::string end = pc::chunk("IEND", ""), note = pc::chunk("tEXt", std::string("Comment\0hi", 10));
    const std::string& sig = pc::signature();
    CHECK(refusal(dir, "a.png", sig + note + header + data + end).find("the first chunk must be IHDR") !=
          std::string::npos);
    CHECK(refusal(dir, "b.png", sig + header + end).find("no IDAT chunk") != std::string::npos);
    CHECK(refusal(dir, "c.png", sig + header + data + end + "junk").find("4 bytes after the IEND chunk") !=
          std::string::npos);
    CHECK(refusal(dir, "d.png", sig + header + data + end + note).find("after the IEND chunk") != std::string::npos);
    CHECK(refusal(dir, "e.png", sig + header + data + pc::chunk("QQQQ", "x") + end).find("unknown critical chunk") !=
          std::string::npos);
    CHECK(refusal(dir, "f.png", sig + header + header + data + end).find("a second IHDR") != std::string::npos);
    // IDAT split in two around an ancillary chunk is refused; split in two consecutive chunks reads.
    const std::string z = pc::deflate(pc::gray8_raw({{0, 51, 102}, {153, 204, 255}}));
    const std::string d1 = pc::chunk("IDAT", z.substr(0, 5)), d2 = pc::chunk("IDAT", z.substr(5));
    CHECK(refusal(dir, "g.png", sig + header + d1 + note + d2 + end).find("must follow each other") !=
          std::string::npos);
    CHECK(refusal(dir, "h.png", sig + header + d1 + d2 + end).empty());
    CHECK(refusal(dir, "i.png", sig + header + note + d1 + d2 + note + end).empty());  // ancillary chunks are skipped
    // A type that is not four letters; a length past the end.
    std::string odd_type = sig + header + data + end;
    odd_type[33 + 4] = '\x01';
    CHECK(refusal(dir, "j.png", odd_type).find("not four ASCII letters") != std::string::npos);
    std::string long_length = sig + header + data + end;
    long_length[33] = '\x7f';
    CHECK(refusal(dir, "k.png", long_length).find("its length 2130706") != std::string::npos);
}

TEST_CASE("the image data: its size against IHDR, its zlib stream, each row's filter type") {
    TempDir dir;
    const std::string header = pc::ihdr(3, 2, 8, 0);
    const std::string too_little = refusal(dir, "little.png", pc::file(header, pc::gray8_raw({{0, 51, 102}})));
    CHECK_MESSAGE(too_little.find("inflates to 4 bytes, a 3x2 picture holds 8") != std::string::npos, too_little);
    // A 3x2 header over a megabyte of zeros (a small file that would inflate far beyond its size).
    const std::string bomb = refusal(dir, "bomb.png", pc::file(header, std::string(1 << 20, '\0')));
    CHECK_MESSAGE(bomb.find("inflates to more than the 8 bytes a 3x2 picture holds") != std::string::npos, bomb);
    const std::string filter = refusal(dir, "filter.png", pc::file(header, std::string("\0\1\2\3\7\1\2\3", 8)));
    CHECK_MESSAGE(filter.find("row 1 starts with filter type 7") != std::string::npos, filter);
    std::string not_zlib =
        pc::signature() + pc::chunk("IHDR", header) + pc::chunk("IDAT", "hello, world") + pc::chunk("IEND", "");
    CHECK(refusal(dir, "zlib.png", not_zlib).find("compressed image data is corrupt (zlib:") != std::string::npos);
    const std::string z = pc::deflate(pc::gray8_raw({{0, 51, 102}, {153, 204, 255}}));
    CHECK(
        refusal(dir, "cut.png",
                pc::signature() + pc::chunk("IHDR", header) + pc::chunk("IDAT", z.substr(0, 6)) + pc::chunk("IEND", ""))
            .find("ends early") != std::string::npos);
    std::string bad_adler = z;
    bad_adler.back() = static_cast<char>(bad_adler.back() ^ 1);  // the Adler-32 at the end of the zlib stream
    CHECK(refusal(dir, "adler.png",
                  pc::signature() + pc::chunk("IHDR", header) + pc::chunk("IDAT", bad_adler) + pc::chunk("IEND", ""))
              .find("incorrect data check") != std::string::npos);
}

TEST_CASE("16-bit, palette (with transparency), gray + alpha, 1-bit and interlaced PNGs read with the right values") {
    TempDir dir;
    // 16-bit gray: 0x0000, 0x8080 and 0xFFFF (stb keeps the high byte).
    write_bytes(dir / "g16.png", pc::file(pc::ihdr(3, 1, 16, 0), std::string("\0\0\0\x80\x80\xff\xff", 7)));
    check_close(io::read_png_gray(dir / "g16.png"), xt::xarray<float>{{0.0f, 128.0f / 255.0f, 1.0f}}, 1e-6);
    // A palette of red, white and half-transparent black, indices 0 1 2 0.
    const std::string plte = pc::chunk("PLTE", std::string("\xff\0\0\xff\xff\xff\0\0\0", 9));
    const std::string trns = pc::chunk("tRNS", std::string("\xff\xff\x80", 3));
    write_bytes(dir / "pal.png", pc::file(pc::ihdr(4, 1, 8, 3), std::string("\0\0\1\2\0", 5), {plte, trns}));
    check_close(io::read_png_gray(dir / "pal.png"), xt::xarray<float>{{0.299f, 1.0f, 127.0f / 255.0f, 0.299f}}, 1e-5);
    // An index past the palette (stb_image would read palette memory it never set): plain, and
    // behind the Sub filter (row bytes 0 1 1 1 are the indices 0 1 2 3).
    const std::string plte3 = pc::chunk("PLTE", std::string("\xff\0\0\xff\xff\xff\0\0\0", 9));
    const std::string past =
        refusal(dir, "past.png", pc::file(pc::ihdr(4, 1, 8, 3), std::string("\0\0\1\3\0", 5), {plte3}));
    CHECK_MESSAGE(past.find("row 0 holds palette index 3, the palette has 3 entries") != std::string::npos, past);
    CHECK(refusal(dir, "sub.png", pc::file(pc::ihdr(4, 1, 8, 3), std::string("\1\0\1\1\1", 5), {plte3}))
              .find("palette index 3") != std::string::npos);
    CHECK(refusal(dir, "sub.png", pc::file(pc::ihdr(3, 1, 8, 3), std::string("\1\0\1\1", 4), {plte3})).empty());
    CHECK(refusal(dir, "nopal.png", pc::file(pc::ihdr(4, 1, 8, 3), std::string("\0\0\1\2\0", 5)))
              .find("needs a PLTE chunk") != std::string::npos);
    CHECK(refusal(dir, "trns.png", pc::file(pc::ihdr(4, 1, 8, 3), std::string("\0\0\1\2\0", 5), {trns, plte}))
              .find("tRNS before PLTE") != std::string::npos);
    // 16-bit RGBA: opaque green, transparent anything.
    write_bytes(dir / "rgba16.png",
                pc::file(pc::ihdr(2, 1, 16, 6), std::string("\0\0\0\xff\xff\0\0\xff\xff\x12\x34\0\0\0\0\0\0", 17)));
    check_close(io::read_png_gray(dir / "rgba16.png"), xt::xarray<float>{{0.587f, 1.0f}}, 1e-5);
    // Gray + alpha, 8-bit: black opaque, black transparent.
    write_bytes(dir / "ga.png", pc::file(pc::ihdr(2, 1, 8, 4), std::string("\0\0\xff\0\0", 5)));
    check_close(io::read_png_gray(dir / "ga.png"), xt::xarray<float>{{0.0f, 1.0f}}, 1e-6);
    // 1-bit gray: 10100000 -> 1 0 1 over 3 pixels.
    write_bytes(dir / "bit.png", pc::file(pc::ihdr(3, 1, 1, 0), std::string("\0\xa0", 2)));
    check_close(io::read_png_gray(dir / "bit.png"), xt::xarray<float>{{1.0f, 0.0f, 1.0f}}, 1e-6);
    // Interlaced 3x2 gray: of the seven Adam7 passes, 1 holds pixel (x 0, y 0), 4 holds (2, 0),
    // 6 holds (1, 0) and 7 the whole of row 1; the others are empty and have no rows.
    std::string adam7;
    adam7 += std::string("\0\x00", 2);          // pass 1: x=0, y=0
    adam7 += std::string("\0\x66", 2);          // pass 4: x=2, y=0 (102)
    adam7 += std::string("\0\x33", 2);          // pass 6: x=1, y=0 (51)
    adam7 += std::string("\0\x99\xcc\xff", 4);  // pass 7: row 1 (153, 204, 255)
    write_bytes(dir / "adam7.png", pc::file(pc::ihdr(3, 2, 8, 0, 1), adam7));
    check_close(io::read_png_gray(dir / "adam7.png"), kGray3x2, 1e-6);
    // stb_image_write's files (the ones io writes) read back.
    const unsigned char rgb[] = {255, 0, 0, 0, 255, 0};
    REQUIRE(stbi_write_png((dir / "stb.png").c_str(), 2, 1, 3, rgb, 2 * 3));
    check_close(io::read_png_gray(dir / "stb.png"), xt::xarray<float>{{0.299f, 0.587f}}, 1e-5);
}
