#!/usr/bin/env python3
"""The folders stand on each other one way: autograd, then io, then nn, then models, then the
programs (lectures, exercises, playground, tools, tests). A file may include a header of its own
folder or of a folder below it, never above; a library's meson.build compiles only its own
folder's files; and the engine's internals (autograd/detail/) are included only by autograd/
itself and by the tests. Run with the source root; it first proves it can fail on a small tree
with one include of each wrong kind, then checks the project.
"""
import os
import re
import sys
import tempfile

LAYERS = ["autograd", "io", "nn", "models"]  # each stands only on those before it
PROGRAMS = ["lectures", "exercises", "playground", "tools", "tests", "pch"]  # stand on every library
INTERNALS = "autograd/detail/"  # the engine's internals
INTERNAL_READERS = ["autograd", "tests"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
COMPILED = re.compile(r"'([^']+\.cpp)'")


def rank(folder):
    if folder in LAYERS:
        return LAYERS.index(folder)
    if folder in PROGRAMS:
        return len(LAYERS)
    return None


def cpp_files(root):
    for top in LAYERS + PROGRAMS:
        for base, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for f in sorted(files):
                if f.endswith((".cpp", ".hpp", ".in")):
                    yield os.path.relpath(os.path.join(base, f), root)


def resolve(path, included):
    """The included file's path from the root: "x.hpp" and "../x.hpp" are relative to the file."""
    if "/" not in included or included.startswith("."):
        return os.path.normpath(os.path.join(os.path.dirname(path), included))
    return os.path.normpath(included)


def violations(root):
    found = []
    for path in cpp_files(root):
        here = path.split("/")[0]
        with open(os.path.join(root, path), encoding="utf-8") as f:
            text = f.read()
        for m in INCLUDE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            target = resolve(path, m.group(1))
            there = target.split("/")[0]
            if rank(there) is not None and rank(there) > rank(here):
                found.append(f"{path}:{line}: includes {m.group(1)}, but {here}/ stands below {there}/ "
                             f"(the order is {' < '.join(LAYERS)} < the programs)")
            if target.startswith(INTERNALS) and here not in INTERNAL_READERS:
                found.append(f"{path}:{line}: includes {m.group(1)}, one of the engine's internals "
                             f"(only autograd/ and tests/ include {INTERNALS})")
    for folder in LAYERS:
        build = os.path.join(root, folder, "meson.build")
        if not os.path.exists(build):
            continue
        with open(build, encoding="utf-8") as f:
            text = f.read()
        for m in COMPILED.finditer(text):
            if m.group(1).startswith(".."):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{folder}/meson.build:{line}: compiles {m.group(1)}, a file of another folder, "
                             f"into the {folder} library")
    return found


def self_test():
    """The check finds each kind of wrong include, and passes a tree that has none."""
    with tempfile.TemporaryDirectory() as tmp:
        def write(rel, text):
            os.makedirs(os.path.join(tmp, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w", encoding="utf-8") as f:
                f.write(text)
        write("autograd/tensor.hpp", '#include "autograd/detail/heap.hpp"\n')
        write("io/npz.hpp", '#include "autograd/tensor.hpp"\n')
        write("nn/module.hpp", '#include "io/npz.hpp"\n#include "autograd/tensor.hpp"\n')
        write("lectures/a.cpp", '#include "models/vae.hpp"\n#include "lecture.hpp"\n')
        if violations(tmp):
            return [f"self-test: a tree with no wrong include was reported: {violations(tmp)}"]
        write("autograd/inspect.cpp", '#include "io/atomic_file.hpp"\n')
        write("io/checkpoint.hpp", '#include "nn/module.hpp"\n')
        write("nn/data.cpp", '#include "../models/gan.hpp"\n')
        write("lectures/b.cpp", '#include "autograd/detail/op_helpers.hpp"\n')
        write("autograd/meson.build", "files('tensor.cpp', '../io/atomic_file.cpp')\n")
        found = violations(tmp)
        expected = ["autograd/inspect.cpp:1", "io/checkpoint.hpp:1", "nn/data.cpp:1", "lectures/b.cpp:1",
                    "autograd/meson.build:1"]
        missed = [e for e in expected if not any(v.startswith(e) for v in found)]
        if missed or len(found) != len(expected):
            return [f"self-test: expected reports at {expected}, got {found}"]
    return []


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    problems = self_test()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    found = violations(root)
    if found:
        print(f"{len(found)} include(s) against the layers:", file=sys.stderr)
        print("\n".join("  " + v for v in found), file=sys.stderr)
        return 1
    count = sum(1 for _ in cpp_files(root))
    print(f"include layers: {count} files, every include goes down ({' < '.join(LAYERS)} < the programs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
