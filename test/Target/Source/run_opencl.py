"""Runs Rong's OpenCL kernels on an OpenCL device (PoCL in CI) against NumPy.

For each target descriptor given (opencl: subgroup 32, maca: 64, musa: 128),
compiles Inputs/exec.mlir with
`rong-gpu-compile --emit=source --target=T --profile=opencl`, runs every
kernel with rong-cl-run on random inputs and compares each output with a
NumPy reference computed in float64 from the same (rounded) inputs. Prints one
line per kernel and target and `PASSED n/n`; exits non-zero on any mismatch.

usage: run_opencl.py BIN_DIR INPUT.mlir WORK_DIR TARGET...
"""

import json
import math
import os
import subprocess
import sys

import numpy as np

BIN, MLIR, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
TARGETS = sys.argv[4:]
RNG = np.random.default_rng(1234)

_erf = np.vectorize(math.erf)


def to_bf16_bits(x):
    u = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return u.astype(np.uint16)


def from_bf16_bits(b):
    return (b.astype(np.uint32) << 16).view(np.float32)


def make_input(arg):
    """Random data for one argument, and its value as float64."""
    shape, dtype = tuple(arg["shape"]), arg["dtype"]
    x = RNG.standard_normal(shape).astype(np.float32) * 2.0
    if dtype == "float32":
        return x, x.astype(np.float64)
    if dtype == "float16":
        h = x.astype(np.float16)
        return h, h.astype(np.float64)
    if dtype == "bfloat16":
        b = to_bf16_bits(x)
        return b, from_bf16_bits(b).astype(np.float64)
    raise ValueError("no input generator for " + dtype)


def as_f64(array, dtype):
    if dtype == "bfloat16":
        return from_bf16_bits(array).astype(np.float64)
    return array.astype(np.float64)


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def normalize(x, eps):
    d = x - x.mean(-1, keepdims=True)
    return d / np.sqrt((d * d).mean(-1, keepdims=True) + eps)


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


REFERENCES = {
    "softmax": lambda x: [softmax(x)],
    "residual_layer_norm": lambda x, h, g, b: [
        x + h, normalize(x + h, 1e-5) * g + b],
    "decomposed": lambda x: [normalize(x, 1e-5)],
    "rms_norm": lambda x, w: [
        x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6) * w],
    "sum_squares": lambda x: [(x * x).sum(axis=(1, 2))],
    "add": lambda x, y: [x + y],
    "bias_gelu": lambda x, b: [gelu(x + b)],
    "sub_row": lambda x, c: [x - c],
    "odd": lambda x: [np.where(x > 0, np.clip(x, -1, 1), 0), x > 0],
    "long_softmax": lambda x: [softmax(x)],
    "long_layer_norm": lambda x, g: [normalize(x, 1e-5) * g],
}

# Tolerances by output dtype: f32 kernels accumulate in f32 in another order
# than NumPy; 16-bit outputs are compared after rounding.
TOLERANCE = {"float32": (2e-5, 1e-4), "float16": (2e-3, 2e-3),
             "bfloat16": (1e-2, 1e-2), "bool": (0, 0)}


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(" ".join(cmd) + "\n" + result.stdout + result.stderr)
    return result.returncode == 0


def main():
    passed = failed = 0
    for target in TARGETS:
        package = os.path.join(WORK, target)
        if not run([os.path.join(BIN, "rong-gpu-compile"), MLIR,
                    "--emit=source", "--target=" + target,
                    "--profile=opencl", "--out-dir", package]):
            return 1
        with open(os.path.join(package, "launch.json")) as f:
            table = json.load(f)
        if len(table["kernels"]) != len(REFERENCES):
            print(f"FAIL {target}: {len(table['kernels'])} kernels, expected "
                  f"{len(REFERENCES)}")
            return 1
        for kernel in table["kernels"]:
            name = kernel["kernel"]
            func = name.rsplit("_fusion_", 1)[0]
            ins = [a for a in kernel["args"] if a["name"].startswith("in")]
            outs = [a for a in kernel["args"] if not a["name"].startswith("in")]
            cmd = [os.path.join(BIN, "rong-cl-run"), "--package", package,
                   "--kernel", name]
            values = []
            for i, arg in enumerate(ins):
                data, value = make_input(arg)
                path = os.path.join(package, f"{name}.in{i}.npy")
                np.save(path, data)
                cmd += ["--input", path]
                values.append(value)
            out_paths = [os.path.join(package, f"{name}.out{i}.npy")
                         for i in range(len(outs))]
            for path in out_paths:
                cmd += ["--output", path]
            ok = run(cmd)
            worst = 0.0
            if ok:
                expected = REFERENCES[func](*values)
                for arg, path, want in zip(outs, out_paths, expected):
                    got = as_f64(np.load(path), arg["dtype"])
                    atol, rtol = TOLERANCE[arg["dtype"]]
                    want = np.asarray(want, np.float64)
                    err = np.abs(got - want) - rtol * np.abs(want)
                    worst = max(worst, float(np.max(np.abs(got - want))))
                    if got.shape != want.shape or np.any(~(err <= atol)):
                        ok = False
            status = "PASS" if ok else "FAIL"
            print(f"{status} {target} (subgroup {table['warp_size']}) {name} "
                  f"[{kernel['strategy']}, block {kernel['block']}] "
                  f"max abs err {worst:.3g}")
            passed += ok
            failed += not ok
    print(f"PASSED {passed}/{passed + failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
