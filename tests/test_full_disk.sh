#!/bin/bash
# A lecture whose figure cannot be written stops: the error names the file and the system's reason,
# the exit status is not 0, no VERDICT and no "wrote ..." is printed, and the figures of the run
# before it stay byte for byte, with no temporary beside them. A file-size limit (ulimit -f, in
# blocks of 1024 bytes) stands in for a full disk: a write past it fails with EFBIG ("File too
# large") as a write to a full disk fails with ENOSPC.
#   usage: test_full_disk.sh IDENTITY_PROGRAM TAPE_TOUR_PROGRAM
set -u
status=0
fail() {
    echo "FAIL: $*"
    status=1
}
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT

# check NAME PROGRAM FIGURE BLOCKS: the first FIGURE the lecture writes is larger than BLOCKS kB.
check() {
    local name=$1 program=$2 figure=$3 blocks=$4 dir=$out/$1 log code
    if ! "$program" --quick --out "$dir" > "$out/$name.log" 2>&1; then
        fail "$name: the run with room to write failed:"
        cat "$out/$name.log"
        return
    fi
    cp -a "$dir" "$out/$name.before"
    log=$( (ulimit -f "$blocks" && trap '' XFSZ && exec "$program" --quick --out "$dir") 2>&1)
    code=$?
    [ "$code" -ne 0 ] || fail "$name: exit status 0 although $figure could not be written"
    grep -qF "$dir/$figure: cannot write: File too large" <<< "$log" ||
        fail "$name: no error naming $dir/$figure and the reason"
    grep -qF "$dir/$figure was not written; a file of that name is from an earlier run" <<< "$log" ||
        fail "$name: does not say that the $figure there is an earlier run's"
    ! grep -qE "VERDICT|^wrote " <<< "$log" || fail "$name: printed a VERDICT or 'wrote' after a failed write"
    diff -r -x .lock "$out/$name.before" "$dir" > /dev/null ||
        fail "$name: the figures of the run before changed, or a temporary was left: $(diff -r -x .lock "$out/$name.before" "$dir")"
    [ "$status" -eq 0 ] && echo "ok: $name (exit $code): $(grep -F 'error:' <<< "$log")"
}

check identity "$1" loss.png 4
# tape_tour draws its picture with Graphviz when it is installed; the .dot file is under 1 kB.
if command -v dot > /dev/null; then
    check tape_tour "$2" tape.png 4
else
    check tape_tour "$2" tape.dot 0
fi
exit $status
