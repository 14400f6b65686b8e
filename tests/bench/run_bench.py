"""The benchmark driver behind `./lab bench`: runs bench.cpp's workloads, and with --vs-pytorch the
same work in PyTorch, and prints the comparison.

    python3 tests/bench/run_bench.py BENCH [--vs-pytorch [--conv-floor CONV_FLOOR]] [--repeats R] [--rounds K]
                                     [WORKLOAD ...]

BENCH is the bench program. Every process, on either side, runs its workload once untimed (the
warm-up), then in windows of R timed runs until the times stop falling (a window's median no more
than 2% below the one before, at most 5 windows), and reports the last window's median (steady
state); dcgan_step warms up on 10 steps and times windows of one run. With --vs-pytorch:
  1. PyTorch at its best: every thread setting of bench_torch.py (OpenMP's and OpenBLAS's
     environment and torch.set_num_threads, each 1 or 2: eight) is tried on every workload, and
     the fastest kept (the settings, their times and whether they settled are printed);
  2. K rounds: in each, every workload runs in our process and in PyTorch's, the side that goes
     first alternating from round to round, and the ratio ours / PyTorch is taken within the round;
     the table gives the median of the K ratios (and each of them), so that a machine whose speed
     drifts between rounds slows both sides of a ratio alike;
  3. the floor: mlp_floor (the MLP epoch's matrix products through OpenBLAS alone) runs in every
     round beside mlp_ae_epoch;
  4. the conv floor (with --conv-floor, the conv_floor program): conv_ae's, upconv_ae's and
     dcgan_step's convolutions alone through oneDNN, with its faster thread count (1 or 2, tried
     first), in every round beside the workload;
  5. the peak memory (maximum resident set) of one mlp_ae_epoch process on each side.
Our side runs with OPENBLAS_NUM_THREADS=2, the machine's two cores.
"""
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TORCH_SCRIPT = os.path.join(HERE, "bench_torch.py")
PYTHON = "/usr/bin/python3"  # Debian's, which has python3-torch
OURS_ENV = dict(os.environ, OPENBLAS_NUM_THREADS="2")
TORCH_SETTINGS = [f"omp{a}-blas{b}-intra{c}" for a in (1, 2) for b in (1, 2) for c in (1, 2)]  # bench_torch.py's
COMPARED = ["mlp_ae_epoch", "vae_epoch", "conv_ae", "upconv_ae", "dcgan_step", "tiny_838"]
TARGETS = {"mlp_ae_epoch": 0.60, "vae_epoch": 0.60, "conv_ae": 0.75, "upconv_ae": 0.80, "dcgan_step": 0.75,
           "tiny_838": 0.06}
FLOOR_TARGET = 1.5   # mlp_ae_epoch / mlp_floor
MEMORY_TARGET = 1.0  # our peak resident set / PyTorch's, mlp_ae_epoch


def run(cmd, env=None):
    """Runs cmd; returns its "bench" lines as {name: (seconds, metric, extra words)}."""
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"run_bench.py: {' '.join(cmd)} failed:\n{out.stderr}")
    results = {}
    for line in out.stdout.splitlines():
        words = line.split()
        if words and words[0] == "bench":
            results[words[1]] = (float(words[2]), float(words[3]), words[4:])
        elif words and words[0] == "scaling":
            print(line, flush=True)
    return results


# Workloads timed in windows of one run whatever --repeats says: a DCGAN's 100 steps take most of
# a minute, and windows of R of them in each of the 8 settings and K rounds would take hours.
SINGLE_RUN = {"dcgan_step"}


def ours(bench, workload, repeats):
    repeats = 1 if workload in SINGLE_RUN else repeats
    return run([bench, workload, "--repeats", str(repeats)], OURS_ENV)


def torch(workload, repeats, setting):
    repeats = 1 if workload in SINGLE_RUN else repeats
    return run([PYTHON, TORCH_SCRIPT, workload, "--repeats", str(repeats), "--threads", setting])


CONV_FLOORS = ("conv_ae", "upconv_ae", "dcgan_step")


def conv_floor(program, workload, repeats, threads):
    repeats = 1 if workload in SINGLE_RUN else repeats
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    return run([program, workload, "--repeats", str(repeats)], env)[workload + "_floor"][0]


