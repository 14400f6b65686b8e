#!/usr/bin/env bash
# The libraries stand on each other one way (STYLE.md): autograd < io < nn < models. A library's
# files include its own headers and those of the libraries below it, never one above; and each
# library's meson.build compiles its own folder's files only.
#   usage: test_layering.sh SOURCE_DIR
set -euo pipefail
cd "$1"
layers=(autograd io nn models)
status=0
for i in "${!layers[@]}"; do
  folder=${layers[$i]}
  for above in "${layers[@]:$((i + 1))}"; do
    if hits=$(grep -n "#include \"$above/" "$folder"/*.hpp "$folder"/*.cpp); then
      printf 'FAIL: %s/ includes %s/, a library above it:\n%s\n' "$folder" "$above" "$hits"
      status=1
    fi
  done
  if hits=$(grep -n '\.\./' "$folder/meson.build"); then
    printf 'FAIL: %s/meson.build compiles files of another folder:\n%s\n' "$folder" "$hits"
    status=1
  fi
done
[[ $status -eq 0 ]] && echo "layering: ${layers[*]}, each including only itself and the ones before it"
exit $status
