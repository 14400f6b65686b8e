#!/usr/bin/env bash
# Every C++ file is in the layout .clang-format describes: clang-format (Debian's, version 14)
# would change nothing. A file it would change is named with its first difference; the fix is
#   clang-format -i FILE
# (./lab test installs clang-format; ./lab format rewrites every file in place).
set -uo pipefail
root=${1:?usage: test_format.sh SOURCE_ROOT}
cd "$root" || exit 2
if ! command -v clang-format >/dev/null; then
  echo "test_format: clang-format is not installed (Debian package clang-format; ./lab test installs it)" >&2
  exit 1
fi
# The C++ files of the project: git's list in a clone, else every .cpp and .hpp outside the build folders.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp')
else
  mapfile -t files < <(find . -path './build*' -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print | sort)
fi
[[ ${#files[@]} -gt 100 ]] || { echo "test_format: found only ${#files[@]} C++ files under $root" >&2; exit 1; }
drifted=()
for f in "${files[@]}"; do
  [[ -f $f ]] || continue
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
echo "test_format: all ${#files[@]} C++ files are in the .clang-format layout"
