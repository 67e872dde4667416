#!/usr/bin/env python3
"""Derive the coefficients of the GELU that kernels use for bf16 and f16
results, and check the formula on every finite input of both types.

GELU(x) = x * Phi(x), Phi(x) = erfc(-x / sqrt(2)) / 2. Kernels compute in f32
and write the result rounded to bf16 or f16, so what matters is the relative
error of the f32 value before that rounding, everywhere, the negative tail
included. `0.5 * x * (1 + erf(x / sqrt(2)))` loses it there: 1 + erf(...)
cancels, and for x near -5.5 the rounded bf16 result is off by over a hundred
ulps. The kernels use instead, with z = |x| / sqrt(2) and t = 1 / (1 + A z),

    q = Phi(-|x|) = erfc(z) / 2 = t * 2^(P(t) - z^2 log2(e))
    GELU(x) = x * (x >= 0 ? 1 - q : q)

where P is the degree-6 polynomial that minimises the largest error of
log2(erfc(z) / (2 t)) + z^2 log2(e) over all z >= 0 (t in (0, 1]).
erfc(z) e^{z^2} is smooth and tends to 1 / (z sqrt(pi)) as z grows, so one
polynomial in t serves the whole line, and q keeps its relative accuracy
down to where it underflows. The fit is a linear program on a dense grid
(scipy's HiGHS). The kernel scales |x| by w = sqrt(log2(e) / 2) instead of
1 / sqrt(2), so that one product gives z^2 log2(e) = (w |x|)^2, and uses
A / sqrt(log2(e)) for A.

The check emulates the kernel's f32 arithmetic in NumPy (each product and
sum rounded to f32) over all finite bf16 and f16 inputs, and compares the
rounded result with the correctly rounded GELU from float64. It reports how
many results differ and by how many ulps (the kernels' `rcp.approx` and
`exp` differ from the emulation by a few f32 ulps, far below these errors).

Usage: scripts/fit_gelu_erfc.py [--a 0.425] [--degree 6]
Needs numpy, scipy and ml_dtypes; prints the constants for
lib/Conversion/FusionToGPU/ElementEmitter.cpp.
"""

import argparse
import math

import ml_dtypes
import numpy as np
from scipy.optimize import linprog
from scipy.special import erfc, erfcx

F32 = np.float32
BF16 = np.dtype(ml_dtypes.bfloat16)


def target(t, a):
    """log2(erfc(z) / (2 t)) + z^2 log2(e) at t = 1 / (1 + a z)."""
    z = (1.0 / t - 1.0) / a
    return np.log2(erfcx(z) * (1.0 + a * z) / 2.0)


def fit(a, degree, points=4000):
    """Minimax polynomial (lowest power first) and its largest error."""
    t = 0.5 * (1.0 - np.cos(np.linspace(0.0, np.pi, points)))
    t[0] = 1e-12
    g = target(t, a)
    v = np.vander(t, degree + 1, increasing=True)
    ones = np.ones((points, 1))
    # Minimise e subject to |V c - g| <= e.
    cost = np.zeros(degree + 2)
    cost[-1] = 1.0
    bounds = np.vstack([np.hstack([v, -ones]), np.hstack([-v, -ones])])
    result = linprog(cost, A_ub=bounds, b_ub=np.concatenate([g, -g]),
                     bounds=[(None, None)] * (degree + 2), method="highs")
    coef = result.x[:-1]
    dense = np.linspace(1e-9, 1.0, 200001)
    error = np.max(np.abs(np.polyval(coef[::-1], dense) - target(dense, a)))
    return coef, error


def kernel_gelu(x, a, coef):
    """The kernel's formula, each operation rounded to f32."""
    x = x.astype(F32)
    log2e = 1.0 / math.log(2.0)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        z = (np.abs(x) * F32(math.sqrt(log2e / 2.0))).astype(F32)
        t = (F32(1.0) / (F32(1.0) + (z * F32(a / math.sqrt(log2e))).astype(
            F32))).astype(F32)
        # The kernel adds 24 to the exponent (in P's constant term) and
        # scales t by 2^-24 (exactly) so that exp2 stays in the normal
        # range; a GPU may flush its results below 2^-126 to zero, as here.
        shifted = list(coef)
        shifted[0] += 24.0
        p = np.full_like(t, F32(shifted[-1]))
        for c in shifted[-2::-1]:
            p = ((p * t).astype(F32) + F32(c)).astype(F32)
        e = (p - (z * z).astype(F32)).astype(F32)
        power = np.exp2(e.astype(np.float64)).astype(F32)
        power = np.where(power < F32(2.0**-126), F32(0.0), power)
        q = ((t * F32(2.0**-24)).astype(F32) * power).astype(F32)
        phi = np.where(x >= 0, (F32(1.0) - q).astype(F32), q)
        return (x * phi).astype(F32)


def exact_gelu(x):
    x = x.astype(np.float64)
    return x * 0.5 * erfc(-x / math.sqrt(2.0))


def all_finite(dtype):
    bits = np.arange(65536, dtype=np.uint16).view(dtype)
    return bits[np.isfinite(bits.astype(np.float32))]


def ulp_distance(got, want, dtype):
    """Distance in representable values between two arrays of `dtype`."""
    def ordered(v):
        i = v.view(np.uint16).astype(np.int64)
        return np.where(i & 0x8000, 0x8000 - i, i)
    return np.abs(ordered(got.astype(dtype)) - ordered(want.astype(dtype)))


def check(name, dtype, a, coef):
    x = all_finite(dtype)
    with np.errstate(over="ignore"):
        got = kernel_gelu(x.astype(np.float32), a, coef).astype(dtype)
        # float64 -> float32 -> bf16 rounds twice; float32 keeps 16 more
        # bits than bf16, so that changes no result here.
        want = exact_gelu(x.astype(np.float64)).astype(np.float32).astype(
            dtype)
    distance = ulp_distance(got, want, dtype)
    print("%s: %d inputs, %d results differ from the correctly rounded GELU"
          " (%.2f%%), by at most %d ulp"
          % (name, len(x), np.count_nonzero(distance),
             100.0 * np.count_nonzero(distance) / len(x), distance.max()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", type=float, default=0.425)
    ap.add_argument("--degree", type=int, default=6)
    args = ap.parse_args()
    coef, error = fit(args.a, args.degree)
    log2e = 1.0 / math.log(2.0)
    print("A = %r, degree %d: largest relative error of q %.2e"
          % (args.a, args.degree, math.expm1(error * math.log(2.0))))
    print("  w = sqrt(log2(e) / 2) = %.9g" % math.sqrt(log2e / 2.0))
    print("  A / sqrt(log2(e)) = %.9g" % (args.a / math.sqrt(log2e)))
    for i, c in enumerate(coef):
        print("  c%d = %.9g" % (i, float(F32(c))))
    check("bf16", BF16, args.a, coef)
    check("f16", np.dtype(np.float16), args.a, coef)


if __name__ == "__main__":
    main()
