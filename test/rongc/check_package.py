"""Checks a source package written by rongc against itself.

usage: check_package.py DIR KERNELS_FILE ARCH WARP

Every kernel the plan launches is defined in the kernels file and described
in the kernel table with as many arguments, of as many elements; every
buffer index is in range and every size matches its shape; the constants
tile weights.bin at 64-byte-aligned offsets; arena offsets fit the arena.
"""

import json
import os
import re
import sys

import numpy as np

root, kernels_file, arch, warp = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
launch = json.load(open(os.path.join(root, "launch.json")))
source = open(os.path.join(root, kernels_file)).read()
weights = open(os.path.join(root, "weights.bin"), "rb").read()
assert os.path.getsize(os.path.join(root, "model.rong")) > len(weights)

assert launch["arch"] == arch, launch["arch"]
assert launch["warp_size"] == warp, launch["warp_size"]
assert launch["source"] == kernels_file, launch["source"]
assert f"#define RONG_WARP_SIZE {warp}" in source

plan = launch["plan"]
buffers = plan["buffers"]
table = {k["kernel"]: k for k in launch["kernels"]}
calls = 0
for step in plan["steps"]:
    for a in step["args"]:
        assert 0 <= a < len(buffers), step
    if step["kind"] == "launch":
        name = step["kernel"]
        assert re.search(r"\b" + name + r"\(", source), name
        k = table[name]
        assert k["grid"] == step["grid"] and k["block"] == step["block"], name
        assert len(k["args"]) == len(step["args"]), name
        # A kernel may see a buffer reshaped (the plan aliases reshapes),
        # never resized.
        for spec, a in zip(k["args"], step["args"]):
            assert np.prod(spec["shape"]) == np.prod(buffers[a]["shape"]), (
                name, spec, buffers[a])
    else:
        calls += 1
        assert step["function"] in ("gemm", "batched_gemm", "strided_gemm",
                                    "conv2d", "copy")

end = 0
for b in buffers:
    count = int(np.prod(b["shape"])) if b["shape"] else 1
    assert b["bytes"] == count * np.dtype(b["dtype"].replace("f", "float")).itemsize, b
    if b["role"] == "intermediate":
        assert b["arena_offset"] + b["bytes"] <= plan["arena_bytes"], b
    if b["role"] == "constant":
        assert b["weights_offset"] % 64 == 0
        end = max(end, b["weights_offset"] + b["bytes"])
assert end == len(weights), (end, len(weights))
for i in plan["inputs"] + plan["outputs"]:
    assert buffers[i]["role"] in ("input", "output")

print(f"package ok: {len(table)} kernels, {len(plan['steps'])} steps "
      f"({calls} library calls), {len(weights)} bytes of weights")
