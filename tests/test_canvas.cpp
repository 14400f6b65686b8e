// io/canvas.cpp: rectangles, lines and text drawn where they belong.
#include <stdexcept>
#include <string>

#include "check.hpp"
#include "io/canvas.hpp"

namespace io {
// Lets doctest print a colour when a check on one fails.
std::ostream& operator<<(std::ostream& os, const Canvas::Color& c) {
    return os << "rgb(" << int(c.r) << ", " << int(c.g) << ", " << int(c.b) << ")";
}
}  // namespace io

TEST_CASE("Canvas: rectangles clip at the edges, lines reach their ends, text stays in its box") {
    io::Canvas c(40, 30);
    CHECK(c.get(0, 0) == io::Canvas::Color{255, 255, 255});
    c.fill_rect(-5, -5, 10, 10, {1, 2, 3});  // partly outside: drawn where it overlaps
    CHECK(c.get(4, 4) == io::Canvas::Color{1, 2, 3});
    CHECK(c.get(5, 5) == io::Canvas::Color{255, 255, 255});
    c.line(10, 20, 30, 25, {9, 9, 9});
    CHECK(c.get(10, 20) == io::Canvas::Color{9, 9, 9});
    CHECK(c.get(30, 25) == io::Canvas::Color{9, 9, 9});
    CHECK(c.get(20, 20) == io::Canvas::Color{255, 255, 255});  // a line (at y = 22.5 there), not a filled area
    CHECK_THROWS_AS(c.get(40, 0), std::out_of_range);

    io::Canvas t(80, 40);
    const int x = 5, y = 6, scale = 2, w = io::Canvas::text_width("Ag9", scale);
    t.text(x, y, "Ag9", {0, 0, 0}, scale);
    int inside = 0, outside = 0;
    for (int yy = 0; yy < 40; ++yy)
        for (int xx = 0; xx < 80; ++xx) {
            const bool ink = t.get(xx, yy) == io::Canvas::Color{0, 0, 0};
            const bool in_box = xx >= x && xx < x + w && yy >= y && yy < y + io::Canvas::text_height(scale) + 2 * scale;
            (in_box ? inside : outside) += ink;
        }
    CHECK(inside > 30);
    CHECK(outside == 0);
    CHECK(io::Canvas::text_width("0123456789", 1) == 10 * 6);  // every digit advances 6 pixels
    // Long text is drawn whole: "XXXX...X" has as much ink as its letters apart ('X' has the most quads).
    auto ink = [](const std::string& s) {
        io::Canvas canvas(io::Canvas::text_width(s, 1) + 2, 12);
        canvas.text(1, 1, s, {0, 0, 0}, 1);
        int n = 0;
        for (int yy = 0; yy < canvas.height(); ++yy)
            for (int xx = 0; xx < canvas.width(); ++xx) n += canvas.get(xx, yy) == io::Canvas::Color{0, 0, 0};
        return n;
    };
    CHECK(ink("X") > 0);
    CHECK(ink("XXXXXXXXXXXXXXXXXXXX") == 20 * ink("X"));
    CHECK(ink("W#W#W#W#W#") == 5 * (ink("W") + ink("#")));
}
