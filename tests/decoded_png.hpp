// decoded_png.hpp: a PNG decoded to RGB by stb_image, independently of the code under test, for
// the tests of the PNG writers (test_png.cpp, test_image.cpp, test_plot.cpp): its pixels, and
// where a colour is. The library writes PNGs and never reads one, so the decoder is compiled here,
// for the tests alone: static (STB_IMAGE_STATIC), in each test file that includes this, PNG only.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

struct Rgb {
    int r, g, b;
};

struct DecodedPng {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;

    int at(int x, int y, int ch = 0) const {
        return rgb[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 3 + std::size_t(ch)];
    }
    bool is(int x, int y, int r, int g, int b) const {
        return at(x, y, 0) == r && at(x, y, 1) == g && at(x, y, 2) == b;
    }
    bool is(int x, int y, Rgb c) const { return is(x, y, c.r, c.g, c.b); }

    // The bounding box of the pixels of colour c (count 0 when there are none), in rows min_y to max_y.
    struct Where {
        int count = 0, x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
        double mean_x = 0, mean_y = 0;
    };
    Where find(Rgb c, int min_y = 0, int max_y = 1 << 30) const {
        Where r;
        for (int y = std::max(0, min_y); y < std::min(h, max_y); ++y)
            for (int x = 0; x < w; ++x)
                if (is(x, y, c)) {
                    ++r.count, r.mean_x += x, r.mean_y += y;
                    r.x0 = std::min(r.x0, x), r.y0 = std::min(r.y0, y), r.x1 = std::max(r.x1, x),
                    r.y1 = std::max(r.y1, y);
                }
        if (r.count) r.mean_x /= r.count, r.mean_y /= r.count;
        return r;
    }
    // Whether the outermost `band` pixels all round the picture are white: nothing runs off the edge.
    bool white_border(int band) const {
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                if ((x < band || y < band || x >= w - band || y >= h - band) && !is(x, y, {255, 255, 255}))
                    return false;
        return true;
    }
};

inline DecodedPng decode_png(const std::string& path) {
    DecodedPng d;
    int channels = 0;
    unsigned char* data = stbi_load(path.c_str(), &d.w, &d.h, &channels, 3);
    REQUIRE_MESSAGE(data != nullptr, "stb_image cannot decode " << path);
    d.rgb.assign(data, data + std::size_t(d.w) * std::size_t(d.h) * 3);
    stbi_image_free(data);
    return d;
}
