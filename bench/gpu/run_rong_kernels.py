#!/usr/bin/env python3
"""Run Rong's generated GPU kernels: check them against PyTorch and time them.

Input: a kernel folder written by bench/gpu/make_kernels.py (manifest.json
plus one .cubin per kernel). Needs only Python 3, PyTorch with CUDA and the
CUDA driver (libcuda.so.1); no LLVM/MLIR, no cuda-python.

For every kernel in the manifest:
  * builds its inputs with the argument factories of peers.py (same seeds and
    distributions as the peer baselines) and an empty output;
  * loads the cubin with the driver API (cuModuleLoadData, cuModuleGetFunction)
    through ctypes and launches it with cuLaunchKernel on PyTorch's current
    stream, passing the tensors' data_ptr()s in the manifest's argument order
    (the kernels use the bare-pointer convention: one pointer per buffer);
  * checks the output against PyTorch computed in float32 on the same inputs
    and rounded to the kernel's dtype: |out - ref| <= atol + rtol * |ref| with
    atol = rtol = 1e-5 (float32) and 1e-2 (bfloat16);
  * times it like peers.py does (CUDA events around each call, L2 flushed
    before each call, median of --iters calls after --warmup calls), and the
    same op in PyTorch eager and torch.compile;
  * reports effective bandwidth (bytes every input read once + output written
    once, / median time), its ratio to the device copy bandwidth measured in
    the same run, and the speed ratio to torch.compile.

Writes results.json and results.md to --out and prints the table. Exit status
0 when every kernel is within tolerance, 2 otherwise.

Usage (on the GPU machine, from the repository root):
  python3 bench/gpu/run_rong_kernels.py --kernels KERNEL_DIR --out OUT_DIR
"""

import argparse
import ctypes
import datetime
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

# peers.py sits beside this script in the repository; a copy of the script
# run from elsewhere finds it under the current directory's bench/gpu.
for _dir in (os.path.join(os.getcwd(), "bench", "gpu"),
             os.path.dirname(os.path.abspath(__file__))):
    sys.path.insert(0, _dir)
import peers  # noqa: E402  (timing, copy bandwidth, comparison, environment)

SCHEMA = "rong-gpu-kernels/1"
TOLERANCES = {torch.float32: (1e-5, 1e-5), torch.bfloat16: (1e-2, 1e-2)}
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}
MAX_STATIC_SHARED = 48 * 1024
CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8


def silu_add_fn(x, y):
    return x * torch.sigmoid(x) + y


def make_silu_add_args(m, n, dtype, device, gen):
    x = torch.randn(m, n, device=device, dtype=torch.float32, generator=gen)
    y = torch.randn(m, n, device=device, dtype=torch.float32, generator=gen)
    return (x.to(dtype), y.to(dtype))


def column_mean_fn(x):
    return x.mean(dim=0, keepdim=True)


def make_column_mean_args(m, n, dtype, device, gen):
    x = torch.randn(m, n, device=device, dtype=torch.float32, generator=gen)
    return (x.to(dtype),)


WORKLOADS = dict(peers.WORKLOADS)
WORKLOADS["silu_add"] = (silu_add_fn, make_silu_add_args, "x * sigmoid(x) + y")
WORKLOADS["column_mean"] = (column_mean_fn, make_column_mean_args,
                            "x.mean(dim=0, keepdim=True)")


# --------------------------------------------------------------------------
# CUDA driver through ctypes
# --------------------------------------------------------------------------

