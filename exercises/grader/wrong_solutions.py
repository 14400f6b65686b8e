#!/usr/bin/env python3
"""The wrong solutions of the lab exercises, exercises/solutions/NN_topic/wrong_*.cpp, and their
table in docs/labs.md.

A wrong solution is its exercise's solution.cpp with one mistake. It starts with header lines

    // expect-hint: <a distinctive part of the hint the grader must print for it>
    // mistake: <one sentence: what the student did wrong>
    // expect-check: <the title of the check that must fail, exactly as printed after FAIL>
    // expect-env: NAME=VALUE        (optional: the environment it runs in)

(exercises/grader/expect.sh reads them when it runs the wrong solution), or, for one that must
not compile in a student's build, "// expect-compile-error: <the compiler's message>" and
"// mistake: ..." (exercises/grader/expect_compile_error.sh). Below them it is solution.cpp line
for line, except that every line that differs ends with the marker "// MISTAKE" (which may go on
as "// MISTAKE: <why>"), and a line taken out is replaced by a comment line "// MISTAKE: <what is
missing here>". Lines are compared with their runs of spaces made one (clang-format realigns the
trailing comments next to a marker).

    wrong_solutions.py --marks [ROOT]   each wrong solution has its three header lines and differs
                                        from its solution.cpp only on marked lines, and has no
                                        marker on a line that is the reference's
    wrong_solutions.py --check [ROOT]   the table of them in docs/labs.md is the one --write writes
    wrong_solutions.py --write [ROOT]   (re)writes that table from the headers

Each check first proves, on a scratch tree, that it can fail (an unmarked change, a stray marker,
a line taken out with no marker, a missing header; a table out of date). Without
exercises/solutions/ (a student's copy) both checks are skipped (exit code 77). ROOT is the
source root, by default the one this file stands in.
"""
import difflib
import os
import re
import sys
import tempfile

SOLUTIONS = os.path.join("exercises", "solutions")
DOC = os.path.join("docs", "labs.md")
HEADER = re.compile(r"^// (expect-hint|mistake|expect-check|expect-env|expect-compile-error):(.*)$")
REQUIRED = ["expect-hint", "mistake", "expect-check"]  # each exactly once
REQUIRED_COMPILE_ERROR = ["expect-compile-error", "mistake"]  # one that must not compile
MARKED = re.compile(r"\s*// MISTAKE(: .*)?$")  # at the end of a line that differs
STAND_IN = re.compile(r"^\s*// MISTAKE: \S")  # a comment line where lines were taken out
BEGIN = "<!-- wrong solutions: the table below is written by `python3 exercises/grader/wrong_solutions.py --write` -->"
END = "<!-- wrong solutions: end of the written table -->"
WRITE = "python3 exercises/grader/wrong_solutions.py --write"


def wrong_solutions(root):
    """(folder, file name) of every wrong solution, in order."""
    base = os.path.join(root, SOLUTIONS)
    found = []
    for folder in sorted(os.listdir(base)):
        if os.path.isdir(os.path.join(base, folder)):
            for name in sorted(os.listdir(os.path.join(base, folder))):
                if name.startswith("wrong_") and name.endswith(".cpp"):
                    found.append((folder, name))
    return found


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def split_header(lines):
    """The header's fields ({name: [values]}) and the number of header lines."""
    fields = {}
    count = 0
    while count < len(lines):
        m = HEADER.match(lines[count])
        if not m:
            break
        fields.setdefault(m.group(1), []).append(m.group(2).strip())
        count += 1
    return fields, count


def required(fields):
    return REQUIRED_COMPILE_ERROR if "expect-compile-error" in fields else REQUIRED


def header_problems(rel, fields):
    problems = []
    for name in required(fields):
        values = fields.get(name, [])
        if len(values) != 1 or not values[0]:
            how = "no" if not values else ("an empty" if len(values) == 1 else "more than one")
            lines = [", ".join(f"'// {n}: ...'" for n in names) for names in (REQUIRED, REQUIRED_COMPILE_ERROR)]
            problems.append(f"{rel}:1: {how} '// {name}: ...' header line (each wrong solution starts with "
                            f"the lines {lines[0]}, or with {lines[1]})")
    return problems


def key(line):
    """What a line is compared by: its code with the marker taken off and its runs of spaces made one."""
    if STAND_IN.match(line):
        return "\0" + line  # never the same as a line of the reference
    return " ".join(MARKED.sub("", line).split())


