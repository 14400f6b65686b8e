#!/usr/bin/env bash
# run_student.sh PROGRAM ERRORS: runs the student's check program of one exercise (suite
# 'student', for `./lab check --all`). `./lab` builds each exercise first and leaves the
# compiler's messages in ERRORS when it does not compile: that is a failure too.
set -uo pipefail
program=$1 errors=$2
if [[ -s $errors ]]; then
  echo "student.cpp does not compile; the compiler said:"
  head -n 60 "$errors"
  exit 1
fi
[[ -x $program ]] || { echo "$program is not built: run ./lab check --all (it builds each exercise first)"; exit 1; }
exec "$program"
