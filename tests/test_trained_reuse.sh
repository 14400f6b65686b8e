#!/bin/bash
# A lecture that keeps its trained models (lectures/trained.hpp) prints the same run when it
# reuses them: the second run of the lecture (gan_mnist, incremental_stacking) with --quick and
# the same --out loads trained_seed<N>_quick.npz instead of training and prints every line and
# writes every figure as the first did, byte for byte, but the line that says it trained or
# reused and the seconds and images per second of the epoch lines (a reused line says "kept").
# A damaged file is named and training starts again, with the same result. (--retrain: every
# lecture's own test runs with it.)
#   usage: test_trained_reuse.sh LECTURE_PROGRAM
set -u
program=$1
status=0
fail() {
    echo "FAIL: $*"
    status=1
}
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
seed=$("$program" --help | sed -n 's/.*--seed N .*(default \([0-9]*\)[:)].*/\1/p')
[[ -n $seed ]] || { echo "FAIL: $program --help does not say its default seed"; exit 1; }
file=$out/run/trained_seed${seed}_quick.npz

# run N: the lecture into $out/run, its log in $out/N.log and its figures copied to $out/N/
run() {
    rm -f "$out"/run/*.png  # a figure the run does not write must not be left from the one before
    "$program" --quick --out "$out/run" > "$out/$1.log" 2>&1 || fail "run $1 exited with $?: $(tail -3 "$out/$1.log")"
    mkdir "$out/$1" && cp "$out"/run/*.png "$out/$1/"
}
# A log without the lines about training and keeping the models, and without the timing of
# an epoch line (nn::TrainLog's "  12,345 img/s  0.2 s  (total 0.4 s)", a reused line's "  (kept)").
numbers() {
    grep -v -e '^training' -e '^reusing' -e '^kept the trained' "$out/$1.log" |
        sed -e 's/  [0-9,]* img\/s  .*(total [0-9.]* s)$//' -e 's/  (kept)$//'
}
same_run() {
    diff <(numbers "$1") <(numbers "$2") > "$out/diff" ||
        fail "runs $1 and $2 print different numbers: $(head -5 "$out/diff")"
    for png in "$out/$1"/*.png; do
        cmp -s "$png" "$out/$2/$(basename "$png")" || fail "runs $1 and $2 drew $(basename "$png") differently"
    done
}

run 1
grep -q "^training (no trained models at $file" "$out/1.log" || fail "run 1 does not say it trains"
grep -q "^kept the trained models in $file" "$out/1.log" || fail "run 1 does not say where it kept the models"
[[ -s $file ]] || fail "run 1 left no $file"
run 2
grep -q "^reusing the models trained by an earlier run with these settings: $file" "$out/2.log" ||
    fail "run 2 did not reuse $file: $(grep -e '^training' "$out/2.log")"
same_run 1 2
head -c 50000 "$file" > "$out/part" && mv "$out/part" "$file"
run 3
grep -q "^training again (cannot reuse $file: .*not a valid .npz" "$out/3.log" ||
    fail "run 3 does not name the damaged file: $(grep -e '^training' -e '^reusing' "$out/3.log")"
same_run 1 3
[[ $status -eq 0 ]] && echo "trained models reused: the same lines and figures; a damaged file named and retrained"
exit $status
