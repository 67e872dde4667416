"""CPU benchmark: Rong (fused and --no-fusion) against onnxruntime (all
graph optimisations on) and PyTorch eager, in one run, on the same inputs.

Models (test/python/model_zoo.py, "bench" sizes): a BERT-base encoder layer
(hidden 768, 12 heads, FFN 3072, sequence 128, batch 1), ResNet-18 (224x224,
batch 1) and the LayerNorm / softmax / GELU (tanh, spelled out) / RMSNorm
subgraphs on 4096 x 1024 float32. Every Rong output is checked against
onnxruntime before it is timed. The four peers take turns for --rounds
rounds; in each, a peer's latency is the median of --iterations runs after
--warmup, and its reported latency is the median of its round medians (the
JSON keeps every round). Ratios are peer latency / Rong latency (above 1:
Rong is faster).

Usage: python3 bench/cpu/compare.py [--models a,b] [--iterations N]
           [--rounds N] [--threads N] [--json OUT]
"""

import argparse
import functools
import json
import os
import pathlib
import platform
import statistics
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "python"))

import model_zoo  # noqa: E402
import rong_tools  # noqa: E402

MODELS = ["bert_layer", "resnet18", "layernorm", "softmax", "gelu", "rmsnorm",
          "softmax_channels", "bias_grad"]


def median_ms(fn, warmup, iterations):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
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
            for fuse in (True, False):
                key = "rong" if fuse else "rong_unfused"
                artifact = os.path.join(tmp, f"{name}_{key}.rong")
                plan = rong_tools.compile_model(path, artifact, fuse=fuse)
                row[key + "_kernels"], row[key + "_library_calls"] = \
                    rong_tools.plan_counts(plan)
                got = rong_tools.run_artifact(artifact, inputs, len(want),
                                              threads=args.threads)
                row[key + "_max_diff"] = max(
                    float(np.abs(g - w).max()) for g, w in zip(got, want))
                timers[key] = functools.partial(
                    rong_tools.benchmark_artifact, artifact, inputs,
                    args.warmup, args.iterations)
            timers["onnxruntime"] = lambda: median_ms(
                lambda: session.run(None, feeds), args.warmup, args.iterations)
            torch.manual_seed(0)
            module, example = model_zoo.models("bench")[name]
            model_zoo.randomize(module)

            def eager():
                with torch.no_grad():
                    return median_ms(lambda: module(*example), args.warmup,
                                     args.iterations)
            timers["eager"] = eager
            # The peers take turns, round after round, so that a slow spell
            # of the machine falls on all of them; each peer's latency is the
            # median of its round medians.
            for key in timers:
                row[key + "_rounds_ms"] = []
            for _ in range(args.rounds):
                for key, timer in timers.items():
                    row[key + "_rounds_ms"].append(timer())
            for key in timers:
                row[key + "_ms"] = statistics.median(row[key + "_rounds_ms"])
            rows.append(row)
            print(f"{name}: rong {row['rong_ms']:.3f} ms "
                  f"({row['rong_kernels']} kernels), --no-fusion "
                  f"{row['rong_unfused_ms']:.3f} ms "
                  f"({row['rong_unfused_kernels']} kernels), onnxruntime "
                  f"{row['onnxruntime_ms']:.3f} ms, eager {row['eager_ms']:.3f} ms",
                  flush=True)

    print()
    print("| model | Rong ms | kernels fused / unfused | unfused / fused | "
          "onnxruntime / Rong | eager / Rong | max diff vs ORT |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['model']} | {r['rong_ms']:.3f} | {r['rong_kernels']} / "
              f"{r['rong_unfused_kernels']} | "
              f"{r['rong_unfused_ms'] / r['rong_ms']:.2f} | "
              f"{r['onnxruntime_ms'] / r['rong_ms']:.2f} | "
              f"{r['eager_ms'] / r['rong_ms']:.2f} | {r['rong_max_diff']:.2g} |")
    if args.json:
        meta = {"machine": platform.processor() or platform.machine(),
                "cpus": os.cpu_count(), "threads": args.threads,
                "date": time.strftime("%Y-%m-%d"),
                "torch": torch.__version__, "onnxruntime": ort.__version__,
                "warmup": args.warmup, "iterations": args.iterations,
                "rounds": args.rounds}
        pathlib.Path(args.json).write_text(json.dumps(
            {"meta": meta, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
