// nn.hpp: everything of the nn library in one include.
//
//   module.hpp           Module (named parameters, train / eval, freezing, summary, forward64) and
//                        Sequential
//   layers.hpp           Linear, TiedLinear, activations, Dropout
//   conv_layers.hpp      Conv2d, ConvTranspose2d, pooling, Upsample, Flatten, Unflatten, BatchNorm
//   init.hpp             Xavier and He initialisation
//   optim.hpp            SGD and Adam
//   checkpoint.hpp       a module's parameters and buffers to and from a NumPy .npz file
//   data.hpp             the minibatch loader (of an io::Dataset)
//   noise.hpp            the corruptions of the denoising autoencoder
//   train.hpp            one line of feedback per epoch; the plain autoencoder training loop
//   gradcheck_module.hpp a module's gradients checked in float64
// The data (MNIST, synthetic spectra, image filters and warps) and the file formats (.npz,
// pictures) are io/'s, below nn: io/io.hpp.
#pragma once

#include "autograd/autograd.hpp"
#include "nn/checkpoint.hpp"
#include "nn/conv_layers.hpp"
#include "nn/data.hpp"
#include "nn/gradcheck_module.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "nn/module.hpp"
#include "nn/noise.hpp"
#include "nn/optim.hpp"
#include "nn/train.hpp"
