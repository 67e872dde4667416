"""Makes inputs for the rong-run tests and checks outputs against NumPy.

  npytool.py random OUT.npy DTYPE D0xD1... SEED     random array
  npytool.py fortran OUT.npy                        a Fortran-order f32 [2, 3]
  npytool.py check-add X Y Z                        z == x + y exactly
  npytool.py check-mlp X Y                          y == relu(x @ W + b)
  npytool.py check-norm-gemm X G B W BIAS Y XC      y == gelu(layernorm(x) @ w
                                                    + bias), xc == x
  npytool.py truncate FILE BYTES                    keep the first BYTES bytes
  npytool.py poke FILE OFFSET BYTE                  overwrite one byte
"""

import math
import sys

import numpy as np


def mlp_reference(x):
    i = np.arange(8)[:, None]
    j = np.arange(16)[None, :]
    w = (((16 * i + j) % 7 - 3) / 4.0).astype(np.float32)
    b = (np.arange(16, dtype=np.float32) / np.float32(10) - np.float32(0.5))
    return np.maximum(x @ w + b, 0).astype(np.float32)


def main(argv):
    cmd = argv[1]
    if cmd == "random":
        shape = [int(d) for d in argv[4].split("x")] if argv[4] else []
        rng = np.random.default_rng(int(argv[5]))
        np.save(argv[2], rng.standard_normal(shape).astype(argv[3]))
    elif cmd == "fortran":
        np.save(argv[2], np.asfortranarray(np.ones((2, 3), np.float32)))
    elif cmd == "check-add":
        x, y, z = (np.load(p) for p in argv[2:5])
        assert z.dtype == np.float32 and z.shape == (2, 3), (z.dtype, z.shape)
        np.testing.assert_array_equal(z, x + y)
        print("add matches")
    elif cmd == "check-mlp":
        x, y = np.load(argv[2]), np.load(argv[3])
        assert y.dtype == np.float32 and y.shape == (4, 16), (y.dtype, y.shape)
        want = mlp_reference(x)
        np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-5)
        assert (want > 0).any() and (want == 0).any(), "relu not exercised"
        print("mlp matches")
    elif cmd == "check-norm-gemm":
        x, g, b, w, bias, y, xc = (np.load(p).astype(np.float64)
                                   for p in argv[2:9])
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        h = (x - mean) / np.sqrt(var + 1e-5) * g + b
        z = h @ w + bias
        want = 0.5 * z * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))
        np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-4)
        np.testing.assert_array_equal(xc, x)
        print("norm-gemm matches")
    elif cmd == "truncate":
        with open(argv[2], "rb") as f:
            data = f.read()
        with open(argv[2], "wb") as f:
            f.write(data[: int(argv[3])])
    elif cmd == "poke":
        with open(argv[2], "r+b") as f:
            f.seek(int(argv[3]))
            f.write(bytes([int(argv[4], 0)]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
