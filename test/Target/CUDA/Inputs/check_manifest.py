"""Prints one line per kernel of a GPU benchmark manifest, after checking that
every file it names exists and every field the runner reads is present."""

import json
import os
import sys

folder = sys.argv[1]
with open(os.path.join(folder, "manifest.json")) as f:
    manifest = json.load(f)
print("arch", manifest["arch"])
for k in manifest["kernels"]:
    for name in ("ptx", "cubin"):
        assert os.path.getsize(os.path.join(folder, k[name])) > 0, k[name]
    args = " ".join("%s:%s:%s" % (a["name"], a["dtype"],
                                  "x".join(map(str, a["shape"])))
                    for a in k["args"])
    print(k["case"], k["op"], k["m"], k["n"], k["dtype"], k["eps"],
          k["kernel"], k["strategy"], k["grid"], k["block"],
          k["shared_bytes"], args)
print("generator", manifest["generator"]["script"])
