// stb.hpp (internal to io/ and its tests): Sean Barrett's single-file libraries from Debian's
// libstb-dev, with the warnings their C code draws under warning_level=3 switched off. Exactly one
// file (io/image.cpp) defines STB_IMAGE_IMPLEMENTATION and STB_IMAGE_WRITE_IMPLEMENTATION before
// including this; everywhere else it gives the declarations.
//
// stb_image is compiled for PNG alone, and refuses pictures over 8192 pixels on a side
// (kMaxPngSide): its other decoders (GIF, PNM, BMP, TGA, ...) were never needed and trust their
// headers. read_png_gray checks a file's structure first (io/png_check.hpp); these limits are a
// second line.
#pragma once

#define STBI_ONLY_PNG
#define STBI_MAX_DIMENSIONS 8192

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <stb/stb_easy_font.h>
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop
