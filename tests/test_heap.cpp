// detail/heap.cpp: freed blocks of up to 32 MiB stay in the heap for the next training step, instead of
// being mapped afresh (and zeroed by the kernel) every time.
#include <cstdlib>

#include <malloc.h>

#include "check.hpp"

TEST_CASE("a 10 MB block comes from the heap, not from a fresh mapping") {
    // glibc's default would map any block above 128 KiB on its own (mallinfo2's hblks counts those);
    // with autograd's set-up (done when the library is loaded) a 10 MB block stays in the heap.
    const autograd::Tensor warm = autograd::zeros({1});  // the library is loaded and set up
    const std::size_t mapped_before = mallinfo2().hblks;
    void* block = std::malloc(10u << 20);
    REQUIRE(block != nullptr);
    static_cast<volatile char*>(block)[0] = 1;
    const std::size_t mapped_during = mallinfo2().hblks;
    std::free(block);
    CHECK_MESSAGE(mapped_during == mapped_before, "a 10 MB block was mapped on its own ("
                                                      << mapped_before << " mapped blocks before, " << mapped_during
                                                      << " during): M_MMAP_THRESHOLD is not set");
    CHECK(warm.size() == 1);
}
