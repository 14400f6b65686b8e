// nn.hpp: everything of the nn library in one include.
//
//   module.hpp      Module (named parameters, train / eval, freezing, summary) and Sequential
//   layers.hpp      Linear, TiedLinear, activations, Dropout
//   conv_layers.hpp Conv2d, ConvTranspose2d, pooling, Upsample, Flatten, BatchNorm
//   init.hpp        Xavier and He initialisation
//   optim.hpp       SGD and Adam
//   checkpoint.hpp  parameters to and from NumPy .npz files
//   idx.hpp         the IDX file format of MNIST
//   data.hpp        MNIST and Fashion-MNIST, the minibatch loader
//   noise.hpp       the corruptions of the denoising autoencoder
//   image.hpp       PNG grids of images, reading a PNG
//   plot.hpp        loss curves and labelled scatter plots as PNG
//   train.hpp       one line of feedback per epoch
#pragma once

#include "autograd/autograd.hpp"
#include "nn/checkpoint.hpp"
#include "nn/conv_layers.hpp"
#include "nn/data.hpp"
#include "nn/idx.hpp"
#include "nn/image.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "nn/module.hpp"
#include "nn/noise.hpp"
#include "nn/optim.hpp"
#include "nn/plot.hpp"
#include "nn/train.hpp"
