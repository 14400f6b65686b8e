// stb.hpp (internal to io/): stb_easy_font, Sean Barrett's single-file font from Debian's
// libstb-dev (the font of the Canvas, io/canvas.cpp; its functions are static), with the warnings
// its C code draws under warning_level=3 switched off. stb_image_write is compiled by io/png.cpp
// alone, which includes it itself: in a unity build a header shared with canvas.cpp could be
// included first without the implementation, and #pragma once would then skip it in png.cpp.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <stb/stb_easy_font.h>
#pragma GCC diagnostic pop