class Driver:
    def __init__(self):
        self.lib = ctypes.CDLL("libcuda.so.1")
        vp = ctypes.c_void_p
        self.lib.cuGetErrorName.argtypes = [ctypes.c_int,
                                            ctypes.POINTER(ctypes.c_char_p)]
        self.lib.cuCtxGetCurrent.argtypes = [ctypes.POINTER(vp)]
        self.lib.cuModuleLoadData.argtypes = [ctypes.POINTER(vp), ctypes.c_char_p]
        self.lib.cuModuleGetFunction.argtypes = [ctypes.POINTER(vp), vp,
                                                 ctypes.c_char_p]
        self.lib.cuFuncSetAttribute.argtypes = [vp, ctypes.c_int, ctypes.c_int]
        self.lib.cuFuncGetAttribute.argtypes = [ctypes.POINTER(ctypes.c_int),
                                                ctypes.c_int, vp]
        self.lib.cuLaunchKernel.argtypes = [vp] + [ctypes.c_uint] * 7 + [
            vp, ctypes.POINTER(vp), ctypes.POINTER(vp)]
        self.lib.cuModuleUnload.argtypes = [vp]

    def check(self, status, what):
        if status != 0:
            name = ctypes.c_char_p()
            self.lib.cuGetErrorName(status, ctypes.byref(name))
            raise RuntimeError("%s failed: %s (%d)" % (
                what, name.value.decode() if name.value else "?", status))

    def ensure_context(self):
        # PyTorch makes the device's primary context current on first use.
        torch.zeros(1, device="cuda")
        ctx = ctypes.c_void_p()
        self.check(self.lib.cuCtxGetCurrent(ctypes.byref(ctx)), "cuCtxGetCurrent")
        if not ctx.value:
            raise RuntimeError("no current CUDA context after torch init")

    def load(self, image, symbol, shared_bytes):
        module = ctypes.c_void_p()
        self.check(self.lib.cuModuleLoadData(ctypes.byref(module), image),
                   "cuModuleLoadData(%s)" % symbol)
        func = ctypes.c_void_p()
        self.check(self.lib.cuModuleGetFunction(ctypes.byref(func), module,
                                                symbol.encode()),
                   "cuModuleGetFunction(%s)" % symbol)
        if shared_bytes > MAX_STATIC_SHARED:
            self.check(self.lib.cuFuncSetAttribute(
                func, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                shared_bytes), "cuFuncSetAttribute")
        return module, func

    def func_attribute(self, func, attribute):
        value = ctypes.c_int()
        self.check(self.lib.cuFuncGetAttribute(ctypes.byref(value), attribute,
                                               func), "cuFuncGetAttribute")
        return value.value

    def launcher(self, func, grid, block, shared_bytes, tensors):
        """A zero-argument callable launching `func` on the current stream."""
        pointers = [ctypes.c_void_p(t.data_ptr()) for t in tensors]
        params = (ctypes.c_void_p * len(pointers))(
            *[ctypes.cast(ctypes.pointer(p), ctypes.c_void_p) for p in pointers])
        lib = self.lib

        def launch():
            stream = ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)
            status = lib.cuLaunchKernel(func, grid[0], grid[1], grid[2],
                                        block[0], block[1], block[2],
                                        shared_bytes, stream, params, None)
            if status != 0:
                self.check(status, "cuLaunchKernel")

        launch.keepalive = (pointers, params, tensors)
        return launch


# --------------------------------------------------------------------------
# One kernel
# --------------------------------------------------------------------------

def compare(out, ref):
    saved = dict(peers.TOLERANCES)
    peers.TOLERANCES.update(TOLERANCES)
    try:
        return peers.compare(out, ref)
    finally:
        peers.TOLERANCES.clear()
        peers.TOLERANCES.update(saved)


