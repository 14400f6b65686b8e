#!/bin/bash
# One run at a time writes an output folder (lecture::make_out_dir). A second run started on a
# folder another run is writing stops at once with exit status 2, naming the run that holds it,
# writes nothing there, and the first run ends as it would have, its figures whole. The hold ends
# with the run, however it ends: after a SIGKILL the next run takes the folder.
#   usage: test_out_lock.sh LECTURE_PROGRAM   (a lecture that runs for a second or more with --quick)
set -u
program=$1
name=$(basename "$program")
status=0
fail() {
    echo "FAIL: $*"
    status=1
}
tmp=$(mktemp -d) || exit 1
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
dir=$tmp/out

# Waits (up to 20 s) until the run with pid $1 has taken the folder: the lock names it.
wait_for_hold() {
    for _ in $(seq 200); do
        grep -qs "pid $1," "$dir/.lock" && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

"$program" --quick --seed 5 --out "$dir" > "$tmp/first.log" 2>&1 &
first=$!
wait_for_hold "$first" || fail "the first run never took $dir: $(cat "$dir/.lock" 2>/dev/null)"
"$program" --quick --seed 6 --out "$dir" > "$tmp/second.log" 2>&1
code=$?
[[ $code -eq 2 ]] || fail "the second run exited with $code, not 2: $(tail -3 "$tmp/second.log")"
grep -qF "another run is writing $dir ($name, seed 5, --quick, pid $first, started " "$tmp/second.log" ||
    fail "the second run does not name the run that holds $dir: $(tail -3 "$tmp/second.log")"
grep -qF "or give this run a folder of its own (--out DIR)" "$tmp/second.log" || fail "the second run does not say what to do"
! grep -qE "VERDICT|^wrote " "$tmp/second.log" || fail "the second run went on after it was refused"
wait "$first"
code=$?
[[ $code -eq 0 ]] || fail "the first run exited with $code: $(tail -3 "$tmp/first.log")"
grep -q "^VERDICT" "$tmp/first.log" || fail "the first run printed no VERDICT"
# The first run alone wrote the folder: its figures are those of a run with its seed.
mkdir "$tmp/again"
"$program" --quick --seed 5 --out "$tmp/again" > "$tmp/again.log" 2>&1 || fail "a run into a folder of its own failed"
for png in "$tmp/again"/*.png; do
    cmp -s "$png" "$dir/$(basename "$png")" || fail "$(basename "$png") in $dir is not the first run's"
done

# A run killed while it holds the folder leaves no hold behind.
"$program" --quick --seed 5 --out "$dir" > "$tmp/killed.log" 2>&1 &
killed=$!
wait_for_hold "$killed" || fail "the run to be killed never took $dir"
kill -9 "$killed"
wait "$killed" 2>/dev/null
"$program" --quick --seed 5 --out "$dir" > "$tmp/after.log" 2>&1 ||
    fail "the run after a killed one did not take $dir: $(tail -3 "$tmp/after.log")"

[[ $status -eq 0 ]] && echo "one run at a time per folder: the second refused with exit 2, naming the first; a killed run holds nothing"
exit $status
