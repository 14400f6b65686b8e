#!/usr/bin/env bash
# A lecture's flags, wrong: each is refused with exit code 2 and a message naming it, before
# anything runs or is written. "--out --quick" is a forgotten folder, not a folder named --quick.
#   usage: test_lecture_flags.sh LECTURE_PROGRAM
set -uo pipefail
program=$(realpath "$1")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

# expect_refused "WHAT THE MESSAGE MUST SAY" ARGS...
expect_refused() {
  local want=$1
  shift
  local output code
  output=$("$program" "$@" 2>&1)
  code=$?
  [[ $code -eq 2 ]] || fail "'$*' exited with $code, not 2: $(head -3 <<<"$output")"
  grep -qF -- "$want" <<<"$output" || fail "'$*' did not say '$want': $(head -3 <<<"$output")"
  echo "refused as expected: $* -> $want"
}
expect_refused "--out needs a folder, not '--quick'" --out --quick
expect_refused "--out needs a folder, not '--seed'" --out --seed 3
expect_refused "--out needs a folder" --out
expect_refused "--seed takes a non-negative integer, not '-1'" --seed -1
expect_refused "--seed needs a number" --seed
expect_refused "unknown argument '--quik'" --quik
leftover=$(find . -mindepth 1 | head -3)
[[ -z $leftover ]] || fail "a refused run wrote something: $leftover"
echo "every wrong flag refused, nothing written"
