// heap.cpp: the allocator set-up, and why it is there.
//
// A training step makes and drops the same large arrays again and again (activations, their
// gradients, im2col's patch matrices). By default glibc gives every block of more than a few
// hundred KiB straight back to the kernel when it is freed, so every step would fault in fresh
// pages and have the kernel zero them (docs/performance.md, "What made the difference", item 2,
// says how much of a convolutional step went there). Keeping freed blocks of up to 32 MiB in the
// heap, and trimming the heap only when 256 MiB lie unused at its top, lets the next step reuse
// them.
#include "autograd/detail/heap.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc, which the test below needs

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace autograd::detail {

bool keep_freed_blocks() {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
    return true;
}

}  // namespace autograd::detail