def bench_kernel(driver, kdir, kernel, device, ns, flush, copy_gbps, gen):
    op, m, n, dtype_name = kernel["op"], kernel["m"], kernel["n"], kernel["dtype"]
    dtype = DTYPES[dtype_name]
    fn, make_args, desc = WORKLOADS[op]
    args = make_args(m, n, dtype, device, gen)
    specs = kernel["args"]
    n_in = sum(1 for a in specs if a["name"].startswith("in"))
    for a, spec in zip(args, specs[:n_in]):
        if list(a.shape) != spec["shape"] or str(a.dtype) != "torch." + spec["dtype"]:
            raise RuntimeError("argument mismatch for %s: %s %s vs manifest %s"
                               % (kernel["kernel"], tuple(a.shape), a.dtype, spec))
    outs = [torch.empty(spec["shape"], dtype=DTYPES[spec["dtype"]], device=device)
            for spec in specs[n_in:]]
    entry = {"kernel": kernel["kernel"], "case": kernel.get("case"), "op": op,
             "desc": desc, "rows": m, "cols": n, "dtype": dtype_name,
             "strategy": kernel.get("strategy"), "grid": kernel["grid"],
             "block": kernel["block"], "shared_bytes": kernel["shared_bytes"],
             "error": None}

    with open(os.path.join(kdir, kernel["cubin"]), "rb") as f:
        image = f.read()
    module, func = driver.load(image, kernel["kernel"], kernel["shared_bytes"])
    entry["registers"] = driver.func_attribute(func, 4)  # CU_FUNC_ATTRIBUTE_NUM_REGS
    launch = driver.launcher(func, kernel["grid"], kernel["block"],
                             kernel["shared_bytes"], list(args) + outs)

    # Correctness: PyTorch in float32 on the same inputs, rounded to dtype.
    launch()
    torch.cuda.synchronize()
    ref = fn(*[a.float() for a in args]).to(dtype)
    cmp = compare(outs[0], ref)
    entry.update(cmp)
    entry["check"] = "PASS" if cmp["mismatches"] == 0 else "FAIL"
    nbytes = peers.minimal_bytes(args, outs[0])
    entry["bytes"] = nbytes
    del ref

    def finish(prefix, stats):
        entry[prefix + "_ms"] = stats["median_ms"]
        entry[prefix + "_min_ms"] = stats["min_ms"]
        entry[prefix + "_gbps"] = nbytes / (stats["median_ms"] * 1e-3) / 1e9

    finish("rong", peers.time_fn(launch, device, ns.warmup, ns.iters, flush))
    entry["pct_copy"] = 100.0 * entry["rong_gbps"] / copy_gbps
    # The copy of this case's own size, timed the same way (cold L2): the
    # bandwidth a kernel moving these bytes can reach at best.
    src = args[0]
    dst = torch.empty_like(src)
    stats = peers.time_fn(lambda: dst.copy_(src), device, ns.warmup, ns.iters,
                          flush)
    entry["copy_same_ms"] = stats["median_ms"]
    entry["copy_same_gbps"] = 2 * src.numel() * src.element_size() / (
        stats["median_ms"] * 1e-3) / 1e9
    entry["pct_copy_same"] = 100.0 * entry["rong_gbps"] / entry["copy_same_gbps"]
    del dst
    finish("eager", peers.time_fn(lambda: fn(*args), device, ns.warmup,
                                  ns.iters, flush))
    if not ns.no_compile:
        try:
            from torch import _dynamo  # a plain import would shadow `torch`
            _dynamo.reset()
            cfn = torch.compile(fn, dynamic=False, fullgraph=True)
            t0 = time.perf_counter()
            cfn(*args)
            torch.cuda.synchronize()
            entry["compile_s"] = time.perf_counter() - t0
            finish("compile", peers.time_fn(lambda: cfn(*args), device,
                                            ns.warmup, ns.iters, flush))
            entry["compile_over_rong"] = entry["compile_ms"] / entry["rong_ms"]
        except Exception as exc:
            entry["compile_error"] = "%s: %s" % (type(exc).__name__,
                                                 str(exc).splitlines()[0] if str(exc) else "")
    entry["eager_over_rong"] = entry["eager_ms"] / entry["rong_ms"]
    driver.check(driver.lib.cuModuleUnload(module), "cuModuleUnload")
    del args, outs, launch
    peers.free_memory(device)
    return entry


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

COLUMNS = [
    ("case", "case", "{}"),
    ("strategy", "strategy", "{}"),
    ("block", "block", "{}"),
    ("regs", "registers", "{}"),
    ("rong ms", "rong_ms", "{:.4f}"),
    ("rong GB/s", "rong_gbps", "{:.0f}"),
    ("% copy", "pct_copy", "{:.1f}"),
    ("same-size copy ms", "copy_same_ms", "{:.4f}"),
    ("% same-size copy", "pct_copy_same", "{:.1f}"),
    ("eager ms", "eager_ms", "{:.4f}"),
    ("compile ms", "compile_ms", "{:.4f}"),
    ("compile/rong", "compile_over_rong", "{:.2f}"),
    ("eager/rong", "eager_over_rong", "{:.2f}"),
    ("err/tol", "max_err_over_tol", "{:.2f}"),
    ("check", "check", "{}"),
]


