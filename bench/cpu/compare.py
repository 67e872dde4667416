"""CPU benchmark: Rong (fused and --no-fusion) against onnxruntime (all
graph optimisations on) and PyTorch eager, in one run, on the same inputs.

Models (test/python/model_zoo.py, "bench" sizes): a BERT-base encoder layer
(hidden 768, 12 heads, FFN 3072, sequence 128, batch 1), a LLaMA-style
decoder layer (hidden 1024, 8 query and 2 key/value heads of 128, SwiGLU FFN
2816, rotary embeddings, causal attention, sequence 128), ResNet-18 (224x224,
batch 1), a two-level U-Net (256x256, 32 channels), one ConvTranspose2d
(64 -> 32 channels, kernel 4, stride 2, on 112x112) and the LayerNorm /
softmax / GELU (tanh, spelled out) / RMSNorm subgraphs on 4096 x 1024 float32. Every Rong output is checked against
onnxruntime before it is timed.

All four peers run in this process, each called from Python on the same
NumPy inputs (Rong through its Python bindings, `rong.Session`). They are
timed in phases, not run by run: onnxruntime's and OpenMP's worker threads
keep spinning for milliseconds after a call, and a Rong run straight after
an onnxruntime run measured 4.5 ms instead of 2.3 ms (softmax, 2 cores).
Each of --rounds rounds runs three phases in a shuffled order: Rong, fused
and --no-fusion alternating run by run (one runtime, no spinning threads);
onnxruntime; PyTorch eager. A phase first runs untimed for --warmup runs
and at least 0.2 s, then times --iterations runs.

Reported: each peer's latency is the median of all its timed runs. fused /
unfused is the median of the per-pair ratios (adjacent runs, so a slow
spell of the machine falls on both), and `fused_wins` the share of pairs
fused won. onnxruntime / Rong and eager / Rong are the medians over rounds
of the ratio of the phase medians (above 1: Rong is faster).

Usage: python3 bench/cpu/compare.py [--models a,b] [--rounds N]
           [--iterations N] [--warmup N] [--threads N] [--json OUT]
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

MODELS = ["bert_layer", "llama_layer", "resnet18", "unet", "deconv",
          "layernorm", "softmax", "gelu", "rmsnorm", "softmax_channels",
          "bias_grad"]


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


def warm(fns, runs, seconds=0.2):
    """Runs `fns` in turn untimed, `runs` times and for at least `seconds`."""
    start = time.perf_counter()
    done = 0
    while done < runs or time.perf_counter() - start < seconds:
        for fn in fns:
            fn()
        done += 1


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1e3


def phases(timers, rounds, warmup, iterations, seed=0):
    """Times the peers in phases (see the module comment): the two Rong
    artifacts alternate run by run in one phase, every other peer has a
    phase of its own. Returns each timer's latencies in milliseconds, round
    by round."""
    rng = random.Random(seed)
    groups = [["rong", "rong_unfused"], ["onnxruntime"], ["eager"]]
    samples = {key: [[] for _ in range(rounds)] for key in timers}
    for r in range(rounds):
        rng.shuffle(groups)
        for group in groups:
            warm([timers[key] for key in group], warmup)
            for i in range(iterations):
                order = group if i % 2 == 0 else group[::-1]
                for key in order:
                    samples[key][r].append(timed(timers[key]))
    return samples


def paired_ratio(slower, faster):
    return statistics.median(s / f for s, f in zip(slower, faster))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=20)
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
            samples = phases(timers, args.rounds, args.warmup,
                             args.iterations)
            for key, per_round in samples.items():
                row[key + "_samples_ms"] = per_round
                row[key + "_ms"] = statistics.median(
                    t for times in per_round for t in times)
            fused = [t for times in samples["rong"] for t in times]
            unfused = [t for times in samples["rong_unfused"] for t in times]
            row["rong_unfused_ratio"] = paired_ratio(unfused, fused)
            row["fused_wins"] = sum(u > f for u, f in zip(unfused, fused)) \
                / len(fused)
            for key in ("onnxruntime", "eager"):
                row[key + "_ratio"] = statistics.median(
                    statistics.median(peer) / statistics.median(rong)
                    for peer, rong in zip(samples[key], samples["rong"]))
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
                "rounds": args.rounds,
                "method": "phases per round; fused/unfused paired run by run"}
        pathlib.Path(args.json).write_text(json.dumps(
            {"meta": meta, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
