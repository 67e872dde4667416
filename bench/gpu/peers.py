#!/usr/bin/env python3
"""Peer baselines for Rong's fused GPU kernels.

What this measures
------------------
1. Device copy bandwidth: ``dst.copy_(src)`` on a large buffer (1 GiB on a
   GPU), counting bytes read + bytes written, in GB/s (1 GB = 1e9 bytes).
   This is the practical memory-bandwidth ceiling that the other numbers are
   expressed against.
2. Memory-bound row workloads on an ``M x N`` tensor (M = 16384 on a GPU,
   N in {1024, 4096, 16384}; float32 and bfloat16):
     softmax     softmax over the last dim
     layer_norm  layer_norm over the last dim, with weight and bias
     rms_norm    rms_norm over the last dim, with weight
     ew_chain    y = gelu(x * s + b) * x, s and b are length-N vectors
                 broadcast over the rows
   each in PyTorch eager and in ``torch.compile`` (default mode,
   dynamic=False, fullgraph=True).

How it measures
---------------
* Time per call is *device* time: on CUDA, a pair of CUDA events is recorded
  around every single call, and the median (also min, p10, p90) over the
  timed iterations is reported.  Before every timed call a 256 MiB scratch
  buffer is overwritten so that the L2 cache holds none of the operands
  (cold-cache numbers; the H100 L2 is 50 MB, larger than the smallest bf16
  input).  The scratch write lies outside the event pair.  A spin kernel
  (``torch.cuda._sleep``) is queued ahead of each batch of iterations so the
  host can run ahead of the device; host launch / guard overhead is then not
  part of the device time.  Host overhead is reported separately as
  ``hot_loop_ms``: wall-clock time per call of a back-to-back loop with a
  warm cache, synchronized only at its ends.
* On CPU (smoke test only) every call is timed with ``time.perf_counter``;
  no cache flush is done, so CPU bandwidth figures are not meaningful.
* Effective bandwidth = the minimal bytes that must move (each input read
  once, each output written once, weight / bias vectors included) divided by
  the median time, and also as a percentage of the copy bandwidth of the
  same run (``copy_`` is not a perfect roofline, so a well-tuned kernel can
  land slightly above 100%; the JSON also has the percentage of the nominal
  DRAM peak from the device properties where available).  For compiled rows,
  ``eager/compile`` = eager median / compiled median.
* ``torch.compile`` compiles each workload exactly once per (shape, dtype):
  dynamo is reset before each compilation and the first call (which
  compiles) is timed separately as ``compile_s``.
* Correctness: the compiled output is compared with the eager output,
  elementwise |c - e| <= atol + rtol * |e| (float32: 1e-4 / 1e-4, bfloat16:
  2e-2 / 2e-2).  The max abs difference is recorded; an entry out of
  tolerance is marked FAIL, reported on stderr, and makes the exit status 2.

Output: a table on stdout, and ``results.json`` and ``results.md`` in --out.
Only the standard library and torch are used.
"""

import argparse
import ctypes
import datetime
import gc
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

SCHEMA = "rong-peer-baselines/1"

GPU_ROWS = 16384
CPU_ROWS = 256
ALL_COLS = (1024, 4096, 16384)
QUICK_COLS = (1024,)
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}

# (atol, rtol) for compiled-vs-eager comparisons.
TOLERANCES = {
    torch.float32: (1e-4, 1e-4),
    torch.bfloat16: (2e-2, 2e-2),
    torch.float16: (1e-3, 1e-3),
}

EPS = 1e-5
L2_FLUSH_BYTES = 256 * 1024 * 1024
SLEEP_BATCH = 25            # iterations per queued spin kernel
SLEEP_CYCLES = 20_000_000   # ~10 ms at ~2 GHz: lead for the host


# --------------------------------------------------------------------------
# Workloads
# --------------------------------------------------------------------------

def softmax_fn(x):
    return torch.softmax(x, dim=-1)


