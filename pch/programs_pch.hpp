// programs_pch.hpp: the headers nearly every lecture and exercise program includes, compiled once
// into a precompiled header (meson's cpp_pch, in lectures/meson.build and exercises/meson.build)
// instead of parsed again for each of the hundred programs (docs/build.md has the measurements).
//
// A program still includes what it uses: this header only makes that cheaper. Nothing here may
// depend on a macro a program defines first; a header listed here that changes rebuilds every
// program, so only the library's stable public headers belong here.
// (No include guard: it is compiled on its own and force-included, never included twice.)

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xview.hpp>

#include "io/io.hpp"
#include "models/conv_autoencoder.hpp"
#include "models/gan.hpp"
#include "models/gan_metrics.hpp"
#include "models/mlp_autoencoder.hpp"
#include "models/stacked_autoencoder.hpp"
#include "models/tsne.hpp"
#include "models/vae.hpp"
#include "nn/nn.hpp"
