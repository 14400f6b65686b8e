#!/bin/bash
# The sanitized build still finds what it is there to find: each deliberate bug of
# sanitizer_canary stops the program with the sanitizer's report naming that kind of bug. A build
# whose sanitizers were switched off, or whose options hid their reports, fails here.
#   usage: test_sanitizers.sh SANITIZER_CANARY
set -u
canary=$1
status=0
# The options ./lab sets for the sanitized programs (sanitizer_options), whatever the caller's
# environment holds.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:malloc_context_size=10
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# expect CASE PATTERN: the case exits non-zero and its report matches PATTERN (grep -E).
expect() {
    local log code
    log=$("$canary" "$1" 2>&1)
    code=$?
    if [[ $code -eq 0 ]]; then
        echo "FAIL: $1: exit status 0, no report"; status=1
    elif ! grep -qE -- "$2" <<< "$log"; then
        echo "FAIL: $1: exit status $code but no '$2' in:"; echo "$log" | head -n 20; status=1
    else
        echo "ok: $1: $(grep -m1 -E -- "$2" <<< "$log" | sed 's/^==[0-9]*==//' | cut -c1-100)"
    fi
}
expect heap-overflow "AddressSanitizer: heap-buffer-overflow"
expect use-after-free "AddressSanitizer: heap-use-after-free"
# AddressSanitizer's (UBSan's object-size check, which would see it first, is left out: meson.build).
expect stack-overflow-read "AddressSanitizer: stack-buffer-overflow"
expect leak "LeakSanitizer: detected memory leaks"
expect signed-overflow "signed integer overflow"
expect array-bounds "out of bounds"
expect null-deref "AddressSanitizer: SEGV"
exit $status