def layer_norm_fn(x, w, b):
    return F.layer_norm(x, (x.shape[-1],), w, b, EPS)


if hasattr(F, "rms_norm"):
    RMS_NORM_IMPL = "torch.nn.functional.rms_norm"

    def rms_norm_fn(x, w):
        return F.rms_norm(x, (x.shape[-1],), w, EPS)
else:
    RMS_NORM_IMPL = "x * rsqrt(mean(x^2) + eps) * w"

    def rms_norm_fn(x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * w


def ew_chain_fn(x, s, b):
    return F.gelu(x * s + b) * x


def make_softmax_args(m, n, dtype, device, gen):
    x = torch.randn(m, n, device=device, dtype=torch.float32, generator=gen)
    return (x.to(dtype),)


def make_layer_norm_args(m, n, dtype, device, gen):
    x = torch.randn(m, n, device=device, dtype=torch.float32, generator=gen)
    w = 1.0 + 0.1 * torch.randn(n, device=device, generator=gen)
    b = 0.1 * torch.randn(n, device=device, generator=gen)
    return (x.to(dtype), w.to(dtype), b.to(dtype))


def make_rms_norm_args(m, n, dtype, device, gen):
    x = torch.randn(m, n, device=device, dtype=torch.float32, generator=gen)
    w = 1.0 + 0.1 * torch.randn(n, device=device, generator=gen)
    return (x.to(dtype), w.to(dtype))


def make_ew_chain_args(m, n, dtype, device, gen):
    x = torch.randn(m, n, device=device, dtype=torch.float32, generator=gen)
    s = 1.0 + 0.1 * torch.randn(n, device=device, generator=gen)
    b = 0.1 * torch.randn(n, device=device, generator=gen)
    return (x.to(dtype), s.to(dtype), b.to(dtype))


# name -> (function, argument factory, description)
WORKLOADS = {
    "softmax": (softmax_fn, make_softmax_args, "softmax(x, dim=-1)"),
    "layer_norm": (layer_norm_fn, make_layer_norm_args,
                   "layer_norm(x, (N,), w, b)"),
    "rms_norm": (rms_norm_fn, make_rms_norm_args,
                 "rms_norm(x, (N,), w) via " + RMS_NORM_IMPL),
    "ew_chain": (ew_chain_fn, make_ew_chain_args, "gelu(x * s + b) * x"),
}


def minimal_bytes(args, out):
    """Bytes that must move at least: every input read once, output written once."""
    total = sum(a.numel() * a.element_size() for a in args)
    return total + out.numel() * out.element_size()


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def summarize(times_ms):
    ordered = sorted(times_ms)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]

    return {
        "median_ms": statistics.median(ordered),
        "min_ms": ordered[0],
        "p10_ms": pct(0.10),
        "p90_ms": pct(0.90),
        "iters": len(ordered),
    }


