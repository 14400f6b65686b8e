#!/usr/bin/env bash
# expect_compile_error.sh SOURCE COMPILER [ARGS...]: the grader's own test for a wrong solution that
# must not compile in a student's build (a call to the library's finished answer, lab.hpp). Runs the
# compiler's front end on SOURCE with the student build's options and passes when it fails with the
# message written on SOURCE's line "// expect-compile-error: ...", and that without the student
# build's LAB_STUDENT_BUILD it compiles: so that message is its only error.
set -uo pipefail
source=$1
shift
want=$(sed -n 's|^// expect-compile-error: *||p' "$source" | head -n 1)
[[ -n $want ]] || { echo "$source has no '// expect-compile-error:' line naming the message it must cause"; exit 1; }
output=$("$@" -fsyntax-only "$source" 2>&1)
code=$?
printf '%s\n' "$output"
echo "----"
if [[ $code -eq 0 ]]; then
  echo "$source compiled, but a student's build must refuse it"
  exit 1
fi
if ! grep -qF -- "$want" <<<"$output"; then
  echo "it did not compile, but without the expected message: '$want'"
  exit 1
fi
without=()
for arg in "$@"; do [[ $arg == -DLAB_STUDENT_BUILD ]] || without+=("$arg"); done
if ! other=$("${without[@]}" -fsyntax-only "$source" 2>&1); then
  printf '%s\n' "$other"
  echo "$source does not compile outside a student's build either: its error is not (only) the one expected"
  exit 1
fi
echo "refused as expected, with '$want'; it compiles outside a student's build"
