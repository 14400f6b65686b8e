#!/usr/bin/env python3
"""verdicts.py: the table `./lab verify` prints, from the logs of lecture runs.

Every lecture prints where it ran ("run: seed 1 | OpenBLAS Haswell, 2 threads | build ... |
version ...") and, before its VERDICT line, one line per clause of the verdict:

    CLAUSE PASS same_weights: 0 <= 1e-06 | largest weight difference ... | threshold: ...

    python3 tools/verdicts.py TITLE LOG...

reads the logs and prints, in Markdown, for each lecture and clause: how many runs it passed, the
min / median / max of its measured figure, its threshold, and the runs that failed. A run that
printed no VERDICT (it crashed, or stopped on an error) is listed as such. The exit status is 1
when any clause failed in any run or any run gave no verdict.
"""
import re
import statistics
import sys
from collections import OrderedDict

RUN = re.compile(r"^run: seed (\d+) \| OpenBLAS (\S+), (\d+) threads? \| build (.*) \| version (\S+)$")
CLAUSE = re.compile(r"^CLAUSE (PASS|FAIL) ([^\s:|]+): (\S+) (<=|>=|<|>) (\S+) \| (.*) \| threshold: (.*)$")
VERDICT = re.compile(r"^VERDICT: .* : (HOLDS|FAILS) \(")


def read_log(path):
    """The lecture name (from the file's folder), the run line's fields, the clauses and the verdict."""
    lecture = path.replace("\\", "/").split("/")[-2]
    run, clauses, verdict = None, [], None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = RUN.match(line)
            if m:
                run = {"seed": int(m.group(1)), "core": m.group(2), "threads": int(m.group(3)),
                       "build": m.group(4), "version": m.group(5)}
                continue
            m = CLAUSE.match(line)
            if m:
                clauses.append({"passed": m.group(1) == "PASS", "id": m.group(2), "measured": float(m.group(3)),
                                "op": m.group(4), "threshold": m.group(5), "what": m.group(6),
                                "basis": m.group(7)})
                continue
            m = VERDICT.match(line)
            if m:
                verdict = m.group(1)
    return lecture, run, clauses, verdict


def describe(run):
    if run is None:
        return "(no run line)"
    return f"seed {run['seed']}, {run['core']}, {run['threads']} thr"


def fmt(x):
    return f"{x:.4g}"


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: verdicts.py TITLE LOG...\n")
        return 2
    title, paths = argv[1], argv[2:]
    lectures = OrderedDict()  # lecture -> {"runs": [...], "clauses": OrderedDict(id -> [...])}
    settings = set()
    versions, builds = set(), set()
    for path in sorted(paths):
        lecture, run, clauses, verdict = read_log(path)
        entry = lectures.setdefault(lecture, {"runs": [], "clauses": OrderedDict()})
        entry["runs"].append((run, verdict))
        if run:
            settings.add((run["core"], run["threads"]))
            versions.add(run["version"])
            builds.add(run["build"])
        for c in clauses:
            entry["clauses"].setdefault(c["id"], []).append((run, c))

    bad = False
    out = [f"# {title}", ""]
    out.append("Kernels and threads: " + ", ".join(f"{c} {t} thr" for c, t in sorted(settings)) + ".  ")
    out.append("Version: " + ", ".join(sorted(versions)) + "; build: " + "; ".join(sorted(builds)) + ".")
    out.append("")
    out.append("| lecture | clause | passed | min | median | max | needs | failed in |")
    out.append("|---|---|---|---|---|---|---|---|")
    for lecture, entry in lectures.items():
        runs = entry["runs"]
        no_verdict = [describe(r) for r, v in runs if v is None]
        if no_verdict:
            bad = True
            out.append(f"| {lecture} | (no VERDICT: the run stopped) | {len(runs) - len(no_verdict)} of {len(runs)} "
                       f"| | | | | {'; '.join(no_verdict)} |")
        for cid, items in entry["clauses"].items():
            values = [c["measured"] for _, c in items]
            passed = sum(1 for _, c in items if c["passed"])
            failed = [describe(r) for r, c in items if not c["passed"]]
            bad = bad or bool(failed)
            op, thr = items[0][1]["op"], items[0][1]["threshold"]
            thresholds = {c["threshold"] for _, c in items}
            needs = (f"{op} {thr}" if len(thresholds) == 1 else
                     f"{op} {min(thresholds, key=float)} .. {max(thresholds, key=float)}")
            out.append(f"| {lecture} | {cid} | {passed} of {len(items)} | {fmt(min(values))} | "
                       f"{fmt(statistics.median(values))} | {fmt(max(values))} | {needs} | {'; '.join(failed)} |")
    out.append("")
    out.append("What each clause measures, and where its threshold comes from:")
    out.append("")
    for lecture, entry in lectures.items():
        for cid, items in entry["clauses"].items():
            c = items[0][1]
            out.append(f"- {lecture} `{cid}`: {c['what']}; threshold: {c['basis']}")
    print("\n".join(out))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
