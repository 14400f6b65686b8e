// sanitizer_canary.cpp: one deliberate bug per run, so that the sanitized build proves it still
// reports each kind the suite relies on (test_sanitizers.sh runs every case and reads the report).
// Built only in the sanitized build (./lab build --sanitize). The sizes and indices come from the
// command line, so the compiler cannot see the bug and remove it.
//   usage: sanitizer_canary heap-overflow | use-after-free | leak | stack-overflow-read
//                           | signed-overflow | array-bounds | null-deref
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

// A number the optimiser cannot know: argc is 2 when the case is given.
int opaque(int argc, int value) { return argc - 2 + value; }

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: sanitizer_canary CASE\n");
        return 2;
    }
    const char* c = argv[1];
    int result = 0;
    if (!std::strcmp(c, "heap-overflow")) {  // AddressSanitizer: heap-buffer-overflow
        std::vector<float> v(static_cast<std::size_t>(opaque(argc, 8)));
        result = static_cast<int>(v.data()[opaque(argc, 8)]);
    } else if (!std::strcmp(c, "use-after-free")) {  // AddressSanitizer: heap-use-after-free
        int* p = new int[opaque(argc, 4)];
        p[0] = 1;
        delete[] p;
        volatile int* freed = p;  // volatile: the read stays, though the compiler knows p is freed
        result = freed[opaque(argc, 0)];
    } else if (!std::strcmp(c, "leak")) {  // LeakSanitizer: detected memory leaks
        int* p = new int[opaque(argc, 1000)];
        p[0] = 1;
        result = p[0];
        p = nullptr;
    } else if (!std::strcmp(c, "stack-overflow-read")) {  // AddressSanitizer: stack-buffer-overflow
        volatile int a[4] = {1, 2, 3, 4};
        volatile int* q = a;  // through a pointer: UBSan's bounds check would stop it first
        result = q[opaque(argc, 4)];
    } else if (!std::strcmp(c, "signed-overflow")) {  // UBSan: signed integer overflow
        const int big = INT_MAX - opaque(argc, 0);
        result = big + opaque(argc, 1);
    } else if (!std::strcmp(c, "array-bounds")) {  // UBSan: index out of bounds
        int a[4] = {1, 2, 3, 4};
        const int i = opaque(argc, 5);
        result = a[i];
    } else if (!std::strcmp(c, "null-deref")) {  // a fault, which AddressSanitizer reports (SEGV)
        volatile int* p = opaque(argc, 0) == 0 ? nullptr : &result;
        result = *p;
    } else {
        std::fprintf(stderr, "sanitizer_canary: unknown case '%s'\n", c);
        return 2;
    }
    std::printf("no report: %d\n", result);
    return 0;
}
