#!/bin/bash
# Runs a lecture (its --quick run) under OpenBLAS's other set of kernels, so that `./lab test`
# checks each verdict under both sets a student's CPU may pick: on a CPU with AVX-512, OpenBLAS
# (with ./lab) runs its SkylakeX kernels and this runs the Haswell (AVX2) ones, which every
# AVX2 laptop runs. Where those are what the lecture's own test ran (no AVX-512 here, or
# OPENBLAS_CORETYPE=Haswell for the whole suite, as the sanitized suite sets), or cannot run (no
# AVX2), it exits 77, which meson counts as skipped. `./lab verify` tries every set with 1 and 2
# threads and several seeds.
#   usage: other_kernels.sh LECTURE_PROGRAM [ARGS...]
set -u
flags=" $(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
skip() { echo "$1; skipped"; exit 77; }
[[ $flags == *" avx2 "* && $flags == *" fma "* ]] || skip "this CPU has no AVX2: OpenBLAS's Haswell kernels cannot run here"
[[ ${OPENBLAS_CORETYPE:-} != Haswell ]] || skip "OPENBLAS_CORETYPE=Haswell is set for the whole suite: the lecture's own test ran them"
if [[ -z ${OPENBLAS_CORETYPE:-} && $flags != *" avx512f "* ]]; then
  skip "no AVX-512 here: OpenBLAS's own choice is already its AVX2 (Haswell) kernels"
fi
export OPENBLAS_CORETYPE=Haswell
# The lecture prints the kernels it ran first ("run: seed 1 | OpenBLAS Haswell, 1 thread | ..."):
# an OpenBLAS that ignores OPENBLAS_CORETYPE would make this a plain repeat.
log=$("$@" 2>&1)
status=$?
printf '%s\n' "$log"
if ! grep -q '^run: .*| OpenBLAS Haswell,' <<< "$log"; then
  echo "FAIL: the run did not report OpenBLAS's Haswell kernels although OPENBLAS_CORETYPE=Haswell"
  exit 1
fi
exit $status
