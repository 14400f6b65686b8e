// heap.hpp (internal to autograd/): how the C library's allocator is set up for training.
#pragma once

namespace autograd::detail {

// Asks glibc to keep freed blocks of up to 32 MiB for reuse instead of handing them back to the
// kernel (a no-op elsewhere). Returns true, so that it can initialise a constant.
bool keep_freed_blocks();

}  // namespace autograd::detail
