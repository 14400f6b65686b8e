#!/bin/bash
# A lecture stopped at any moment leaves no broken figure, and one given a folder it may not write
# stops with the file named. identity --quick runs once to the end (the "before" run), then N
# times into the same folder, stopped by SIGINT and SIGKILL in turn after a delay drawn from --seed
# between 0 and twice the moment the before run had saved its figures (before, during or after the
# saves: what follows them writes nothing). After each stop, every figure there is a complete PNG
# (its signature first, its IEND chunk last) and byte for byte the before run's (a fixed seed
# draws the same figures); besides them there may be temporaries (.NAME.tmp-PID-N, at most one per
# figure: the lectures catch no signal, so SIGINT ends a save as SIGKILL does), and nothing else.
# A stopped run exits with the signal's status and prints no VERDICT. A last run to the end removes
# the temporaries of the dead runs (io::write_file_atomically) and draws the before run's figures
# again. Then folders of figures made read-only: the run exits with status 2, names the file it
# could not write (the folder's .lock, before anything runs, or where an earlier run left a .lock,
# the first figure) and "Permission denied", prints no VERDICT and changes nothing (as root, which ignores permissions,
# the run is made as the user nobody; where nobody cannot run the program, that part is skipped).
#   usage: test_interrupted_lecture.sh IDENTITY_PROGRAM [--count N] [--seed S]
set -u
program=$1
shift
count=8 seed=1
while [[ $# -gt 0 ]]; do
    case $1 in
        --count) count=$2; shift ;;
        --seed) seed=$2; shift ;;
        *) echo "usage: test_interrupted_lecture.sh IDENTITY_PROGRAM [--count N] [--seed S]"; exit 2 ;;
    esac
    shift
done
status=0
fail() {
    echo "FAIL: $*"
    status=1
}
out=$(mktemp -d) || exit 1
trap 'chmod -R u+w "$out"; rm -rf "$out"' EXIT
dir=$out/run
png_end=0000000049454e44ae426082  # the IEND chunk: length 0, "IEND", its CRC-32

now_ms() { date +%s%3N; }
verdict() { grep -E '^(CLAUSE|VERDICT)' "$1"; }  # a log's verdict, clause by clause