def time_cuda(fn, warmup, iters, flush):
    """Per-call device time via CUDA events, L2 flushed before every call."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    can_sleep = hasattr(torch.cuda, "_sleep")
    for i in range(iters):
        if can_sleep and i % SLEEP_BATCH == 0:
            torch.cuda._sleep(SLEEP_CYCLES)
        if flush is not None:
            flush.zero_()
        starts[i].record()
        fn()
        ends[i].record()
    torch.cuda.synchronize()
    return [s.elapsed_time(e) for s, e in zip(starts, ends)]


def time_cpu(fn, warmup, iters):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def time_fn(fn, device, warmup, iters, flush):
    if device.type == "cuda":
        return summarize(time_cuda(fn, warmup, iters, flush))
    return summarize(time_cpu(fn, warmup, iters))


def hot_loop_ms(fn, device, iters):
    """Wall time per call of a back-to-back loop (includes host overhead)."""
    synchronize(device)
    t0 = time.perf_counter()
    for _ in range(iters):
        fn()
    synchronize(device)
    return (time.perf_counter() - t0) * 1e3 / iters


# --------------------------------------------------------------------------
# Copy bandwidth
# --------------------------------------------------------------------------

def measure_copy(device, nbytes, warmup, iters):
    n = nbytes // 4
    src = torch.empty(n, dtype=torch.float32, device=device).uniform_()
    dst = torch.empty_like(src)
    stats = time_fn(lambda: dst.copy_(src), device, warmup, iters, flush=None)
    if not torch.equal(src, dst):
        raise RuntimeError("copy benchmark produced a wrong result")
    moved = 2 * n * 4
    res = {
        "buffer_bytes": n * 4,
        "bytes_moved": moved,
        **stats,
        "gbps": moved / (stats["median_ms"] * 1e-3) / 1e9,
        "gbps_best": moved / (stats["min_ms"] * 1e-3) / 1e9,
    }
    del src, dst
    free_memory(device)
    return res


# --------------------------------------------------------------------------
# Correctness
# --------------------------------------------------------------------------

def compare(out, ref, chunk_rows=2048):
    """Compare out against ref elementwise; returns dict with max abs diff."""
    atol, rtol = TOLERANCES.get(ref.dtype, (1e-4, 1e-4))
    result = {"atol": atol, "rtol": rtol, "max_abs_diff": 0.0,
              "mismatches": 0, "numel": ref.numel()}
    if out.shape != ref.shape or out.dtype != ref.dtype:
        result["mismatches"] = ref.numel()
        result["max_abs_diff"] = math.inf
        result["note"] = "shape/dtype mismatch: %s %s vs %s %s" % (
            tuple(out.shape), out.dtype, tuple(ref.shape), ref.dtype)
        return result
    o = out.reshape(out.shape[0], -1) if out.dim() > 1 else out.reshape(1, -1)
    r = ref.reshape(ref.shape[0], -1) if ref.dim() > 1 else ref.reshape(1, -1)
    max_abs = 0.0
    max_ratio = 0.0
    bad = 0
    for i in range(0, o.shape[0], chunk_rows):
        a = o[i:i + chunk_rows].float()
        b = r[i:i + chunk_rows].float()
        d = (a - b).abs()
        both_nan = a.isnan() & b.isnan()
        same_inf = torch.isinf(a) & (a == b)
        d = torch.where(both_nan | same_inf, torch.zeros_like(d), d)
        d = torch.nan_to_num(d, nan=math.inf)
        tol = atol + rtol * b.abs()
        bad += int((d > tol).sum().item())
        max_abs = max(max_abs, float(d.max().item()))
        max_ratio = max(max_ratio, float((d / tol).max().item()))
    result["max_abs_diff"] = max_abs
    # Largest |diff| / (atol + rtol * |ref|); <= 1 means within tolerance.
    result["max_err_over_tol"] = max_ratio
    result["mismatches"] = bad
    return result


# --------------------------------------------------------------------------
# Environment
# --------------------------------------------------------------------------

def run_quiet(cmd, timeout=15):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    if p.returncode != 0:
        return None
    return p.stdout.strip()


def cuda_driver_api_version():
    for name in ("libcuda.so.1", "libcuda.so", "nvcuda.dll"):
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        v = ctypes.c_int(0)
        try:
            if lib.cuDriverGetVersion(ctypes.byref(v)) == 0:
                return "%d.%d" % (v.value // 1000, (v.value % 1000) // 10)
        except AttributeError:
            return None
    return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def collect_env(device):
    env = {
        "date_utc": datetime.datetime.now(datetime.timezone.utc)
        .isoformat(timespec="seconds"),
        "hostname": socket.gethostname(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "torch": torch.__version__,
        "torch_cuda": torch.version.cuda,
        "torch_threads": torch.get_num_threads(),
        "device": str(device),
        "rms_norm_impl": RMS_NORM_IMPL,
    }
    try:
        import triton  # noqa: F401 (optional)
        env["triton"] = getattr(triton, "__version__", "unknown")
    except Exception:  # pragma: no cover - depends on the install
        env["triton"] = None
    if device.type == "cuda":
        idx = device.index if device.index is not None else torch.cuda.current_device()
        props = torch.cuda.get_device_properties(idx)
        env["gpu_name"] = props.name
        env["gpu_capability"] = "%d.%d" % (props.major, props.minor)
        env["gpu_memory_bytes"] = props.total_memory
        env["gpu_sm_count"] = props.multi_processor_count
        for attr in ("L2_cache_size", "memory_clock_rate", "memory_bus_width"):
            if hasattr(props, attr):
                env["gpu_" + attr.lower()] = getattr(props, attr)
        clk = getattr(props, "memory_clock_rate", None)   # kHz
        bus = getattr(props, "memory_bus_width", None)    # bits
        if clk and bus:
            # Double data rate: two transfers per clock.
            env["gpu_nominal_peak_gbps"] = 2 * clk * 1e3 * (bus / 8) / 1e9
        env["cuda_driver_api"] = cuda_driver_api_version()
        try:
            env["cudnn"] = torch.backends.cudnn.version()
        except Exception:
            env["cudnn"] = None
        smi = run_quiet(["nvidia-smi",
                         "--query-gpu=index,name,driver_version,memory.total,"
                         "clocks.max.sm,clocks.max.memory,power.limit,pstate",
                         "--format=csv,noheader"])
        env["nvidia_smi"] = smi.splitlines() if smi else None
        env["driver_version"] = None
        if smi:
            fields = [f.strip() for f in smi.splitlines()[0].split(",")]
            if len(fields) > 2:
                env["driver_version"] = fields[2]
        env["cuda_visible_devices"] = os.environ.get("CUDA_VISIBLE_DEVICES")
    return env


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def free_memory(device):
    gc.collect()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.empty_cache()


def configure_dynamo():
    import torch._dynamo
    cfg = torch._dynamo.config
    for name in ("cache_size_limit", "recompile_limit"):
        if hasattr(cfg, name):
            setattr(cfg, name, max(64, getattr(cfg, name)))
    if hasattr(cfg, "accumulated_cache_size_limit"):
        cfg.accumulated_cache_size_limit = max(4096, cfg.accumulated_cache_size_limit)
    if hasattr(cfg, "accumulated_recompile_limit"):
        cfg.accumulated_recompile_limit = max(4096, cfg.accumulated_recompile_limit)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# One (workload, shape, dtype)
# --------------------------------------------------------------------------

def bench_case(name, m, n, dtype_name, device, args_ns, flush, copy_gbps,
               peak_gbps, gen):
    fn, make_args, _ = WORKLOADS[name]
    dtype = DTYPES[dtype_name]
    args = make_args(m, n, dtype, device, gen)
    base = {"workload": name, "rows": m, "cols": n, "dtype": dtype_name}
    entries = []

    def finish(entry, stats, nbytes):
        entry.update(stats)
        entry["bytes"] = nbytes
        entry["gbps"] = nbytes / (stats["median_ms"] * 1e-3) / 1e9
        entry["pct_copy"] = (100.0 * entry["gbps"] / copy_gbps) if copy_gbps else None
        entry["pct_nominal_peak"] = (100.0 * entry["gbps"] / peak_gbps
                                     if peak_gbps else None)

    # Eager.
    eager = dict(base, impl="eager", check="ref", error=None)
    ref = fn(*args)
    synchronize(device)
    nbytes = minimal_bytes(args, ref)
    try:
        finish(eager, time_fn(lambda: fn(*args), device, args_ns.warmup,
                              args_ns.iters, flush), nbytes)
        eager["hot_loop_ms"] = hot_loop_ms(lambda: fn(*args), device, args_ns.iters)
    except Exception as exc:  # keep going; record the failure
        eager.update(check="ERROR", error="%s: %s" % (type(exc).__name__, exc))
    entries.append(eager)

    # torch.compile.
    if not args_ns.no_compile:
        comp = dict(base, impl="compile", error=None)
        try:
            import torch._dynamo
            torch._dynamo.reset()
            cfn = torch.compile(fn, dynamic=False, fullgraph=True)
            synchronize(device)
            t0 = time.perf_counter()
            out = cfn(*args)
            synchronize(device)
            comp["compile_s"] = time.perf_counter() - t0
            cmp = compare(out, ref)
            del out
            comp.update(cmp)
            ok = cmp["mismatches"] == 0
            comp["check"] = "PASS" if ok else "FAIL"
            finish(comp, time_fn(lambda: cfn(*args), device, args_ns.warmup,
                                 args_ns.iters, flush), nbytes)
            comp["hot_loop_ms"] = hot_loop_ms(lambda: cfn(*args), device,
                                              args_ns.iters)
            if "median_ms" in eager:
                comp["eager_over_compile"] = eager["median_ms"] / comp["median_ms"]
            if not ok:
                log("!!! CORRECTNESS FAIL: %s %dx%d %s: %d of %d elements out of "
                    "tolerance (atol=%g rtol=%g), max |diff| = %.3g"
                    % (name, m, n, dtype_name, cmp["mismatches"], cmp["numel"],
                       cmp["atol"], cmp["rtol"], cmp["max_abs_diff"]))
        except Exception as exc:
            comp["check"] = "ERROR"
            comp["error"] = "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0]
                                        if str(exc) else "")
            log("!!! ERROR: torch.compile %s %dx%d %s: %s"
                % (name, m, n, dtype_name, comp["error"]))
        entries.append(comp)

    del args, ref
    free_memory(device)
    return entries


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

COLUMNS = [
    # header, key, format
    ("workload", "workload", "{}"),
    ("shape", None, None),
    ("dtype", "dtype", "{}"),
    ("impl", "impl", "{}"),
    ("median ms", "median_ms", "{:.4f}"),
    ("min ms", "min_ms", "{:.4f}"),
    ("loop ms", "hot_loop_ms", "{:.4f}"),
    ("GB/s", "gbps", "{:.0f}"),
    ("% copy", "pct_copy", "{:.1f}"),
    ("eager/compile", "eager_over_compile", "{:.2f}"),
    ("compile s", "compile_s", "{:.1f}"),
    ("max |diff|", "max_abs_diff", "{:.2e}"),
    ("err/tol", "max_err_over_tol", "{:.2f}"),
    ("check", "check", "{}"),
]


def row_cells(e):
    cells = []
    for header, key, fmt in COLUMNS:
        if key is None:
            cells.append("%dx%d" % (e["rows"], e["cols"]))
            continue
        v = e.get(key)
        cells.append("-" if v is None else fmt.format(v))
    return cells


def text_table(entries):
    headers = [c[0] for c in COLUMNS]
    rows = [row_cells(e) for e in entries]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    left = {"workload", "shape", "dtype", "impl", "check"}

    def fmt(cells):
        out = []
        for i, c in enumerate(cells):
            out.append(c.ljust(widths[i]) if headers[i] in left else c.rjust(widths[i]))
        return "  ".join(out)

    lines = [fmt(headers), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def md_table(entries):
    headers = [c[0] for c in COLUMNS]
    escaped = [h.replace("|", "\\|") for h in headers]
    lines = ["| " + " | ".join(escaped) + " |",
             "|" + "|".join("---" if h in ("workload", "shape", "dtype", "impl", "check")
                            else "---:" for h in headers) + "|"]
    for e in entries:
        lines.append("| " + " | ".join(row_cells(e)) + " |")
    return "\n".join(lines)


def env_lines(env):
    keys = ["date_utc", "hostname", "gpu_name", "driver_version", "cuda_driver_api",
            "torch", "torch_cuda", "triton", "gpu_nominal_peak_gbps", "cpu",
            "torch_threads", "device"]
    out = []
    for k in keys:
        if k in env and env[k] is not None:
            v = env[k]
            if isinstance(v, float):
                v = "%.0f" % v
            out.append("%s: %s" % (k, v))
    return out


def write_markdown(path, results):
    env, copy, cfg = results["env"], results["copy"], results["config"]
    lines = ["# Peer baselines", ""]
    lines += ["- " + l for l in env_lines(env)]
    lines += [
        "- timer: %s; warm-up %d, timed iterations %d, statistic: median"
        % (cfg["timer"], cfg["warmup"], cfg["iters"]),
        "- L2 flush before each timed call: %s" % (
            "%d MiB" % (cfg["l2_flush_bytes"] // 2**20) if cfg["l2_flush_bytes"] else "no"),
        "",
        "Copy bandwidth (`dst.copy_(src)`, %.0f MiB buffer, read + write): "
        "**%.0f GB/s** median (best %.0f GB/s, median %.4f ms)."
        % (copy["buffer_bytes"] / 2**20, copy["gbps"], copy["gbps_best"],
           copy["median_ms"]),
        "",
        "median / min ms: device time per call, cold L2; loop ms: wall time per "
        "call of a back-to-back loop (includes host overhead, warm cache); "
        "GB/s = minimal bytes (inputs read once + output written once) / median "
        "time; % copy = that / copy bandwidth; eager/compile = eager median / "
        "compiled median; err/tol <= 1 passes.",
        "",
        md_table(results["entries"]),
        "",
    ]
    if results["failures"]:
        lines += ["**Failures:**", ""]
        lines += ["- " + f for f in results["failures"]]
        lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Measure PyTorch eager / torch.compile peer baselines "
                    "(copy bandwidth, softmax, layer_norm, rms_norm, "
                    "elementwise chain).")
    p.add_argument("--out", default=".", help="output directory (default: .)")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: only N=1024, fewer iterations")
    p.add_argument("--no-compile", action="store_true",
                   help="skip torch.compile")
    p.add_argument("--device", default="cuda", help="device (default: cuda)")
    p.add_argument("--rows", type=int, default=None,
                   help="rows M (default: 16384 on a GPU, 256 on CPU)")
    p.add_argument("--cols", type=int, nargs="+", default=None,
                   help="columns N (default: 1024 4096 16384; --quick: 1024)")
    p.add_argument("--dtypes", nargs="+", choices=sorted(DTYPES),
                   default=["float32", "bfloat16"])
    p.add_argument("--workloads", nargs="+", choices=list(WORKLOADS),
                   default=list(WORKLOADS))
    p.add_argument("--warmup", type=int, default=None,
                   help="warm-up calls (default 10, --quick 3)")
    p.add_argument("--iters", type=int, default=None,
                   help="timed calls (default 100, --quick 20)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("error: --device %s requested but CUDA is not available "
                 "(torch %s); use --device cpu for a smoke test"
                 % (args.device, torch.__version__))
    if device.type == "cuda" and device.index is not None:
        torch.cuda.set_device(device)
    on_gpu = device.type == "cuda"

    args.warmup = args.warmup if args.warmup is not None else (3 if args.quick else 10)
    args.iters = args.iters if args.iters is not None else (20 if args.quick else 100)
    if args.iters < 1:
        sys.exit("error: --iters must be >= 1")
    rows = args.rows or (GPU_ROWS if on_gpu else CPU_ROWS)
    cols = args.cols or list(QUICK_COLS if args.quick else ALL_COLS)
    if on_gpu:
        copy_bytes = 1 << 30
    else:
        copy_bytes = (64 << 20) if args.quick else (256 << 20)

    if not args.no_compile:
        configure_dynamo()
    os.makedirs(args.out, exist_ok=True)
    t_start = time.perf_counter()
    gen = torch.Generator(device=device)
    gen.manual_seed(0)

    env = collect_env(device)
    log("device: %s  torch %s  triton %s" % (env.get("gpu_name", env["device"]),
                                            env["torch"], env["triton"]))

    copy_iters = max(args.iters, 50) if on_gpu else args.iters
    copy = measure_copy(device, copy_bytes, args.warmup, copy_iters)
    if env.get("gpu_nominal_peak_gbps"):
        copy["pct_nominal_peak"] = 100.0 * copy["gbps"] / env["gpu_nominal_peak_gbps"]
    log("copy bandwidth: %.0f GB/s (median of %d, best %.0f GB/s)"
        % (copy["gbps"], copy["iters"], copy["gbps_best"]))

    flush = (torch.empty(L2_FLUSH_BYTES, dtype=torch.uint8, device=device)
             if on_gpu else None)

    entries = []
    for name in args.workloads:
        for n in cols:
            for dname in args.dtypes:
                t0 = time.perf_counter()
                es = bench_case(name, rows, n, dname, device, args, flush,
                                copy["gbps"], env.get("gpu_nominal_peak_gbps"), gen)
                entries.extend(es)
                summary = "  ".join(
                    "%s %.4f ms %s" % (e["impl"], e.get("median_ms", float("nan")),
                                       e["check"]) for e in es)
                log("[%6.1fs] %-10s %5dx%-5d %-8s %s  (%.1fs)"
                    % (time.perf_counter() - t_start, name, rows, n, dname,
                       summary, time.perf_counter() - t0))

    del flush
    free_memory(device)

    failures = ["%s %dx%d %s %s: %s%s" % (
        e["workload"], e["rows"], e["cols"], e["dtype"], e["impl"], e["check"],
        (" (%s)" % e["error"]) if e.get("error") else
        (" (%d mismatches, max |diff| %.3g)" % (e["mismatches"], e["max_abs_diff"])
         if e.get("mismatches") else ""))
        for e in entries if e["check"] in ("FAIL", "ERROR")]

    results = {
        "schema": SCHEMA,
        "env": env,
        "config": {
            "device": str(device),
            "quick": args.quick,
            "compile": not args.no_compile,
            "compile_options": {"mode": "default", "dynamic": False,
                                "fullgraph": True},
            "rows": rows,
            "cols": cols,
            "dtypes": args.dtypes,
            "workloads": {k: WORKLOADS[k][2] for k in args.workloads},
            "warmup": args.warmup,
            "iters": args.iters,
            "timer": ("cuda events per call" if on_gpu else "time.perf_counter per call"),
            "l2_flush_bytes": L2_FLUSH_BYTES if on_gpu else 0,
            "tolerances": {str(k).replace("torch.", ""): {"atol": v[0], "rtol": v[1]}
                           for k, v in TOLERANCES.items()},
            "gb": 1e9,
        },
        "copy": copy,
        "entries": entries,
        "failures": failures,
        "elapsed_s": time.perf_counter() - t_start,
    }

    json_path = os.path.join(args.out, "results.json")
    md_path = os.path.join(args.out, "results.md")
    with open(json_path, "w") as f:
        json.dump(results, f, indent=2, allow_nan=True)
        f.write("\n")
    write_markdown(md_path, results)

    print()
    for line in env_lines(env):
        print(line)
    print("copy bandwidth: %.0f GB/s median (best %.0f GB/s), %.0f MiB buffer, "
          "read + write" % (copy["gbps"], copy["gbps_best"],
                            copy["buffer_bytes"] / 2**20))
    if not on_gpu:
        print("note: CPU run is a smoke test; bandwidth figures are not meaningful")
    print()
    print(text_table(entries))
    print()
    print("wrote %s and %s (%.1fs)" % (json_path, md_path, results["elapsed_s"]))
    if failures:
        print("\n!!! %d FAILED ENTRIES:" % len(failures))
        for f in failures:
            print("!!!   " + f)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