def mark_problems(rel, lines, reference):
    """Where the lines after the header differ from the reference without a marker, or carry one
    on a line that is the reference's."""
    fields, first = split_header(lines)
    problems = header_problems(rel, fields)
    body = lines[first:]
    for n, line in enumerate(body, start=first + 1):
        if "MISTAKE" in line and not MARKED.search(line) and not STAND_IN.match(line):
            problems.append(f"{rel}:{n}: a marker that is neither '<code>  // MISTAKE' (or '// MISTAKE: <why>') "
                            f"at the end of a line nor a comment line '// MISTAKE: <what is missing here>'")
    matcher = difflib.SequenceMatcher(None, [key(s) for s in reference], [key(s) for s in body], autojunk=False)
    differs = False
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for j in range(j1, j2):
                if MARKED.search(body[j]):
                    problems.append(f"{rel}:{first + j + 1}: marked '// MISTAKE', but the line is solution.cpp's "
                                    f"line {i1 + j - j1 + 1}")
            continue
        differs = True
        if j1 == j2:
            taken = f"line {i1 + 1}" if i2 == i1 + 1 else f"lines {i1 + 1}-{i2}"
            problems.append(f"{rel}:{first + j1 + 1}: solution.cpp's {taken} taken out with no "
                            f"'// MISTAKE: <what is missing here>' line in their place")
        for j in range(j1, j2):
            if not MARKED.search(body[j]) and not STAND_IN.match(body[j]):
                problems.append(f"{rel}:{first + j + 1}: differs from solution.cpp (lines {i1 + 1}-{i2} there) "
                                f"but has no '// MISTAKE' marker: '{body[j].strip()}'")
    if not differs:
        problems.append(f"{rel}:{first + 1}: the same as solution.cpp: no mistake")
    return problems


def check_marks(root):
    problems = []
    for folder, name in wrong_solutions(root):
        rel = os.path.join(SOLUTIONS, folder, name)
        reference = os.path.join(root, SOLUTIONS, folder, "solution.cpp")
        if not os.path.exists(reference):
            problems.append(f"{rel}:1: no solution.cpp beside it to compare with")
            continue
        problems += mark_problems(rel, read_lines(os.path.join(root, rel)), read_lines(reference))
    return problems


# ---- the table in docs/labs.md -------------------------------------------------------------
def cell(text):
    return text.replace("|", "\\|")


def code(text):
    return "`" + cell(text) + "`" if "`" not in text else "``" + cell(text) + "``"


def table(root):
    """The table's lines: one table per exercise, a row per wrong solution, from the headers."""
    out = []
    last = None
    for folder, name in wrong_solutions(root):
        fields, _ = split_header(read_lines(os.path.join(root, SOLUTIONS, folder, name)))
        if folder != last:
            if last is not None:
                out.append("")
            out += [f"**{folder}**", "",
                    "| wrong solution | the mistake | the check that fails first "
                    "| the hint (or compiler message) it must print |",
                    "|---|---|---|---|"]
            last = folder
        one = {k: " ".join(fields.get(k, ["(missing)"])) for k in required(fields)}
        if "expect-compile-error" in fields:
            caught, hint = "does not compile in a student's build", one["expect-compile-error"]
        else:
            caught, hint = cell(one["expect-check"]), one["expect-hint"]
        env = "".join(f" (with `{cell(e)}`)" for e in fields.get("expect-env", []))
        out.append(f"| `{name[:-4]}` | {cell(one['mistake'])} | {caught}{env} | {code(hint)} |")
    return out


def doc_parts(root):
    """docs/labs.md as (the lines before the table, the table, the lines after), or a problem."""
    lines = read_lines(os.path.join(root, DOC))
    if lines.count(BEGIN) != 1 or lines.count(END) != 1 or lines.index(BEGIN) > lines.index(END):
        return None, f"{DOC}: needs the two lines\n  {BEGIN}\n  {END}\nonce each, in that order, where the table goes"
    b, e = lines.index(BEGIN), lines.index(END)
    return (lines[:b + 1], lines[b + 1:e], lines[e:]), None


def check_table(root):
    parts, problem = doc_parts(root)
    if problem:
        return [problem]
    want = [""] + table(root) + [""]
    if parts[1] == want:
        return []
    diff = difflib.unified_diff(parts[1], want, f"{DOC} (as it is)", f"{DOC} (from the headers)", lineterm="", n=1)
    return [f"{DOC}: the table of wrong solutions is out of date; rewrite it with: {WRITE}", *list(diff)[:40]]


