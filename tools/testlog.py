#!/usr/bin/env python3
"""testlog.py: what meson's test logs say (meson-logs/testlog.json: one JSON object per test).

    testlog.py results LOG [SUITE]
        one line per test (of SUITE only, when given): "SUITE NAME RESULT"
    testlog.py summary TITLE LOG [TITLE LOG ...]
        per log "TITLE: P of N tests pass; not: NAME, ..." and then the one line
        "P passed, F failed" over all of them; exit status 1 when a test failed, a log is
        missing (the set-up or the build failed before any test ran: counted as one failure),
        or a log has no passing test

RESULT is meson's: OK, FAIL, TIMEOUT, SKIP, EXPECTEDFAIL, UNEXPECTEDPASS or ERROR. Used by
`./lab check --all` (results) and by .ci/run (summary).
"""
import json
import sys

PASSED = {"OK", "EXPECTEDFAIL"}
FAILED = {"FAIL", "TIMEOUT", "UNEXPECTEDPASS", "ERROR"}


def read_log(path):
    """The tests of one log as (suite, name, result), the suite without meson's project prefix."""
    tests = []
    with open(path, encoding="utf-8") as log:
        for line in log:
            if not line.strip():
                continue
            t = json.loads(line)
            # "name" is "PROJECT:SUITE / NAME" (meson names a test by its first suite)
            suite, _, name = t["name"].partition(" / ")
            if not name:
                suite, name = "", suite
            tests.append((suite.split(":")[-1], name, t["result"]))
    return tests


def results(path, suite=None):
    for s, name, result in read_log(path):
        if suite is None or s == suite:
            print(s, name, result)
    return 0


def summary(pairs):
    passed = failed = 0
    ok = True
    for title, path in pairs:
        try:
            tests = read_log(path)
        except FileNotFoundError:
            print(f"{title}: no test log ({path}): the set-up or the build failed before any test ran")
            failed += 1
            ok = False
            continue
        p = sum(1 for _, _, r in tests if r in PASSED)
        bad = [name for _, name, r in tests if r in FAILED]
        print(f"{title}: {p} of {p + len(bad)} tests pass" + (f"; not: {', '.join(bad)}" if bad else ""))
        passed += p
        failed += len(bad)
        if p == 0 or bad:
            ok = False
    print(f"{passed} passed, {failed} failed")
    return 0 if ok else 1


def main(argv):
    if len(argv) >= 2 and argv[0] == "results" and len(argv) <= 3:
        return results(argv[1], argv[2] if len(argv) == 3 else None)
    if len(argv) >= 3 and argv[0] == "summary" and len(argv) % 2 == 1:
        return summary(list(zip(argv[1::2], argv[2::2])))
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
