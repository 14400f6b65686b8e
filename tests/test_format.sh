#!/usr/bin/env bash
# Every C++ file is in the layout .clang-format describes: clang-format (Debian's, version 14)
# would change nothing. A file it would change is named with its first difference; the fix is
#   clang-format -i FILE
# (./lab test installs clang-format; ./lab format rewrites every such file in place).
set -uo pipefail
root=${1:?usage: test_format.sh SOURCE_ROOT}
cd "$root" || exit 2
if ! command -v clang-format >/dev/null; then
  echo "test_format: clang-format is not installed (Debian package clang-format; ./lab test installs it)" >&2
  exit 1
fi
# The project's own C++ files: git's list, less each exercise's student.cpp (the student's to
# write, in any layout). Outside a git clone (a student's handout) the check is skipped: what is
# there is the student's.
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "test_format: $root is not a git clone; the layout check covers the project's files in a clone"
  exit 77
fi
mapfile -t listed < <(git ls-files -- '*.cpp' '*.hpp' ':!:exercises/*/student.cpp')
files=()
for f in "${listed[@]}"; do [[ -f $f ]] && files+=("$f"); done  # not one deleted but not yet committed
[[ ${#files[@]} -gt 100 ]] || { echo "test_format: found only ${#files[@]} C++ files under $root" >&2; exit 1; }
# One clang-format for all of them; only when it finds a difference, one per file to name them.
if clang-format --dry-run --Werror "${files[@]}" >/dev/null 2>&1; then
  echo "test_format: all ${#files[@]} C++ files are in the .clang-format layout"
  exit 0
fi
drifted=()
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then drifted+=("$f"); fi
done
if [[ ${#drifted[@]} -gt 0 ]]; then
  echo "test_format: ${#drifted[@]} of ${#files[@]} files are not in the .clang-format layout:" >&2
  for f in "${drifted[@]}"; do
    echo "  $f" >&2
    clang-format "$f" | diff "$f" - | head -6 | sed 's/^/      /' >&2
  done
  echo "test_format: fix with: clang-format -i FILE (or ./lab format for all)" >&2
  exit 1
fi
echo "test_format: clang-format reported a difference it does not show file by file" >&2
exit 1
