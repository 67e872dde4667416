#!/usr/bin/env python3
"""Run Rong's whole-model GPU artifacts with rong-run and check and time them
against PyTorch on the same GPU (run on the GPU machine).

For every model of ARTIFACTS/models.json (written by make_models.py):

  * rebuilds the PyTorch model (bench/gpu/gpu_models.py) and checks its
    weight fingerprint against the one recorded where it was exported;
  * draws the input from the same seeded generator and runs the artifact
    with `rong-run --device cuda`;
  * reference: PyTorch in float64 on the model's weights (a bfloat16
    model's bfloat16 weights and input, widened). Rong passes when its
    largest error against it is at most twice PyTorch's own in the model's
    dtype (the rule of torch._dynamo's accuracy check against a float64
    reference), plus a floor of max|ref| / 2^8 (bfloat16) or 1e-6 max|ref|
    (float32) for outputs PyTorch computes exactly;
  * times `rong-run --benchmark` (CUDA events around each run on its stream,
    median) and PyTorch eager and torch.compile with the same method, and
    keeps `rong-run --profile`'s per-step medians (`rong_profile`);
  * counts the kernels PyTorch launches per call (profiler) next to Rong's
    plan;
  * with --python-package (the runtime-only Python package the standalone
    runtime build assembles, RONG_RUNTIME_PYTHON=ON): runs the artifact
    again through `rong.load(...)` on PyTorch's tensors on the device (the
    DLPack route, on PyTorch's current stream), checks it the same way,
    reports its largest difference from rong-run's output and times it
    with the same method (`rong_python_ms`, Python's call overhead
    included).

Usage: python3 bench/gpu/run_models.py --artifacts bench-models \
           --rong-run build-rt/bin/rong-run --out DIR [--no-compile] \
           [--python-package build-rt/python_packages]

Smoke test without a GPU (artifacts from make_models.py --target cpu;
PyTorch on the CPU, wall-clock timing, no kernel counts):
       python3 bench/gpu/run_models.py --device cpu ...
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_models  # noqa: E402

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}


def to_numpy(t):
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(np.uint16)
    return t.numpy()


def from_numpy(a, dtype):
    if dtype == torch.bfloat16:
        return torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(a)


def time_events(fn, warmup, iters, device):
    """Median and min of per-call device time (ms), events around each call,
    warm caches: the way rong-run --benchmark times a run."""
    for _ in range(warmup):
        fn()
    if device == "cpu":
        times = []
        for _ in range(iters):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1e3)
        return statistics.median(times), min(times)
    torch.cuda.synchronize()
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(iters):
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times), min(times)


def kernel_count(fn, device):
    if device == "cpu":
        return None
    from torch.profiler import ProfilerActivity, profile
    fn()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    return sum(1 for e in prof.events()
               if e.device_type == torch.autograd.DeviceType.CUDA
               and "memcpy" not in e.name.lower()
               and "memset" not in e.name.lower())


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd),
                                                   done.returncode,
                                                   done.stderr.strip()))
    return done.stdout


def one(entry, ns, tmp):
    name, dtype_name = entry["name"], entry["dtype"]
    dtype = DTYPES[dtype_name]
    out = {"model": name, "dtype": dtype_name, "plan": entry["plan"]}
    module = gpu_models.build(name, dtype)
    fp = gpu_models.fingerprint(module.float())
    out["fingerprint_match"] = all(
        abs(a - b) <= 1e-9 * max(1.0, abs(b))
        for a, b in zip(fp, entry["fingerprint"]))
    x = gpu_models.make_input(name, dtype)

    # Rong.
    xin = os.path.join(tmp, "x.npy")
    yout = os.path.join(tmp, "y.npy")
    np.save(xin, to_numpy(x))
    artifact = os.path.join(ns.artifacts, entry["artifact"])
    dev = ns.device
    run([ns.rong_run, artifact, "--device", dev, "--input", xin,
         "--output", yout])
    y = from_numpy(np.load(yout), dtype).to(dev)
    bench = run([ns.rong_run, artifact, "--device", dev, "--input", xin,
                 "--benchmark", "--warmup", str(ns.warmup), "--iterations",
                 str(ns.iters)])
    m = re.search(r"median ([0-9.]+) ms, min ([0-9.]+) ms", bench)
    out["rong_ms"], out["rong_min_ms"] = float(m.group(1)), float(m.group(2))
    # Where the time goes: each step's median (events between steps).
    profile = run([ns.rong_run, artifact, "--device", dev, "--input", xin,
                   "--profile", "--warmup", str(ns.warmup), "--iterations",
                   str(ns.iters)])
    out["rong_profile"] = [line.rstrip() for line in profile.splitlines()
                           if line.strip()]
    print("\n".join(out["rong_profile"]), flush=True)

    # Reference (float64) and PyTorch in the model's dtype.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    ref_model = gpu_models.build(name, dtype).double().to(dev)
    model = gpu_models.build(name, dtype).to(dev)
    xd = x.to(dev)
    with torch.no_grad():
        ref = ref_model(xd.double())
        mine = model(xd).double()
        # PyTorch's fused encoder fast path (taken in eval mode without
        # grad) computes differently from its modules one by one; the
        # error of the module-by-module path is reported beside it.
        torch.backends.mha.set_fastpath_enabled(False)
        try:
            unfused = model(xd).double()
        finally:
            torch.backends.mha.set_fastpath_enabled(True)
    y = y.double()
    yp = None
    if ns.python_package:
        import rong
        compiled = rong.load(artifact, device=dev)
        with torch.no_grad():
            yp = compiled(xd).double()
        out["python_vs_rong_run_max_diff"] = float((yp - y).abs().max())
    out.update(torch_nofastpath_max_err=float((unfused - ref).abs().max()),
               torch_nofastpath_rmse=float(
                   (unfused - ref).pow(2).mean().sqrt()))
    del unfused
    scale = float(ref.abs().max())
    rong_err = float((y - ref).abs().max())
    torch_err = float((mine - ref).abs().max())
    out.update(max_abs_ref=scale, rong_max_err=rong_err,
               torch_max_err=torch_err,
               rong_rmse=float((y - ref).pow(2).mean().sqrt()),
               torch_rmse=float((mine - ref).pow(2).mean().sqrt()))
    floor = scale * (2.0 ** -8 if dtype == torch.bfloat16 else 1e-6)
    out["criterion"] = "max|rong-ref| <= 2 max|torch-ref| + floor"
    out["err_over_tol"] = rong_err / (2 * torch_err + floor)
    passed = out["err_over_tol"] <= 1
    if yp is not None:
        out["python_err_over_tol"] = (float((yp - ref).abs().max())
                                      / (2 * torch_err + floor))
        passed = passed and out["python_err_over_tol"] <= 1
    out["check"] = "PASS" if passed else "FAIL"
    del ref_model, ref, mine, y, yp

    # Timing: eager and torch.compile, same inputs, same method.
    with torch.no_grad():
        fn = lambda: model(xd)  # noqa: E731
        out["eager_ms"], out["eager_min_ms"] = time_events(fn, ns.warmup,
                                                           ns.iters, dev)
        out["eager_kernels"] = kernel_count(fn, dev)
        if not ns.no_compile:
            torch._dynamo.reset()
            cmodel = torch.compile(model, dynamic=False, fullgraph=False)
            t0 = time.perf_counter()
            cmodel(xd)
            if dev == "cuda":
                torch.cuda.synchronize()
            out["compile_s"] = time.perf_counter() - t0
            cfn = lambda: cmodel(xd)  # noqa: E731
            out["compile_ms"], out["compile_min_ms"] = time_events(
                cfn, ns.warmup, ns.iters, dev)
            out["compile_kernels"] = kernel_count(cfn, dev)
            out["compile_over_rong"] = out["compile_ms"] / out["rong_ms"]
    if ns.python_package:
        out["rong_python_ms"], out["rong_python_min_ms"] = time_events(
            lambda: compiled(xd), ns.warmup, ns.iters, dev)
    out["eager_over_rong"] = out["eager_ms"] / out["rong_ms"]
    return out


COLUMNS = [("model", "model", "{}"), ("dtype", "dtype", "{}"),
           ("Rong plan", "plan", "{}"),
           ("rong ms", "rong_ms", "{:.4f}"),
           ("rong (Python) ms", "rong_python_ms", "{:.4f}"),
           ("eager ms", "eager_ms", "{:.4f}"),
           ("compile ms", "compile_ms", "{:.4f}"),
           ("eager/rong", "eager_over_rong", "{:.2f}"),
           ("compile/rong", "compile_over_rong", "{:.2f}"),
           ("eager kernels", "eager_kernels", "{}"),
           ("compile kernels", "compile_kernels", "{}"),
           ("rong max err", "rong_max_err", "{:.3g}"),
           ("torch max err", "torch_max_err", "{:.3g}"),
           ("torch max err, no fast path", "torch_nofastpath_max_err",
            "{:.3g}"),
           ("err/tol", "err_over_tol", "{:.2f}"),
           ("Python vs rong-run", "python_vs_rong_run_max_diff", "{:.3g}"),
           ("check", "check", "{}")]


def markdown(results):
    lines = ["# Rong whole models on the GPU vs PyTorch", "",
             "- date: %s" % results["date"],
             "- device: %s" % results["device"],
             "- torch %s; artifacts %s (commit %s, target %s)"
             % (results["torch"], results["artifacts"], results["commit"],
                results["target"]),
             "- time: median of %d runs after %d warm-up, CUDA events around "
             "each run, warm caches (Rong: rong-run --benchmark)"
             % (results["iters"], results["warmup"]), "",
             "| " + " | ".join(h for h, _, _ in COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    for e in results["entries"]:
        cells = []
        for _, key, fmt in COLUMNS:
            v = e.get(key)
            cells.append("-" if v is None else fmt.format(v))
        lines.append("| " + " | ".join(cells) + " |")
    for e in results["entries"]:
        if e.get("error"):
            lines.append("- %s %s: %s" % (e["model"], e["dtype"], e["error"]))
        elif not e.get("fingerprint_match"):
            lines.append("- %s %s: weight fingerprint differs from the "
                         "exported model" % (e["model"], e["dtype"]))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("--rong-run", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--python-package", default=None,
                    help="folder holding the rong package to import "
                         "(e.g. build-rt/python_packages)")
    ns = ap.parse_args()
    if ns.python_package:
        sys.path.insert(0, os.path.abspath(ns.python_package))
    with open(os.path.join(ns.artifacts, "models.json")) as f:
        manifest = json.load(f)
    os.makedirs(ns.out, exist_ok=True)
    results = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "device": (torch.cuda.get_device_name(0)
                          if ns.device == "cuda" else "cpu"),
               "torch": torch.__version__, "artifacts": ns.artifacts,
               "commit": manifest.get("commit"), "target": manifest["target"],
               "warmup": ns.warmup, "iters": ns.iters, "entries": []}
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for entry in manifest["models"]:
            tag = "%s_%s" % (entry["name"], entry["dtype"])
            if ns.only and not any(o in tag for o in ns.only):
                continue
            try:
                e = one(entry, ns, tmp)
            except Exception as exc:  # reported, and the run fails
                e = {"model": entry["name"], "dtype": entry["dtype"],
                     "plan": entry["plan"], "check": "ERROR",
                     "error": "%s: %s" % (type(exc).__name__, exc)}
            failed |= e.get("check") != "PASS"
            print(json.dumps(e), flush=True)
            results["entries"].append(e)
            if ns.device == "cuda":
                torch.cuda.empty_cache()
    with open(os.path.join(ns.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    text = markdown(results)
    with open(os.path.join(ns.out, "results.md"), "w") as f:
        f.write(text)
    print(text)
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
