"""A/B of two builds of the same kernels on the CPU: old and new artifacts of
each case, run alternately by `rong-run --benchmark` in fresh processes, so
that a slow spell of the machine falls on both.

Each case is NAME=OLD.rong,NEW.rong,INPUT.npy (the model's inputs, as
`rong-run --input` takes them: one .npy per input, separated by '+').
Every round runs every case, at every thread count, old then new or new
then old (alternating by round). Reported per case and thread count: the
median over rounds of each side's median latency, and old / new (above 1:
the new build is faster).

How to make the two sides: compile the models with `rongc` from the tree
before and after the change (or from one tree with the change switched
off), keeping the .rong files.

OpenBLAS, which the runtime links, starts its pthread workers when it is
loaded, and they spin for about 0.1 s before sleeping (its THREAD_TIMEOUT);
a short benchmark would share the cores with them. The runs here set
OPENBLAS_NUM_THREADS=1, so no worker is started (the runtime calls OpenBLAS
single-threaded from its own pool anyway).

Usage: python3 bench/cpu/ab.py CASE... [--threads 1,2] [--rounds 5]
           [--iterations N] [--warmup N] [--json OUT]
"""

import argparse
import json
import os
import pathlib
import platform
import re
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "python"))

import rong_tools  # noqa: E402

MEDIAN = re.compile(r"median ([0-9.]+) ms")


def run_once(rong_run, artifact, inputs, threads, iterations, warmup):
    cmd = [str(rong_run), artifact, "--threads", str(threads), "--benchmark",
           "--iterations", str(iterations), "--warmup", str(warmup)]
    for path in inputs:
        cmd += ["--input", path]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr}")
    found = MEDIAN.search(out.stdout + out.stderr)
    if not found:
        sys.exit(f"no 'median ... ms' in the output of {' '.join(cmd)}")
    return float(found.group(1))


def parse_case(text):
    name, sep, rest = text.partition("=")
    parts = rest.split(",")
    if not sep or len(parts) != 3:
        sys.exit(f"case '{text}': expected NAME=OLD.rong,NEW.rong,INPUT.npy")
    old, new, inputs = parts
    for path in [old, new] + inputs.split("+"):
        if not pathlib.Path(path).is_file():
            sys.exit(f"case '{name}': no file '{path}'")
    return name, old, new, inputs.split("+")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="+", metavar="NAME=OLD,NEW,INPUT")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--json")
    args = parser.parse_args()

    rong_run = rong_tools.build_dir() / "bin" / "rong-run"
    cases = [parse_case(c) for c in args.cases]
    threads = [int(t) for t in args.threads.split(",")]
    times = {}
    for r in range(args.rounds):
        for name, old, new, inputs in cases:
            for t in threads:
                sides = [("old", old), ("new", new)]
                if r % 2:
                    sides.reverse()
                for side, artifact in sides:
                    ms = run_once(rong_run, artifact, inputs, t,
                                  args.iterations, args.warmup)
                    times.setdefault((name, t, side), []).append(ms)
        print(f"round {r + 1} of {args.rounds} done", file=sys.stderr)

    rows = []
    print("| case | threads | old ms | new ms | old / new |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, *_ in cases:
        for t in threads:
            old = statistics.median(times[(name, t, "old")])
            new = statistics.median(times[(name, t, "new")])
            print(f"| {name} | {t} | {old:.4f} | {new:.4f} | {old / new:.2f} |")
            rows.append({"case": name, "threads": t, "old_ms": old,
                         "new_ms": new, "old_over_new": old / new,
                         "old_rounds": times[(name, t, "old")],
                         "new_rounds": times[(name, t, "new")]})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": platform.processor() or platform.machine(),
                       "cores": os.cpu_count(), "rounds": args.rounds,
                       "iterations": args.iterations, "warmup": args.warmup,
                       "results": rows}, f, indent=1)


if __name__ == "__main__":
    main()