def write_table(root):
    parts, problem = doc_parts(root)
    if problem:
        return [problem]
    with open(os.path.join(root, DOC), "w", encoding="utf-8") as f:
        f.write("\n".join(parts[0] + [""] + table(root) + [""] + parts[2]))
    return []


# ---- proof that the checks can fail --------------------------------------------------------
REFERENCE = """// The reference solution of exercise 99.
int twice(int x) {
    // doubles
    int y = 2 * x;
    return y;
}
"""
GOOD = """// expect-hint: twice x
// mistake: adds 1.
// expect-check: twice(3) is 6
// The reference solution of exercise 99.
int twice(int x) {
    // MISTAKE: the comment is gone
    int y = 2 * x;
    return y + 1;  // MISTAKE
}
"""
COMPILE_ERROR = """// expect-compile-error: twice is the library's
// mistake: calls the library.
// The reference solution of exercise 99.
int twice(int x) {
    // doubles
    int y = lib::twice(x);  // MISTAKE: not by hand
    return y;
}
"""


def self_test():
    """The checks find each kind of problem on a scratch tree, and pass one that has none."""
    with tempfile.TemporaryDirectory() as tmp:
        def write(rel, text):
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w", encoding="utf-8") as f:
                f.write(text)
        folder = os.path.join(SOLUTIONS, "99_twice")
        write(os.path.join(folder, "solution.cpp"), REFERENCE)
        write(os.path.join(folder, "wrong_good.cpp"), GOOD)
        write(os.path.join(folder, "wrong_good_compile_error.cpp"), COMPILE_ERROR)
        write(DOC, f"# Labs\n\n{BEGIN}\n{END}\n\nmore\n")
        if check_marks(tmp) or write_table(tmp) or check_table(tmp):
            return [f"self-test: a tree with no problem was reported: {check_marks(tmp) + check_table(tmp)}"]
        written = read_lines(os.path.join(tmp, DOC))
        if not any("twice x" in line and "adds 1." in line for line in written) or \
                not any("the library's" in line and "calls the library." in line for line in written):
            return [f"self-test: the written table lacks a row for a wrong solution: {written}"]
        write(os.path.join(folder, "wrong_unmarked.cpp"), GOOD.replace("y + 1;  // MISTAKE", "y + 1;"))
        write(os.path.join(folder, "wrong_stray.cpp"), GOOD.replace("int x) {", "int x) {  // MISTAKE"))
        write(os.path.join(folder, "wrong_no_header.cpp"), GOOD.replace("// mistake: adds 1.\n", ""))
        write(os.path.join(folder, "wrong_taken_out.cpp"), GOOD.replace("    // MISTAKE: the comment is gone\n", ""))
        write(os.path.join(folder, "wrong_no_mistake_line.cpp"),
              COMPILE_ERROR.replace("// mistake: calls the library.\n", ""))
        found = check_marks(tmp)
        expected = [f"{folder}/wrong_no_header.cpp:1", f"{folder}/wrong_no_mistake_line.cpp:1",
                    f"{folder}/wrong_stray.cpp:5", f"{folder}/wrong_taken_out.cpp:6", f"{folder}/wrong_unmarked.cpp:8"]
        missed = [e for e in expected if not any(p.startswith(e + ":") for p in found)]
        if missed or len(found) != len(expected):
            return [f"self-test: expected reports at {expected}, got {found}"]
        if not check_table(tmp):
            return ["self-test: the table lacks five new wrong solutions, but --check found it up to date"]
    return []


def main():
    args = sys.argv[1:]
    if not args or args[0] not in ("--marks", "--check", "--write") or len(args) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    mode = args[0]
    root = args[1] if len(args) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    if not os.path.isdir(os.path.join(root, SOLUTIONS)):
        print(f"wrong_solutions: no {SOLUTIONS}/ in {root} (a student's copy): nothing to check")
        return 77
    problems = self_test() if mode != "--write" else []
    if not problems:
        problems = {"--marks": check_marks, "--check": check_table, "--write": write_table}[mode](root)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    count = len(wrong_solutions(root))
    print({"--marks": f"wrong solutions: all {count} differ from their solution.cpp only on lines marked MISTAKE",
           "--check": f"wrong solutions: the table in {DOC} is up to date ({count} wrong solutions)",
           "--write": f"wrong solutions: wrote the table of {count} wrong solutions in {DOC}"}[mode])
    return 0


if __name__ == "__main__":
    sys.exit(main())
