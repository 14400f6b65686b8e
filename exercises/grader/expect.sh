#!/usr/bin/env bash
# expect.sh OUTCOME PROGRAM [SOURCE]: the grader's own test. Runs an exercise's check program
# and passes when its outcome is OUTCOME:
#   pass       exit code 0 (the reference solution: every check passes)
#   not-done   exit code 77 and no FAIL (the exercise as handed out, holes unfilled)
#   fail       exit code 1, and the output contains the hint written on SOURCE's line
#              "// expect-hint: ..." (a wrong solution fails, for the reason it was written for);
#              SOURCE's lines "// expect-env: NAME=VALUE" set the environment it runs in
# Any other exit code (a crash, an abort) fails.
set -uo pipefail
outcome=$1 program=$2 source=${3:-}
# A wrong solution may need a setting to show its mistake quickly: "// expect-env: NAME=VALUE".
settings=()
[[ -n $source ]] && mapfile -t settings < <(sed -n 's|^// expect-env: *||p' "$source")
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
  if ! grep -qF -- "$hint" <<<"$output"; then
    echo "the check failed, but without the expected hint: '$hint'"
    exit 1
  fi
  echo "failed as expected, with the hint '$hint'"
else
  echo "outcome '$outcome' as expected"
fi
