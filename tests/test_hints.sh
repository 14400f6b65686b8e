#!/usr/bin/env bash
# The hint ladder and the progress list of the lab exercises, as a student and a teacher use them:
#   every exercises/NN_topic/hints.md     3 to 5 hints "## Hint K", in order, the first a question
#   ./lab hint NN [--again]               the next hint (or the ones taken), recorded in hints-used
#   ./lab check NN                        ends with the hints taken ("hints: 1 of 4 taken; ...")
#   ./lab check                           each exercise: hints taken, when last checked, its state
#   ./lab check NN --watch                checks again when student.cpp is saved
#   LAB_HINTS=0                           no hints, and no word of them (an exam)
#   ./lab handout DIR [--no-hints]        never copies a hints-used record; --no-hints, no hints.md
# all on a handout in a scratch folder. The build is not what is tested here (suite 'grader' proves
# the checks): meson and ninja are stood in for by stubs on PATH, whose "compiled" exercise passes,
# reports "not done yet" while student.cpp has a hole, and does not compile when it holds #error.
# So the test takes seconds.
#   usage: test_hints.sh SOURCE_DIR
set -euo pipefail
source=$1
scratch=$(mktemp -d)
watcher=''
cleanup() {
  [[ -n $watcher ]] && kill "$watcher" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# ---- every hints.md: 3 to 5 hints, numbered in order, the first a question ---------------------
cd "$source"
mapfile -t folders < <(awk '!/^[[:space:]]*(#|$)/ { print $1 }' exercises/exercises.txt)
with=() without=()
for f in "${folders[@]}"; do
  file=exercises/$f/hints.md
  if [[ ! -f $file ]]; then without+=("$f"); continue; fi
  with+=("$f")
  mapfile -t numbers < <(sed -n 's/^## Hint \([0-9]*\).*/\1/p' "$file")
  [[ ${#numbers[@]} -ge 3 && ${#numbers[@]} -le 5 ]] || fail "$file has ${#numbers[@]} hints (3 to 5 wanted)"
  for k in "${!numbers[@]}"; do
    [[ ${numbers[$k]} -eq $((k + 1)) ]] || fail "$file: hint $((k + 1)) is numbered ${numbers[$k]}"
  done
  first=$(awk '/^## Hint [0-9]+/ { n++; next } n == 1' "$file")
  [[ $first == *"?"* ]] || fail "$file: the first hint asks no question"
  awk '/^## Hint [0-9]+/ { if (n && !body) exit 1; n++; body = 0; next } n && /[^[:space:]]/ { body = 1 }
       END { exit !(n && body) }' "$file" || fail "$file: a hint with nothing in it"
done
[[ ${#with[@]} -ge 1 ]] || fail "no exercise has a hints.md"
echo "hints.md: ${#with[@]} exercises with 3 to 5 hints each${without:+; none yet for ${without[*]}}"

# ---- a student's copy, with stand-ins for meson and ninja ----------------------------------------
./lab handout "$scratch/copy" >/dev/null
copy=$scratch/copy
for f in "${with[@]}"; do
  cmp -s "exercises/$f/hints.md" "$copy/exercises/$f/hints.md" || fail "the handout's exercises/$f/hints.md differs"
done
for f in "${folders[@]}"; do
  [[ ! -e $copy/exercises/$f/hints-used ]] || fail "the handout holds exercises/$f/hints-used"
done

mkdir "$scratch/bin"
cat >"$scratch/bin/meson" <<'EOF'
#!/usr/bin/env bash
# meson's stand-in: `meson setup [--reconfigure] DIR ...` makes DIR/build.ninja; nothing else.
if [[ $1 == setup ]]; then
  shift
  [[ $1 == --reconfigure ]] && shift
  mkdir -p "$1" && touch "$1/build.ninja"
fi
EOF
cat >"$scratch/bin/ninja" <<'EOF'
#!/usr/bin/env bash
# ninja's stand-in: `ninja -C DIR exercises/exNN` "compiles" exercises/NN_*/student.cpp into a
# program that passes, or reports "not done yet" while it has a hole; #error does not compile.
dir=$2
shift 2
for target in "$@"; do
  [[ $target == exercises/ex* ]] || continue
  n=${target#exercises/ex}
  student=$(echo exercises/"$n"_*/student.cpp)
  if grep -q '#error' "$student"; then
    echo "../$student:1:2: error: #error the stand-in compiler refuses this file"
    exit 1
  fi
  mkdir -p "$dir/exercises"
  if grep -q 'lab::hole(' "$student"; then
    printf '#!/bin/sh\necho run >>"%s/runs"\necho "NOT DONE  the stand-in check"\nexit 77\n' "$dir" >"$dir/$target"
  else
    printf '#!/bin/sh\necho run >>"%s/runs"\necho "PASS      the stand-in check"\nexit 0\n' "$dir" >"$dir/$target"
  fi
  chmod +x "$dir/$target"
done
EOF
chmod +x "$scratch/bin/meson" "$scratch/bin/ninja"
export PATH=$scratch/bin:$PATH
unset LAB_HINTS
cd "$copy"
a=${with[0]} b=${with[1]:-${with[0]}}
na=${a:0:2} nb=${b:0:2}
ta=$(grep -c '^## Hint [0-9]' "exercises/$a/hints.md")
record=exercises/$a/hints-used
records() { if [[ -f $1 ]]; then grep -c '^hint [0-9]* of' "$1" || true; else echo 0; fi; }

# ---- ./lab hint: one at a time, in order, each recorded ------------------------------------------
for ((k = 1; k <= ta; k++)); do
  out=$(./lab hint "$na")
  grep -q "hint $k of $ta" <<<"$out" || fail "./lab hint $na, time $k: no 'hint $k of $ta' ($out)"
  # The hint's own first line, as hints.md has it.
  line=$(awk -v k="$k" '/^## Hint [0-9]+/ { n++; next } n == k && /[^[:space:]]/ { print; exit }' "exercises/$a/hints.md")
  grep -qF -- "$line" <<<"$out" || fail "./lab hint $na, time $k: not the text of hint $k ($out)"
  [[ $(records "$record") -eq $k ]] || fail "$record: $(records "$record") hints recorded after $k taken"
  grep -q "^hint $k of $ta, [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:]\{8\}" "$record" || fail "$record: no line 'hint $k of $ta, DATE TIME': $(cat "$record")"
  if [[ $k -eq 2 ]]; then
    out=$(./lab hint "$na" --again)
    grep -q "hint 1 of $ta" <<<"$out" && grep -q "hint 2 of $ta" <<<"$out" || fail "./lab hint $na --again does not show hints 1 and 2 ($out)"
    ! grep -q "hint 3 of $ta" <<<"$out" || fail "./lab hint $na --again showed a hint not taken yet"
    [[ $(records "$record") -eq 2 ]] || fail "./lab hint $na --again took a hint"
  fi
done
out=$(./lab hint "$na")
grep -q "all $ta hints of exercise $na are taken" <<<"$out" || fail "./lab hint $na past the last hint: no clear message ($out)"
[[ $(records "$record") -eq $ta ]] || fail "./lab hint $na past the last hint recorded one more"
out=$(./lab hint "$nb" --again)
grep -q "no hint of exercise $nb taken yet" <<<"$out" || fail "./lab hint $nb --again before any hint: no clear message ($out)"
[[ ! -e exercises/$b/hints-used ]] || fail "./lab hint $nb --again wrote a record"
./lab hint "$nb" >/dev/null
echo "./lab hint: $ta hints of exercise $na in order, each recorded with its time; --again takes none"

# ---- ./lab check NN ends with the hints taken ----------------------------------------------------
tb=$(grep -c '^## Hint [0-9]' "exercises/$b/hints.md")
status=0
out=$(./lab check "$nb" 2>&1) || status=$?
[[ $status -eq 77 ]] || fail "./lab check $nb (a hole left): exit code $status, not 77 ($out)"
last=$(tail -n 1 <<<"$out")
[[ $last == "hints: 1 of $tb taken; ./lab hint $nb gives the next" ]] || fail "./lab check $nb ends with '$last'"
last=$(./lab check "$na" 2>&1 | tail -n 1) || true
[[ $last == "hints: all $ta taken; ./lab hint $na --again shows them" ]] || fail "./lab check $na ends with '$last'"
echo "./lab check NN: ends with '$(tail -n 1 <<<"$out")'"

# ---- LAB_HINTS=0: no hints, and not a word of them -----------------------------------------------
if out=$(LAB_HINTS=0 ./lab hint "$nb" 2>&1); then fail "LAB_HINTS=0 ./lab hint $nb succeeded"; fi
grep -q "hints are turned off" <<<"$out" || fail "LAB_HINTS=0 ./lab hint: no clear message ($out)"
[[ $(records "exercises/$b/hints-used") -eq 1 ]] || fail "LAB_HINTS=0 ./lab hint recorded a hint"
out=$(LAB_HINTS=0 ./lab check "$nb" 2>&1) || true
! grep -qi hint <<<"$out" || fail "LAB_HINTS=0 ./lab check $nb speaks of hints ($out)"
out=$(LAB_HINTS=0 ./lab check)
! grep -qi hint <<<"$out" || fail "LAB_HINTS=0 ./lab check (the list) speaks of hints ($out)"
echo "LAB_HINTS=0: ./lab hint refuses, ./lab check is silent about hints"

# ---- the progress list ----------------------------------------------------------------------------
# Exercise a: does not compile; b: not done yet, then changed since; c (another): passes.
echo '#error not yet' >>"exercises/$a/student.cpp"
if ./lab check "$na" >/dev/null 2>&1; then fail "./lab check $na with #error succeeded"; fi
c=''
for f in "${folders[@]}"; do [[ $f != "$a" && $f != "$b" && -z $(awk -v f="$f" '$1 == f && $2 != "-"' exercises/exercises.txt) ]] && { c=$f; break; }; done
[[ -n $c ]] || fail "no third exercise without a data set to check"
sed -i 's/lab::hole(/no_hole(/' "exercises/$c/student.cpp"
out=$(./lab check "${c:0:2}" 2>&1) || fail "./lab check ${c:0:2} (the stand-in passes) failed ($out)"
[[ $(tail -n 1 <<<"$out") == "hints: 0 of $(grep -c '^## Hint [0-9]' "exercises/$c/hints.md") taken" ]] ||
  fail "./lab check ${c:0:2}, done, ends with '$(tail -n 1 <<<"$out")'"
list=$(./lab check)
echo "$list"
row() { grep "^  $1  " <<<"$list"; }
today=$(date '+%Y-%m-%d')
row "$na" | grep -q "$ta of $ta .*$today .*does not compile$" || fail "the list's row of $na: $(row "$na")"
row "$nb" | grep -q "1 of $tb .*$today .*not done yet$" || fail "the list's row of $nb: $(row "$nb")"
row "${c:0:2}" | grep -q " of .*$today .*done$" || fail "the list's row of ${c:0:2}: $(row "${c:0:2}")"
for f in "${folders[@]}"; do
  [[ $f == "$a" || $f == "$b" || $f == "$c" ]] && continue
  row "${f:0:2}" | grep -q "never .*not started" || fail "the list's row of ${f:0:2}: $(row "${f:0:2}")"
done
grep -q "^1 of ${#folders[@]} done; $((ta + 1)) hint(s) taken" <<<"$list" || fail "the list's summary: $(tail -n 1 <<<"$list")"
touch -d "@$(($(date +%s) + 5))" "exercises/$b/student.cpp"
./lab check | grep "^  $nb  " | grep -q "changed since its last check (not done yet)$" || fail "a student.cpp saved after its check is not 'changed since its last check'"
# The hints taken live in the exercise's folder: a deleted build folder keeps them.
rm -rf build
list=$(./lab check)
row "$na" | grep -q "$ta of $ta .*never " || fail "after rm -rf build, the list's row of $na: $(row "$na")"
row "$nb" | grep -q "1 of $tb .*never " || fail "after rm -rf build, the list's row of $nb: $(row "$nb")"
echo "./lab check: states, hints and times listed; the hints survive a deleted build folder"

# ---- --watch: checks again when student.cpp is saved ----------------------------------------------
./lab check "$nb" --watch >"$scratch/watch.log" 2>&1 &
watcher=$!
runs() { if [[ -f build/runs ]]; then grep -c '^run' build/runs || true; else echo 0; fi; }
for ((t = 0; t < 300 && $(runs) < 1; t++)); do sleep 0.1; done
[[ $(runs) -eq 1 ]] || fail "./lab check $nb --watch did not run the check ($(cat "$scratch/watch.log"))"
for ((t = 0; t < 300; t++)); do grep -q 'Ctrl-C' "$scratch/watch.log" && break; sleep 0.1; done
grep -q "watching exercises/$b/student.cpp.*Ctrl-C" "$scratch/watch.log" || fail "--watch does not say what it watches and how to stop ($(cat "$scratch/watch.log"))"
sleep 1.2
[[ $(runs) -eq 1 ]] || fail "--watch ran the check again with student.cpp unchanged"
echo '// saved again' >>"exercises/$b/student.cpp"
for ((t = 0; t < 300 && $(runs) < 2; t++)); do sleep 0.1; done
[[ $(runs) -eq 2 ]] || fail "--watch did not check again after student.cpp was saved ($(cat "$scratch/watch.log"))"
kill -TERM "$watcher"
wait "$watcher" || true
watcher=''
grep -q "checking again" "$scratch/watch.log" || fail "--watch does not say why it checks again"
echo "./lab check NN --watch: one check, and another after a save"

# ---- handouts: never a hints-used record; --no-hints, no hints.md --------------------------------
./lab handout "$scratch/again" >/dev/null # from a copy that is not a git clone
git init -q . && ./lab handout "$scratch/again-git" >/dev/null
for d in again again-git; do
  [[ -f $scratch/$d/exercises/$a/hints.md ]] || fail "the handout $d has no hints.md"
  [[ -z $(find "$scratch/$d" -name hints-used) ]] || fail "the handout $d holds a hints-used record"
done
./lab handout "$scratch/exam" --no-hints >/dev/null
[[ -z $(find "$scratch/exam" -name hints.md -o -name hints-used) ]] || fail "the --no-hints handout holds hints"
[[ -f $scratch/exam/exercises/$a/README.md ]] || fail "the --no-hints handout has no README.md"
cd "$scratch/exam"
if out=$(./lab hint "$na" 2>&1); then fail "./lab hint in a --no-hints copy succeeded"; fi
grep -q "no hints" <<<"$out" || fail "./lab hint in a --no-hints copy: no clear message ($out)"
out=$(./lab check)
! grep -qi hint <<<"$out" || fail "./lab check in a --no-hints copy speaks of hints ($out)"
echo "./lab handout: no hints-used record copied; --no-hints leaves out every hints.md"
