#!/usr/bin/env python3
"""Compile the whole-model GPU checks (bench/gpu/gpu_models.py) to artifacts.

Each model is exported to ONNX in float32 and bfloat16 and compiled with

    rongc MODEL.onnx -o OUT/NAME_DTYPE.rong --target=sm_90

OUT/models.json lists them with what the runner needs (name, dtype, input
shape, weight fingerprint, plan summary). Inputs are not written: the runner
draws them from the same seeded generator, which keeps the folder small
enough to carry to the GPU machine.

Usage: bench/gpu/make_models.py --out bench-models [--target sm_90]
                                [--models main|parts|a,b]
                                [--dtypes float32,bfloat16]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_models  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--target", default="sm_90")
    ap.add_argument("--models", default="main",
                    help="comma-separated model names, or the groups 'main' "
                    "(the default) and 'parts' (gpu_models.MAIN, PARTS)")
    ap.add_argument("--dtypes", default=",".join(DTYPES))
    args = ap.parse_args()

    rongc = os.path.join(args.build, "bin", "rongc")
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    warnings.filterwarnings("ignore")
    entries = []
    groups = {"main": gpu_models.MAIN, "parts": gpu_models.PARTS}
    names = [m for item in args.models.split(",")
             for m in groups.get(item, [item])]
    unknown = [m for m in names if m not in gpu_models.specs()]
    if unknown:
        sys.exit("unknown model(s): %s (known: %s, or main, parts)"
                 % (", ".join(unknown), ", ".join(gpu_models.specs())))
    for name in names:
        for dtype_name in args.dtypes.split(","):
            dtype = DTYPES[dtype_name]
            module = gpu_models.build(name, dtype)
            example = gpu_models.make_input(name, dtype)
            stem = "%s_%s" % (name, dtype_name)
            onnx_path = os.path.join(args.out, stem + ".onnx")
            with torch.no_grad():
                torch.onnx.export(module, (example,), onnx_path, dynamo=True,
                                  opset_version=18, verbose=False)
            artifact = stem + ".rong"
            cmd = [rongc, onnx_path, "-o", os.path.join(args.out, artifact),
                   "--target=" + args.target, "--print-plan"]
            print(" ".join(cmd), flush=True)
            done = subprocess.run(cmd, capture_output=True, text=True)
            for leftover in (onnx_path, onnx_path + ".data"):
                if os.path.exists(leftover):
                    os.remove(leftover)
            if done.returncode:
                sys.exit("rongc failed on %s:\n%s" % (stem, done.stderr))
            plan = done.stdout.splitlines()[0] if done.stdout else ""
            print("  " + plan, flush=True)
            entries.append({
                "name": name, "dtype": dtype_name, "artifact": artifact,
                "input_shape": list(example.shape),
                "fingerprint": gpu_models.fingerprint(module.float()),
                "plan": plan,
            })
    git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True)
    with open(os.path.join(args.out, "models.json"), "w") as f:
        json.dump({"target": args.target, "commit": git.stdout.strip(),
                   "models": entries}, f, indent=1)


if __name__ == "__main__":
    main()
