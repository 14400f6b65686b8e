#!/usr/bin/env bash
# A program outside the repository, linked the way the README says: install the libraries and
# headers (into a scratch folder, as `meson install --destdir` does), then compile
# playground/hello_gradient.cpp with nothing but the flags of the installed pkg-config file, run
# it, and expect its exit status 0 (its layer fitted and gradchecked).
#   usage: test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >/dev/null
pc=$(find "$dest" -name autodiff-autoencoders.pc | head -n 1)
[[ -n $pc ]] || { echo "meson install wrote no autodiff-autoencoders.pc"; exit 1; }
# The file names the prefix it will be installed to; here that prefix lies under $dest.
prefix=$(sed -n 's/^prefix=//p' "$pc")
sed -i "s|^prefix=.*|prefix=$dest$prefix|" "$pc"

flags=$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --cflags --libs autodiff-autoencoders)
# A sanitizer build installs instrumented libraries: the program needs the same runtime.
sanitize=$(meson introspect "$build" --buildoptions |
  python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"))')
[[ $sanitize == none ]] || flags="$flags -fsanitize=$sanitize"
echo "c++ hello_gradient.cpp $flags"
c++ "$source/playground/hello_gradient.cpp" $flags -o "$dest/hello_gradient"
"$dest/hello_gradient"
