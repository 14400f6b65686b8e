#!/bin/bash
# A lecture that keeps its trained models (lectures/trained.hpp) prints the same run when it
# reuses them: the second run of gan_mnist --quick with the same --out loads
# trained_seed14_quick.npz instead of training and prints every line and writes every figure as
# the first did, byte for byte, but the line that says it trained or reused. A damaged file is
# named and training starts again, with the same result. (--retrain: every lecture's own test
# runs with it.)
#   usage: test_trained_reuse.sh GAN_MNIST_PROGRAM
set -u
program=$1
status=0
fail() {
    echo "FAIL: $*"
    status=1
}
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
file=$out/run/trained_seed14_quick.npz

# run N: the lecture into $out/run, its log in $out/N.log and its figures copied to $out/N/
run() {
    rm -f "$out"/run/*.png  # a figure the run does not write must not be left from the one before
    "$program" --quick --out "$out/run" > "$out/$1.log" 2>&1 || fail "run $1 exited with $?: $(tail -3 "$out/$1.log")"
    mkdir "$out/$1" && cp "$out"/run/*.png "$out/$1/"
}
# The logs without the lines about training and keeping the models.
same_run() {
    diff <(grep -v -e '^training' -e '^reusing' -e '^kept the trained' "$out/$1.log") \
        <(grep -v -e '^training' -e '^reusing' -e '^kept the trained' "$out/$2.log") > "$out/diff" ||
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
