// stb.hpp (internal to io/): Sean Barrett's single-file libraries from Debian's libstb-dev, with the
// warnings their C code draws under warning_level=3 switched off: stb_image_write, whose
// implementation io/png.cpp compiles (it defines STB_IMAGE_WRITE_IMPLEMENTATION before including
// this), and stb_easy_font, the font of the Canvas (io/canvas.cpp), whose functions are static.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <stb/stb_easy_font.h>
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop
