// io.hpp: everything of the io library in one include: the data and what reads and writes files.
//
//   atomic_file.hpp      writing a whole file atomically, with the system's reason on failure
//   regular_file.hpp     what a path is when it is not a regular file
//   idx.hpp              the IDX file format of MNIST
//   dataset.hpp          a labelled image set in memory
//   mnist.hpp            MNIST and Fashion-MNIST from their files into a Dataset
//   linear_mixing.hpp    synthetic hyperspectral pixels from the linear mixing model
//   morphology.hpp       grey dilation and erosion of images (thicker and thinner strokes), the median filter
//   warp.hpp             random affine warps (rotation, zoom, shift) of images
//   checkpoint_error.hpp the error of every .npz file and its parts
//   zip.hpp              the stored zip archive, the container of an .npz
//   npy.hpp              one float32 array as a NumPy .npy file
//   npz.hpp              named float32 arrays to and from a NumPy .npz file
//   png.hpp              an RGB picture written as a PNG file
//   canvas.hpp           the RGB picture the grids and plots are drawn on
//   image.hpp            PNG grids of gray images
//   plot.hpp             loss curves, labelled scatter plots and small matrices as PNG
//   dot.hpp              the tape's DOT text written to a file and rendered by Graphviz
// A module's checkpoint (its parameters in an .npz file) is nn's: nn::save_checkpoint.
#pragma once

#include "io/atomic_file.hpp"
#include "io/canvas.hpp"
#include "io/checkpoint_error.hpp"
#include "io/dataset.hpp"
#include "io/dot.hpp"
#include "io/idx.hpp"
#include "io/image.hpp"
#include "io/linear_mixing.hpp"
#include "io/mnist.hpp"
#include "io/morphology.hpp"
#include "io/npy.hpp"
#include "io/npz.hpp"
#include "io/plot.hpp"
#include "io/png.hpp"
#include "io/regular_file.hpp"
#include "io/warp.hpp"
#include "io/zip.hpp"