def cells(e):
    out = []
    for _, key, fmt in COLUMNS:
        v = e.get(key)
        if isinstance(v, list):
            v = "x".join(str(x) for x in v)
            fmt = "{}"
        out.append("-" if v is None else fmt.format(v))
    return out


def markdown(results):
    lines = ["# Rong GPU kernels vs PyTorch", "",
             "- date: %s" % results["date"],
             "- device: %s" % results["env"].get("gpu_name", results["env"]),
             "- copy bandwidth: %.0f GB/s (dst.copy_(src), 1 GiB)"
             % results["copy"]["gbps"],
             "- same-size copy: dst.copy_(src) of the case's input, timed "
             "like the kernels (L2 flushed before each call)",
             "- kernels: %s (generator commit %s)"
             % (results["kernel_dir"], results["generator"].get("commit")),
             "- time: median of %d calls after %d warm-up calls, CUDA events, "
             "L2 flushed before each call" % (results["iters"], results["warmup"]),
             "- compile/rong > 1: Rong's kernel is faster than torch.compile", "",
             "| " + " | ".join(h for h, _, _ in COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    for e in results["entries"]:
        lines.append("| " + " | ".join(cells(e)) + " |")
    bad = [e for e in results["entries"] if e.get("check") != "PASS"]
    if bad:
        lines += ["", "Failures:"]
        lines += ["- %s: %s" % (e.get("case") or e.get("kernel"),
                                e.get("error") or "%d mismatches, max |diff| %.3g"
                                % (e.get("mismatches", -1),
                                   e.get("max_abs_diff", float("nan"))))
                  for e in bad]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernels", required=True, help="folder from make_kernels.py")
    ap.add_argument("--out", required=True, help="results folder")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--no-compile", action="store_true", help="skip torch.compile")
    ap.add_argument("--only", nargs="*", help="run only these cases (substring match)")
    ns = ap.parse_args(argv)

    if not torch.cuda.is_available():
        sys.exit("CUDA is not available")
    device = torch.device("cuda")
    with open(os.path.join(ns.kernels, "manifest.json")) as f:
        manifest = json.load(f)
    driver = Driver()
    driver.ensure_context()
    peers.configure_dynamo()

    env = peers.collect_env(device)
    peers.log("device: %s" % torch.cuda.get_device_name())
    copy = peers.measure_copy(device, 1 << 30, ns.warmup, ns.iters)
    peers.log("copy bandwidth: %.0f GB/s" % copy["gbps"])
    flush = torch.empty(peers.L2_FLUSH_BYTES // 4, dtype=torch.float32,
                        device=device)
    gen = torch.Generator(device=device)
    gen.manual_seed(0)

    entries = []
    for kernel in manifest["kernels"]:
        if ns.only and not any(s in kernel["kernel"] for s in ns.only):
            continue
        try:
            entry = bench_kernel(driver, ns.kernels, kernel, device, ns, flush,
                                 copy["gbps"], gen)
        except Exception as exc:
            entry = {"kernel": kernel["kernel"], "case": kernel.get("case"),
                     "check": "ERROR",
                     "error": "%s: %s" % (type(exc).__name__, exc)}
            torch.cuda.synchronize()
        entries.append(entry)
        peers.log(" | ".join(cells(entry)))

    results = {"schema": SCHEMA,
               "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
               "env": env, "copy": copy, "kernel_dir": os.path.abspath(ns.kernels),
               "target": manifest.get("target"),
               "generator": manifest.get("generator", {}),
               "warmup": ns.warmup, "iters": ns.iters, "entries": entries}
    os.makedirs(ns.out, exist_ok=True)
    with open(os.path.join(ns.out, "results.json"), "w") as f:
        json.dump(results, f, indent=2, default=str)
    md = markdown(results)
    with open(os.path.join(ns.out, "results.md"), "w") as f:
        f.write(md)
    print(md)
    return 0 if all(e.get("check") == "PASS" for e in entries) else 2


if __name__ == "__main__":
    sys.exit(main())
