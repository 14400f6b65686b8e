#!/usr/bin/env bash
# The students' copy and the exercise list, as a teacher and a student use them:
#   ./lab handout DIR    writes the project without exercises/solutions/ (each hints.md goes with
#                        its exercise); the copy configures with meson and grades each exercise
#                        (suite 'student'), with no 'grader' tests (they need the solutions)
#   ./lab check          in the copy lists every exercise as not started
# and the bad inputs: a non-empty folder is refused and left as it was, an unknown exercise and
# a bad seed are errors that say so.
#   usage: test_handout.sh SOURCE_DIR
set -euo pipefail
source=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cd "$source"
./lab handout "$scratch/copy"
copy=$scratch/copy
[[ ! -e $copy/exercises/solutions ]] || fail "the handout holds exercises/solutions/"
[[ -x $copy/lab ]] || fail "the handout's ./lab is missing or not executable"
mapfile -t folders < <(awk '!/^[[:space:]]*(#|$)/ { print $1 }' exercises/exercises.txt)
[[ ${#folders[@]} -ge 1 ]] || fail "exercises/exercises.txt lists no exercise"
for f in "${folders[@]}"; do
  for file in README.md exercise.hpp student.cpp check.cpp; do
    [[ -f $copy/exercises/$f/$file ]] || fail "the handout has no exercises/$f/$file"
  done
  cmp -s "exercises/$f/student.cpp" "$copy/exercises/$f/student.cpp" || fail "exercises/$f/student.cpp differs in the handout"
  # The hints go with the exercise (tests/test_hints.sh: the ladder, and --no-hints).
  [[ ! -f exercises/$f/hints.md ]] || cmp -s "exercises/$f/hints.md" "$copy/exercises/$f/hints.md" ||
    fail "exercises/$f/hints.md is missing or differs in the handout"
done
echo "handout: ${#folders[@]} exercises (their hints with them), no solutions"

# The copy configures on its own, and has a student test per exercise and no grader tests.
meson setup "$copy/build" "$copy" >/dev/null
# Each test as "suite name", from meson's JSON.
tests=$(meson introspect "$copy/build" --tests |
  python3 -c 'import json, sys; [print(s.split(":")[-1], t["name"]) for t in json.load(sys.stdin) for s in t["suite"]]')
for f in "${folders[@]}"; do
  grep -qx "student ex${f:0:2}_${f:3}" <<<"$tests" || fail "the handout's build has no test ex${f:0:2}_${f:3}"
done
! grep -q '^grader ' <<<"$tests" || fail "the handout's build has grader tests (they need the solutions)"
echo "handout: configures, with ${#folders[@]} student tests and no grader tests"

# The list, in the copy: every exercise, none started.
list=$(cd "$copy" && ./lab check)
echo "$list"
[[ $(grep -c 'not started' <<<"$list") -eq ${#folders[@]} ]] || fail "./lab check does not list every exercise as not started"

# Bad input.
mkdir "$scratch/full" && echo keep >"$scratch/full/mine.txt"
if out=$(./lab handout "$scratch/full" 2>&1); then fail "handout into a non-empty folder succeeded"; fi
grep -q "not empty" <<<"$out" || fail "handout into a non-empty folder: no clear message ($out)"
[[ $(cat "$scratch/full/mine.txt") == keep && $(ls -A "$scratch/full" | wc -l) -eq 1 ]] || fail "handout touched a non-empty folder"
if out=$(./lab check 99 2>&1); then fail "./lab check 99 succeeded"; fi
grep -q "no exercise '99'" <<<"$out" || fail "./lab check 99: no clear message ($out)"
if out=$(./lab check 01 --seed abc 2>&1); then fail "./lab check 01 --seed abc succeeded"; fi
grep -q "whole number" <<<"$out" || fail "./lab check --seed abc: no clear message ($out)"
echo "bad input: refused with clear messages, nothing touched"
