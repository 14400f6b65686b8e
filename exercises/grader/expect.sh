#!/usr/bin/env bash
# expect.sh OUTCOME PROGRAM [SOURCE]: the grader's own test. Runs an exercise's check program
# and passes when its outcome is OUTCOME:
#   pass       exit code 0 (the reference solution: every check passes)
#   not-done   exit code 77 and no FAIL (the exercise as handed out, holes unfilled)
#   fail       exit code 1, the first check to print FAIL is the one named on SOURCE's line
#              "// expect-check: ..." (its numbers may differ), and a FAIL printed the hint on
#              SOURCE's line "// expect-hint: ..." (a wrong solution fails, first in the check
#              and for the reason it was written for); SOURCE's lines "// expect-env: NAME=VALUE"
#              set the environment it runs in
# Any other exit code (a crash, an abort) fails.
set -uo pipefail
outcome=$1 program=$2 source=${3:-}
# A wrong solution may need a setting to show its mistake quickly: "// expect-env: NAME=VALUE".
settings=()
[[ -n $source ]] && mapfile -t settings < <(sed -n 's|^// expect-env: *||p' "$source")
# A setting that shrinks LAB_TIME_SCALE (exercise 11's budgets, to prove the budget check) must not
# shrink the limit that catches a stuck program below the one the suite runs under: 60 s times the
# suite's own LAB_TIME_SCALE (4 in the sanitized suite, whose programs run 3 to 5 times slower).
if printf '%s\n' "${settings[@]}" | grep -q '^LAB_TIME_SCALE=' && [[ -z ${LAB_CHECK_SECONDS:-} ]]; then
  settings=("LAB_CHECK_SECONDS=$(awk -v s="${LAB_TIME_SCALE:-1}" 'BEGIN { print 60 * (s > 1 ? s : 1) }')" "${settings[@]}")
fi
[[ ${#settings[@]} -gt 0 ]] && echo "with ${settings[*]}"
output=$(env "${settings[@]}" "$program" 2>&1)
code=$?
printf '%s\n' "$output"
echo "----"
case "$outcome" in
  pass) want=0 ;;
  not-done) want=77 ;;
  fail) want=1 ;;
  *) echo "expect.sh: unknown outcome '$outcome'"; exit 2 ;;
esac
if [[ $code -ne $want ]]; then
  echo "expected exit code $want ($outcome), got $code"
  exit 1
fi
if [[ $outcome == not-done ]] && grep -q '^  FAIL' <<<"$output"; then
  echo "expected only NOT DONE checks, but one FAILED"
  exit 1
fi
if [[ $outcome == fail ]]; then
  hint=$(sed -n 's|^// expect-hint: *||p' "$source" | head -n 1)
  [[ -n $hint ]] || { echo "$source has no '// expect-hint:' line naming the hint it must trigger"; exit 1; }
  check=$(sed -n 's|^// expect-check: *||p' "$source" | head -n 1)
  [[ -n $check ]] || { echo "$source has no '// expect-check:' line naming the check that must fail"; exit 1; }
  first=$(sed -n 's|^  FAIL      ||p' <<<"$output" | head -n 1)
  # Compared with every number made N: some titles name a budget that scales with the machine
  # (exercise 11: "a short run (5,000 images, 3.47 s)").
  numbers_as_n() { sed -E 's/[0-9]([0-9.,]*[0-9])?/N/g' <<<"$1"; }
  if [[ $(numbers_as_n "$first") != "$(numbers_as_n "$check")" ]]; then
    echo "the first check to fail is '$first', not the expected '$check'"
    exit 1
  fi
  # The hint must be printed under a FAIL (usually the first): not in a check's title, nor in a
  # PASS's notes.
  failed=$(awk '/^  (PASS|NOT DONE) |^[0-9]+ passed, / { on = 0 } /^  FAIL      / { on = 1; next } on' <<<"$output")
  if ! grep -qF -- "$hint" <<<"$failed"; then
    echo "the check '$check' failed, but no FAIL printed the expected hint '$hint'"
    exit 1
  fi
  echo "failed as expected, in the check '$check', with the hint '$hint'"
else
  echo "outcome '$outcome' as expected"
fi
