"""Python `Session.run_into` from a 64-byte aligned NumPy array and from one
16 bytes past a 64-byte boundary (where NumPy's own large allocations
land), for two builds of the same models: OLD artifacts whose kernels need
64-byte aligned inputs (the session copies the second array first) and NEW
ones that need element alignment (the session reads it in place).

Each case is NAME=OLD.rong,NEW.rong,INPUT.npy; the model has one input and
one output. Reported per case: the median over `--iterations` calls of each
side with each array, in ms.

Usage: PYTHONPATH=build/python_packages python3 bench/cpu/io_alignment.py
           CASE... [--threads 2] [--iterations 60]
"""

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import rong._rong as rong  # noqa: E402


def median_ms(session, x, out, iterations):
    for _ in range(5):
        session.run_into([x], [out])
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        session.run_into([x], [out])
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def at_offset(x, offset_bytes):
    """A copy of `x` starting `offset_bytes` past a 64-byte boundary."""
    storage = np.empty(x.size + 32, x.dtype)
    skip = (-storage.ctypes.data % 64 + offset_bytes) // x.itemsize
    view = storage[skip:skip + x.size].reshape(x.shape)
    view[...] = x
    assert view.ctypes.data % 64 == offset_bytes
    return view


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=60)
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, "
          f"{args.threads} threads, {args.iterations} iterations, "
          f"{time.strftime('%Y-%m-%d')}")
    print("| case | old aligned | old +16 B | new aligned | new +16 B |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for case in args.cases:
        name, files = case.split("=", 1)
        old, new, npy = files.split(",")
        x = np.load(npy)
        arrays = [at_offset(x, 0), at_offset(x, 16)]
        row = []
        outputs = []
        for path in (old, new):
            with open(path, "rb") as f:
                session = rong.Session(f.read(), num_threads=args.threads)
            out = torch.empty(tuple(session.outputs[0].shape))
            for array in arrays:
                row.append(median_ms(session, array, out, args.iterations))
                outputs.append(out.numpy().copy())
        for got in outputs[1:]:
            np.testing.assert_array_equal(got, outputs[0])
        print(f"| {name} | " + " | ".join(f"{ms:.3f}" for ms in row) + " |")


if __name__ == "__main__":
    main()