# check_folder WHAT: every figure of the before run is in $dir, complete and the same; any other
# entry is a temporary of one of them, at most one per figure.
check_folder() {
    local what=$1 entry name
    local -A temporaries=()
    for entry in "$dir"/* "$dir"/.*; do
        name=$(basename "$entry")
        # .lock: the folder's lock, which names the run that holds it (lecture::make_out_dir)
        [[ $name == . || $name == .. || $name == .lock || ! -e $entry ]] && continue
        if [[ $name =~ ^\.(.+)\.tmp-[0-9]+-[0-9]+$ && -e $out/before/${BASH_REMATCH[1]} ]]; then
            temporaries[${BASH_REMATCH[1]}]=$((${temporaries[${BASH_REMATCH[1]}]:-0} + 1))
        elif [[ ! -e $out/before/$name ]]; then
            fail "$what: a stray file $name"
        fi
    done
    for name in "${!temporaries[@]}"; do
        [[ ${temporaries[$name]} -le 1 ]] || fail "$what: ${temporaries[$name]} temporaries of $name"
    done
    for entry in "$out"/before/*.png; do
        name=$(basename "$entry")
        if [[ ! -f $dir/$name ]]; then
            fail "$what: $name is gone"
        elif [[ $(head -c 8 "$dir/$name" | od -An -tx1 | tr -d ' \n') != 89504e470d0a1a0a ]]; then
            fail "$what: $name does not start with the PNG signature"
        elif [[ $(tail -c 12 "$dir/$name" | od -An -tx1 | tr -d ' \n') != "$png_end" ]]; then
            fail "$what: $name does not end with the IEND chunk (a partial file)"
        elif ! cmp -s "$entry" "$dir/$name"; then
            fail "$what: $name is a complete PNG, but not the one the same seed drew before"
        fi
    done
}

# ---- a: the before run, and how long a run takes ----
start=$(now_ms)
"$program" --quick --out "$dir" > "$out/before.log" 2>&1 || { fail "the first run exited with $?: $(tail -3 "$out/before.log")"; exit 1; }
length=$(($(now_ms) - start))
grep -q "^VERDICT: .* HOLDS" "$out/before.log" || fail "the first run printed no VERDICT that holds"
mkdir "$out/before" && cp "$dir"/* "$out/before/"
ls "$out"/before/*.png > /dev/null 2>&1 || { fail "the first run wrote no figure into $dir"; exit 1; }
# When the figures were saved, in ms from the start: identity saves them after training, and then
# spends most of its run on the seed study, which writes nothing.
saved=$(($(stat -c '%.3Y' "$dir"/*.png | sort -n | tail -1 | tr -d .) - start))
[[ $saved -gt 0 && $saved -le $length ]] || saved=$length  # a file system without sub-second times

# ---- b: N runs stopped at random, SIGINT and SIGKILL in turn ----
RANDOM=$seed
stopped=(0 0) finished_first=0 at_exit=0 after_a_save=0 left=0
for ((i = 1; i <= count; i++)); do
    signal=$([[ $((i % 2)) -eq 1 ]] && echo INT || echo KILL)
    delay_ms=$((RANDOM % (2 * saved + 1)))  # before, during or after the saves, as often
    inodes=$(stat -c %i "$dir"/*.png)
    # A program started with & in a script ignores SIGINT; the subshell restores its default.
    (trap - INT; exec "$program" --quick --out "$dir") > "$out/run.log" 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -s "$signal" "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null  # without bash's "Killed" line
    code=$?
    what="run $i (SIG$signal after $delay_ms ms)"
    if [[ $code -eq 0 ]]; then
        ((finished_first += 1))  # the run ended before the signal came
        grep -q "^VERDICT: .* HOLDS" "$out/run.log" || fail "$what: exit status 0 without a VERDICT that holds"
    else
        signal_code=$((128 + $(kill -l "$signal")))
        [[ $code -eq $signal_code ]] || fail "$what: exit status $code, not $signal_code: $(tail -3 "$out/run.log")"
        if grep -q "VERDICT" "$out/run.log"; then
            # The signal came as the program exited, its work done: all of it printed and written.
            if ! grep -q "^wrote " "$out/run.log" || ! diff <(verdict "$out/before.log") <(verdict "$out/run.log") > /dev/null; then
                fail "$what: printed a VERDICT although it was stopped: $(tail -3 "$out/run.log")"
            fi
            ((at_exit += 1))
        fi
        if [[ $signal == INT ]]; then ((stopped[0] += 1)); else ((stopped[1] += 1)); fi
        [[ $(stat -c %i "$dir"/*.png) != "$inodes" ]] && ((after_a_save += 1))
    fi
    check_folder "$what"
    [[ -n $(find "$dir" -name '.*.tmp-*') ]] && ((left += 1))
done

# ---- c: a run to the end removes the dead runs' temporaries and draws the same figures ----
true & dead=$!  # a process id that no longer runs: a temporary of a writer killed before its rename
wait "$dead"
figures=("$out"/before/*.png)
name=$(basename "${figures[0]}")
head -c 100 "$out/before/$name" > "$dir/.$name.tmp-$dead-0"
"$program" --quick --out "$dir" > "$out/last.log" 2>&1 || fail "the last run exited with $?: $(tail -3 "$out/last.log")"
grep -q "^VERDICT: .* HOLDS" "$out/last.log" || fail "the last run printed no VERDICT that holds"
[[ -z $(find "$dir" -name '.*.tmp-*') ]] || fail "the last run left temporaries: $(find "$dir" -name '.*.tmp-*')"
check_folder "the last run"
diff <(verdict "$out/before.log") <(verdict "$out/last.log") > /dev/null ||
    fail "the same seed gave another verdict: $(diff <(verdict "$out/before.log") <(verdict "$out/last.log"))"

# ---- d: a read-only folder ----
as=()
[[ $(id -u) -eq 0 ]] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups)  # the user nobody
readonly_note="a read-only folder"
if [[ ${#as[@]} -gt 0 ]] && ! (chmod 755 "$out" && "${as[@]}" "$program" --help > /dev/null 2>&1); then
    readonly_note="a read-only folder: skipped (running as root, and nobody cannot run $program)"
else
    # Two read-only folders: one that no run ever held (no .lock: the run cannot take it, and stops
    # before it computes anything) and one an earlier run held (its .lock is still writable: the
    # run goes on and stops at its first figure).
    for variant in unheld held; do
        ro=$out/readonly-$variant
        cp -a "$out/before" "$ro"
        [[ $variant == held ]] && : > "$ro/.lock"
        cp -a "$ro" "$out/$variant.before"
        # The folder is the user's own, so that its mode alone forbids the write.
        [[ ${#as[@]} -gt 0 ]] && chown -R 65534:65534 "$ro"
        chmod 0555 "$ro"
        "${as[@]}" "$program" --quick --out "$ro" > "$out/ro.log" 2>&1
        code=$?
        figure=$ro/loss.png  # the first figure identity writes
        [[ $code -eq 2 ]] || fail "read-only $variant folder: exit status $code, not 2: $(tail -3 "$out/ro.log")"
        if [[ $variant == unheld ]]; then
            grep -qF "identity: error: cannot take the output folder '$ro' for this run: $ro/.lock: Permission denied" \
                "$out/ro.log" || fail "read-only unheld folder: no error naming $ro/.lock: $(tail -3 "$out/ro.log")"
            ! grep -qE "^---- " "$out/ro.log" || fail "read-only unheld folder: the run went on before it stopped"
        else
            grep -qF "identity: error: $figure: cannot create the file: Permission denied" "$out/ro.log" ||
                fail "read-only held folder: no error naming $figure and 'Permission denied': $(tail -3 "$out/ro.log")"
            grep -qF "$figure was not written; a file of that name is from an earlier run" "$out/ro.log" ||
                fail "read-only held folder: does not say that the $(basename "$figure") there is an earlier run's"
        fi
        ! grep -qE "VERDICT|^wrote " "$out/ro.log" || fail "read-only $variant folder: printed a VERDICT or 'wrote'"
        chmod 0755 "$ro"
        diff -r -x .lock "$out/$variant.before" "$ro" > /dev/null ||
            fail "read-only $variant folder: its figures changed: $(diff -r -x .lock "$out/$variant.before" "$ro")"
    done
    readonly_note="read-only folders: exit 2, '.lock: Permission denied' before anything runs, or (held before) '$(basename "$figure"): cannot create the file: Permission denied'; nothing changed"
    [[ ${#as[@]} -gt 0 ]] && readonly_note+=" (run as nobody)"
fi

[[ $status -eq 0 ]] &&
    echo "interrupted identity $count times (seed $seed, delays 0-$((2 * saved)) ms, figures saved at $saved ms of $length): ${stopped[0]} SIGINT, ${stopped[1]} SIGKILL," \
        "$finished_first finished first, $at_exit stopped as they exited, $after_a_save stopped after a figure was replaced, a temporary beside them after $left;" \
        "no broken or stray file; the last run removed the temporaries and drew the same figures; $readonly_note"
exit $status