def peak_kib(cmd, env=None):
    """The maximum resident set of cmd, in KiB, by GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, env=env, capture_output=True, text=True)
    return int(out.stderr.strip().splitlines()[-1])


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    bench, args = args[0], args[1:]
    vs_pytorch, floor_program, repeats, rounds, workloads = False, None, 3, 3, []
    i = 0
    while i < len(args):
        if args[i] == "--vs-pytorch":
            vs_pytorch = True
            i += 1
        elif args[i] == "--conv-floor" and i + 1 < len(args):
            floor_program = args[i + 1]
            i += 2
        elif args[i] in ("--repeats", "--rounds") and i + 1 < len(args) and args[i + 1].isdigit():
            if args[i] == "--repeats":
                repeats = int(args[i + 1])
            else:
                rounds = int(args[i + 1])
            i += 2
        elif args[i].startswith("-"):
            sys.exit(f"run_bench.py: unknown argument '{args[i]}'")
        else:
            workloads.append(args[i])
            i += 1

    if not vs_pytorch:
        for w in workloads or ["mlp_ae_epoch", "mlp_floor", "tiny_838", "conv_ae", "upconv_ae", "vae_epoch",
                               "dcgan_step", "sgemm", "conv_scaling"]:
            for name, (t, m, extra) in ours(bench, w, repeats).items():
                print(f"bench {name} {t:.4f} {m:.6g} {' '.join(extra)}", flush=True)
        return

    compared = workloads or COMPARED
    # 1. PyTorch's best thread setting for every workload.
    print(f"PyTorch's thread settings (seconds at steady state: the median of the last window of {repeats} runs; "
          "* = did not settle in 5 windows):", flush=True)
    best = {}
    for w in compared:
        times = {}
        for setting in TORCH_SETTINGS:
            t, _, extra = torch(w, repeats, setting)[w]
            times[setting] = t
            settled = "settled" in extra and extra[extra.index("settled") + 1] == "yes"
            print(f"  {w:<14} {setting:<18} {t:.4f}{'' if settled else ' *'}", flush=True)
        best[w] = min(times, key=times.get)
        print(f"  {w:<14} best: {best[w]} ({times[best[w]]:.4f} s)", flush=True)

    # The conv floor's faster thread count, workload by workload.
    floor_threads = {}
    if floor_program:
        print("the conv floor's threads (OMP_NUM_THREADS), seconds:", flush=True)
        for w in compared:
            if w in CONV_FLOORS:
                times = {t: conv_floor(floor_program, w, repeats, t) for t in (1, 2)}
                floor_threads[w] = min(times, key=times.get)
                print(f"  {w:<14} " + "  ".join(f"{t}: {s:.4f}" for t, s in times.items()) +
                      f"   best: {floor_threads[w]}", flush=True)

    # 2. Rounds, the first side alternating; 3. the floors beside the MLP and the conv workloads.
    seconds = {w: {"ours": [], "torch": []} for w in compared}
    metrics = {w: {} for w in compared}
    ratios = {w: [] for w in compared}
    floor_ratios = []
    conv_floor_ratios = {w: [] for w in floor_threads}
    for k in range(rounds):
        for w in compared:
            sides = [("ours", lambda: ours(bench, w, repeats)), ("torch", lambda: torch(w, repeats, best[w]))]
            if k % 2 == 1:
                sides.reverse()
            got = {}
            for side, go in sides:
                t, m, _ = go()[w]
                got[side] = t
                seconds[w][side].append(t)
                metrics[w][side] = m
            ratios[w].append(got["ours"] / got["torch"])
            print(f"round {k + 1}: {w:<14} ours {got['ours']:.4f} s  torch {got['torch']:.4f} s  "
                  f"ratio {ratios[w][-1]:.3f}", flush=True)
            if w in floor_threads:
                floor = conv_floor(floor_program, w, repeats, floor_threads[w])
                conv_floor_ratios[w].append(got["ours"] / floor)
                print(f"round {k + 1}: {w + '_floor':<14} {floor:.4f} s (oneDNN alone)  ours / floor "
                      f"{conv_floor_ratios[w][-1]:.2f}", flush=True)
            if w == "mlp_ae_epoch":
                floor = ours(bench, "mlp_floor", repeats)["mlp_floor"][0]
                floor_ratios.append(got["ours"] / floor)
                print(f"round {k + 1}: mlp_floor      {floor:.4f} s (OpenBLAS alone)  epoch / floor "
                      f"{floor_ratios[-1]:.2f}", flush=True)

    # 5. Peak memory of one MLP epoch process on each side.
    memory = None
    if "mlp_ae_epoch" in compared:
        mine = peak_kib([bench, "mlp_ae_epoch", "--repeats", "1"], OURS_ENV)
        theirs = peak_kib([PYTHON, TORCH_SCRIPT, "mlp_ae_epoch", "--repeats", "1", "--threads", best["mlp_ae_epoch"]])
        memory = (mine, theirs)

    print(f"\nsteady state (the last window of {repeats} runs in a process, once the times stop falling); {rounds} "
          "rounds; ratio = ours / PyTorch, the median of the rounds' ratios (each round's in brackets)\n")
    print(f"{'workload':<14} {'ours (s)':>9} {'torch (s)':>9} {'ratio':>6} {'target':>7} {'met':>4}  "
          f"{'rounds':<20} {'our metric':>11} {'torch metric':>12}  torch threads")
    for w in compared:
        r = statistics.median(ratios[w])
        target = TARGETS.get(w)
        met = "" if target is None else ("yes" if r <= target else "no")
        print(f"{w:<14} {statistics.median(seconds[w]['ours']):9.4f} {statistics.median(seconds[w]['torch']):9.4f} "
              f"{r:6.3f} {'<= ' + str(target) if target else '':>7} {met:>4}  "
              f"{'[' + ' '.join(f'{x:.2f}' for x in ratios[w]) + ']':<20} {metrics[w]['ours']:11.5g} "
              f"{metrics[w]['torch']:12.5g}  {best[w]}")
    if floor_ratios:
        f = statistics.median(floor_ratios)
        print(f"\nmlp_ae_epoch / mlp_floor (OpenBLAS alone): {f:.2f} [{' '.join(f'{x:.2f}' for x in floor_ratios)}] "
              f"(target <= {FLOOR_TARGET}: {'yes' if f <= FLOOR_TARGET else 'no'})")
    for w, fr in conv_floor_ratios.items():
        print(f"{w} / its conv floor (its convolutions alone through oneDNN, {floor_threads[w]} thread(s)): "
              f"{statistics.median(fr):.2f} [{' '.join(f'{x:.2f}' for x in fr)}]")
    if memory:
        mine, theirs = memory
        print(f"peak memory of mlp_ae_epoch: ours {mine / 1024:.0f} MiB, torch {theirs / 1024:.0f} MiB, ratio "
              f"{mine / theirs:.2f} (target <= {MEMORY_TARGET}: {'yes' if mine / theirs <= MEMORY_TARGET else 'no'})")


if __name__ == "__main__":
    main()
