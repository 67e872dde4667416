#!/usr/bin/env python3
"""Check rong.Session and rong.load on PyTorch's CUDA tensors (run on the GPU
machine, with the runtime-only package the standalone runtime build
assembles: build-rt/python_packages).

For one float32 artifact of ARTIFACTS/models.json (make_models.py), against
the artifact's own output through rong-run and against PyTorch:

  * run_into on the session's own stream (stream=None: returns when done),
    on PyTorch's default stream (handle 0), on a side stream given as a
    torch.cuda.Stream, and through rong.load's callable (PyTorch's current
    stream), each bit-identical to the others;
  * ordering: an input PyTorch is still computing on its current stream
    when the call is made is what Rong reads on the session's own stream
    (DLPack's stream handshake);
  * the errors a caller can provoke: host tensors to a cuda session, NumPy
    to run(), benchmark(), an input that does not start at an aligned
    address, a tensor on a GPU the session is not on (when there are two).

Usage: python3 bench/gpu/check_python_session.py --artifacts bench-models \
           --python-package build-rt/python_packages --out DIR
"""

import argparse
import json
import os
import sys
import traceback

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_models  # noqa: E402


def expect_error(kind, fragment, fn):
    try:
        fn()
    except kind as err:
        if fragment not in str(err):
            raise AssertionError(f"expected '{fragment}' in: {err}") from err
        return str(err)
    raise AssertionError(f"expected {kind.__name__} containing '{fragment}'")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("--python-package", required=True)
    ap.add_argument("--out", required=True)
    ns = ap.parse_args()
    sys.path.insert(0, os.path.abspath(ns.python_package))
    import rong

    with open(os.path.join(ns.artifacts, "models.json")) as f:
        manifest = json.load(f)
    entry = next(e for e in manifest["models"] if e["dtype"] == "float32")
    path = os.path.join(ns.artifacts, entry["artifact"])
    results = {"model": entry["name"], "artifact": entry["artifact"],
               "device": torch.cuda.get_device_name(0),
               "torch": torch.__version__, "checks": {}}
    checks = results["checks"]

    def check(name, fn):
        try:
            checks[name] = {"ok": True, "detail": fn()}
        except Exception:  # recorded; the run fails at the end
            checks[name] = {"ok": False, "detail": traceback.format_exc()}
        print(name, "PASS" if checks[name]["ok"] else "FAIL",
              checks[name]["detail"], flush=True)

    session = rong.Session(path)
    x = gpu_models.make_input(entry["name"], torch.float32).cuda()
    spec = session.outputs[0]

    def empty():
        return torch.empty(tuple(spec.shape), device="cuda")

    own = empty()

    def own_stream():
        session.run_into([x], [own])
        return f"device {session.device}:{session.device_index}, " \
               f"stream {session.stream:#x}"
    check("own stream, waits", own_stream)

    def default_stream():
        out = empty()
        session.run_into([x], [out], stream=0)
        torch.cuda.synchronize()
        assert torch.equal(out, own), float((out - own).abs().max())
        return "bit-identical"
    check("PyTorch's default stream (0)", default_stream)

    def side_stream():
        side = torch.cuda.Stream()
        with torch.cuda.stream(side):
            # Written on the side stream just before the call: the session
            # enqueues after it on the same stream.
            y = x * 1.0
            out = torch.empty_like(own)
            session.run_into([y], [out], stream=side)
        side.synchronize()
        assert torch.equal(out, own), float((out - own).abs().max())
        return "bit-identical"
    check("torch.cuda.Stream", side_stream)

    def handshake():
        # Produced on PyTorch's current stream behind a long chain of
        # matrix products, consumed on the session's own stream:
        # __dlpack__(stream=own) makes that stream wait for it.
        big = torch.randn(8192, 8192, device="cuda")
        for _ in range(20):
            big = big @ big.T / 8192
        y = x + big[0, 0] * 0
        out = empty()
        session.run_into([y], [out])
        assert torch.equal(out, own), float((out - own).abs().max())
        return "bit-identical behind 20 8192^3 matrix products"
    check("DLPack stream handshake", handshake)

    def callable_model():
        model = rong.load(path)
        out = model(x)
        torch.cuda.synchronize()
        assert out.device.type == "cuda"
        assert torch.equal(out, own), float((out - own).abs().max())
        return repr(model)
    check("rong.load callable", callable_model)

    check("host tensor refused", lambda: expect_error(
        ValueError, "is in cpu memory; a cuda session takes cuda:0 memory",
        lambda: session.run_into([x.cpu()], [empty()])))
    check("run() refused", lambda: expect_error(
        ValueError, "run() needs host memory",
        lambda: session.run([x.cpu().numpy()])))
    check("benchmark() refused", lambda: expect_error(
        ValueError, "benchmark() needs host memory",
        lambda: session.benchmark([x])))

    def unaligned():
        flat = torch.empty(x.numel() + 1, device="cuda")
        shifted = flat[1:].view(x.shape)
        shifted.copy_(x)
        return expect_error(ValueError, "aligned address",
                            lambda: session.run_into([shifted], [empty()]))
    check("unaligned input refused", unaligned)

    if torch.cuda.device_count() > 1:
        check("other GPU refused", lambda: expect_error(
            ValueError, "a cuda session takes cuda:0 memory",
            lambda: session.run_into([x.to("cuda:1")], [empty()])))

    os.makedirs(ns.out, exist_ok=True)
    with open(os.path.join(ns.out, "python_session.json"), "w") as f:
        json.dump(results, f, indent=1)
    return 0 if all(c["ok"] for c in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
