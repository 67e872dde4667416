#!/usr/bin/env python3
"""Generate Rong's GPU benchmark kernels (PTX + cubin) and their manifest.

Writes, for every case below, one function holding one `rong.fusion` group in
the form fusion formation produces, compiles them all with

    rong-gpu-compile cases.mlir --target=sm_90 --emit=cubin --out-dir OUT

and extends OUT/manifest.json with what the runner needs to build inputs and
the PyTorch reference of each kernel (`op`, `m`, `n`, `dtype`, `eps`).

Cases (M = 16384 rows):
  softmax     rong.softmax over the last axis                N in {1024, 4096, 16384}
  layer_norm  rong.layer_norm with scale and bias, eps 1e-5   N in {1024, 4096, 16384}
  rms_norm    rong.rms_norm with scale, eps 1e-5              N in {1024, 4096, 16384}
  ew_chain    gelu(x * s + b) * x, s and b of shape [N]        N in {1024, 4096, 16384}
  silu_add    x * sigmoid(x) + y                               N = 4096
  column_mean mean over the 16384 rows (a bias gradient's shape; the
              column strategy splits each column among a block's threads)
                                                               N in {1024, 4096, 16384}
  short rows  softmax and layer_norm over M = 262144 rows of N in {64, 128}
              (rows sharing a warp, row.subwarp)
each in float32 and bfloat16. The epsilons and formulas match peers.py.

Usage:
  bench/gpu/make_kernels.py --out bench-kernels/sm_90 [--build build]
                            [--target sm_90] [--quick]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

ROWS = 16384
COLS = (1024, 4096, 16384)
# Short rows: more of them, so that each case moves at least as many bytes as
# N = 1024.
SHORT_ROWS = 262144
SHORT_COLS = (64, 128)
DTYPES = {"float32": "f32", "bfloat16": "bf16"}
EPS = 1e-5


def tensor(shape, elt):
    return "tensor<%sx%s>" % ("x".join(str(d) for d in shape), elt)


def fusion(name, kind, args, result, body):
    """One function `name` whose body is one rong.fusion of `kind`.

    args: list of (ssa name, type); body: lines using the block arguments
    %a0, %a1, ... and ending with the value to yield in %r.
    """
    params = ", ".join("%%%s: %s" % (n, t) for n, t in args)
    operands = ", ".join("%%%s" % n for n, _ in args)
    types = ", ".join(t for _, t in args)
    block = ", ".join("%%a%d: %s" % (i, t) for i, (_, t) in enumerate(args))
    lines = ["func.func @%s(%s) -> %s {" % (name, params, result),
             "  %%group = rong.fusion kind = \"%s\" (%s) : (%s) -> %s {"
             % (kind, operands, types, result),
             "  ^bb0(%s):" % block]
    lines += ["    " + line for line in body]
    lines += ["    rong.yield %%r : %s" % result, "  }",
              "  return %%group : %s" % result, "}"]
    return "\n".join(lines)


def make_case(op, m, n, dtype):
    elt = DTYPES[dtype]
    x = tensor((m, n), elt)
    v = tensor((n,), elt)
    name = "%s_%dx%d_%s" % (op, m, n, dtype)
    if op == "softmax":
        return name, fusion(name, "stitch", [("x", x)], x, [
            "%%r = rong.softmax %%a0 axis = -1 : %s" % x])
    if op == "layer_norm":
        return name, fusion(name, "stitch", [("x", x), ("w", v), ("b", v)], x, [
            "%%r = rong.layer_norm %%a0, %%a1, %%a2 axis = -1 epsilon = %e"
            " : %s, %s, %s" % (EPS, x, v, v)])
    if op == "rms_norm":
        return name, fusion(name, "stitch", [("x", x), ("w", v)], x, [
            "%%r = rong.rms_norm %%a0, %%a1 axis = -1 epsilon = %e : %s, %s"
            % (EPS, x, v)])
    if op == "ew_chain":
        return name, fusion(name, "loop", [("x", x), ("s", v), ("b", v)], x, [
            "%%t0 = rong.mul %%a0, %%a1 : %s, %s" % (x, v),
            "%%t1 = rong.add %%t0, %%a2 : %s, %s" % (x, v),
            "%%t2 = rong.gelu %%t1 : %s" % x,
            "%%r = rong.mul %%t2, %%a0 : %s, %s" % (x, x)])
    if op == "column_mean":
        out = tensor((1, n), elt)
        return name, fusion(name, "reduction", [("x", x)], out, [
            "%%r = rong.reduce_mean %%a0 axes = [0] keepdims : %s" % x])
    if op == "silu_add":
        return name, fusion(name, "loop", [("x", x), ("y", x)], x, [
            "%%t0 = rong.sigmoid %%a0 : %s" % x,
            "%%t1 = rong.mul %%a0, %%t0 : %s, %s" % (x, x),
            "%%r = rong.add %%t1, %%a1 : %s, %s" % (x, x)])
    raise ValueError(op)


def cases(quick):
    cols = (1024,) if quick else COLS
    for op in ("softmax", "layer_norm", "rms_norm", "ew_chain"):
        for n in cols:
            for dtype in DTYPES:
                yield op, ROWS, n, dtype
    for dtype in DTYPES:
        yield "silu_add", ROWS, 4096, dtype
    for n in cols:
        for dtype in DTYPES:
            yield "column_mean", ROWS, n, dtype
    for op in ("softmax", "layer_norm"):
        for n in SHORT_COLS[:1] if quick else SHORT_COLS:
            for dtype in DTYPES:
                yield op, SHORT_ROWS, n, dtype


def main(argv=None):
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--build", default=os.path.join(root, "build"),
                    help="Rong build directory (holds bin/rong-gpu-compile)")
    ap.add_argument("--target", default="sm_90")
    ap.add_argument("--quick", action="store_true",
                    help="N = 1024 only (and N = 64 for short rows)")
    args = ap.parse_args(argv)

    tool = os.path.join(args.build, "bin", "rong-gpu-compile")
    if not os.path.exists(tool):
        sys.exit("rong-gpu-compile not found at %s (build it first)" % tool)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)

    meta = {}
    funcs = []
    for op, m, n, dtype in cases(args.quick):
        name, text = make_case(op, m, n, dtype)
        funcs.append(text)
        meta[name] = {"op": op, "m": m, "n": n, "dtype": dtype, "eps": EPS}
    source = os.path.join(args.out, "cases.mlir")
    with open(source, "w") as f:
        f.write("// Generated by bench/gpu/make_kernels.py\n")
        f.write("\n\n".join(funcs) + "\n")

    cmd = [tool, source, "--target=" + args.target, "--emit=cubin",
           "--out-dir", args.out]
    print(" ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)

    manifest_path = os.path.join(args.out, "manifest.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    suffix = "_fusion_0"
    for kernel in manifest["kernels"]:
        case = kernel["kernel"][:-len(suffix)]
        kernel.update(meta[case])
        kernel["case"] = case
    git = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True)
    manifest["generator"] = {
        "script": "bench/gpu/make_kernels.py",
        "command": " ".join(cmd),
        "commit": git.stdout.strip() or None,
    }
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print("wrote %d kernels to %s" % (len(manifest["kernels"]), args.out))


if __name__ == "__main__":
    main()
