"""CPU benchmark: Rong (fused and --no-fusion) against onnxruntime (all
graph optimisations on) and PyTorch eager, in one run, on the same inputs.

Models (test/python/model_zoo.py, "bench" sizes): a BERT-base encoder layer
(hidden 768, 12 heads, FFN 3072, sequence 128, batch 1), ResNet-18 (224x224,
batch 1) and the LayerNorm / softmax / GELU (tanh, spelled out) / RMSNorm
subgraphs on 4096 x 1024 float32. Every Rong output is checked against
onnxruntime before it is timed.

All four peers run in this process, each called from Python on the same
NumPy inputs (Rong through its Python bindings, `rong.Session`), and they
are interleaved: every iteration gives each peer a turn, in a shuffled
order, so a slow spell of the machine falls on all of them alike. A turn
is one untimed run, which absorbs what the previous peer left behind
(threads of onnxruntime's or OpenMP's pool still spinning), then one timed
run. A
peer's latency is the median of its iterations. A ratio is the median of
the per-iteration ratios (peer / Rong fused, same iteration: a paired
comparison, above 1: Rong is faster), and `fused_wins` is the share of
iterations in which fused Rong beat --no-fusion Rong.

Usage: python3 bench/cpu/compare.py [--models a,b] [--iterations N]
           [--warmup N] [--threads N] [--json OUT]
"""

import argparse
import functools
import json
import os
import pathlib
import platform
import random
import statistics
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "python"))

import model_zoo  # noqa: E402
import rong_tools  # noqa: E402

sys.path.insert(0, str(rong_tools.build_dir() / "python_packages"))
import rong  # noqa: E402

MODELS = ["bert_layer", "resnet18", "layernorm", "softmax", "gelu", "rmsnorm",
          "softmax_channels", "bias_grad"]


def aligned(x):
    """A copy of `x` at a 64-byte aligned address. Rong's kernels use
    aligned vector accesses, so Session.run copies a misaligned input
    first; NumPy allocates at 16 bytes."""
    x = np.ascontiguousarray(x)
    raw = np.empty(x.nbytes + 64, dtype=np.uint8)
    offset = (-raw.ctypes.data) % 64
    out = raw[offset:offset + x.nbytes].view(x.dtype).reshape(x.shape)
    out[...] = x
    return out


def interleaved(timers, warmup, iterations, seed=0):
    """Gives every timer one turn per iteration, in a shuffled order; a
    turn is one untimed run (it absorbs what the previous peer left
    behind: its threads still spinning, its data in the caches) and one
    timed run. Returns each timer's latencies in milliseconds, iteration
    by iteration."""
    for fn in timers.values():
        for _ in range(warmup):
            fn()
    rng = random.Random(seed)
    keys = list(timers)
    samples = {key: [0.0] * iterations for key in keys}
    for i in range(iterations):
        rng.shuffle(keys)
        for key in keys:
            timers[key]()
            start = time.perf_counter()
            timers[key]()
            samples[key][i] = (time.perf_counter() - start) * 1e3
    return samples


def paired_ratio(slower, faster):
    return statistics.median(s / f for s, f in zip(slower, faster))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    import onnxruntime as ort
    import torch

    torch.set_num_threads(args.threads)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            path, inputs = model_zoo.export(name, tmp, scale="bench")
            options = ort.SessionOptions()
            options.graph_optimization_level = \
                ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.intra_op_num_threads = args.threads
            session = ort.InferenceSession(path, options,
                                           providers=["CPUExecutionProvider"])
            feeds = {i.name: x for i, x in zip(session.get_inputs(), inputs)}
            want = session.run(None, feeds)

            row = {"model": name}
            timers = {}
            rong_inputs = [aligned(x) for x in inputs]
            for fuse in (True, False):
                key = "rong" if fuse else "rong_unfused"
                artifact = os.path.join(tmp, f"{name}_{key}.rong")
                plan = rong_tools.compile_model(path, artifact, fuse=fuse)
                row[key + "_kernels"], row[key + "_library_calls"] = \
                    rong_tools.plan_counts(plan)
                rong_session = rong.Session(artifact,
                                            num_threads=args.threads)
                got = rong_session.run(rong_inputs)
                row[key + "_max_diff"] = max(
                    float(np.abs(g - w).max()) for g, w in zip(got, want))
                timers[key] = functools.partial(rong_session.run, rong_inputs)
            timers["onnxruntime"] = functools.partial(session.run, None,
                                                      feeds)
            torch.manual_seed(0)
            module, example = model_zoo.models("bench")[name]
            model_zoo.randomize(module)

            def eager(module=module, example=example):
                with torch.no_grad():
                    return module(*example)
            timers["eager"] = eager
            samples = interleaved(timers, args.warmup, args.iterations)
            for key, times in samples.items():
                row[key + "_samples_ms"] = times
                row[key + "_ms"] = statistics.median(times)
            for key in ("rong_unfused", "onnxruntime", "eager"):
                row[key + "_ratio"] = paired_ratio(samples[key],
                                                   samples["rong"])
            row["fused_wins"] = sum(
                u > f for u, f in zip(samples["rong_unfused"],
                                      samples["rong"])) / args.iterations
            rows.append(row)
            print(f"{name}: rong {row['rong_ms']:.3f} ms "
                  f"({row['rong_kernels']} kernels), --no-fusion "
                  f"{row['rong_unfused_ms']:.3f} ms "
                  f"({row['rong_unfused_kernels']} kernels), onnxruntime "
                  f"{row['onnxruntime_ms']:.3f} ms, eager {row['eager_ms']:.3f} ms",
                  flush=True)

    print()
    print("| model | Rong ms | kernels fused / unfused | unfused / fused | "
          "fused wins | onnxruntime / Rong | eager / Rong | max diff vs ORT |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['model']} | {r['rong_ms']:.3f} | {r['rong_kernels']} / "
              f"{r['rong_unfused_kernels']} | "
              f"{r['rong_unfused_ratio']:.2f} | {r['fused_wins']:.0%} | "
              f"{r['onnxruntime_ratio']:.2f} | "
              f"{r['eager_ratio']:.2f} | {r['rong_max_diff']:.2g} |")
    if args.json:
        meta = {"machine": platform.processor() or platform.machine(),
                "cpus": os.cpu_count(), "threads": args.threads,
                "date": time.strftime("%Y-%m-%d"),
                "torch": torch.__version__, "onnxruntime": ort.__version__,
                "warmup": args.warmup, "iterations": args.iterations,
                "method": "interleaved, in process, paired ratios"}
        pathlib.Path(args.json).write_text(json.dumps(
            {"meta": meta, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
