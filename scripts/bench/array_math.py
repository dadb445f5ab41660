"""Elementwise arithmetic and math in NumPy, the reference for
scripts/bench/array_math.lua (same names, same data).  Prints
"name seconds", the best of 5 runs."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import bench as timed  # noqa: E402

R, K = 10000, 1000

x = np.arange(R, dtype=np.float64).reshape(R, 1) * K + np.arange(K, dtype=np.float64)
a = x * (6 / 1e7) - 3
b = np.sin(x * 0.37)
c = np.cos(x * 0.11)
r = np.arange(K, dtype=np.float64)
a32 = a.astype(np.float32)
xi = np.floor_divide(x, 1).astype(np.int64)
out = np.zeros((R, K))
small = np.arange(100, dtype=np.float64)
a6 = np.arange(1000000, dtype=np.float64) * 1e-5 + 0.5


def bench(name, f):
    timed(name, 5, f)


def small_ops():
    for _ in range(10000):
        small * 2 + 1


bench("mul_add_1e7", lambda: a * b + c)
bench("add_1e7", lambda: a + b)
bench("scale_1e7", lambda: 0.5 * a)
bench("add_row_1e7", lambda: a + r)
bench("add_out_1e7", lambda: np.add(a, b, out=out))
bench("exp_1e7", lambda: np.exp(a))
bench("exp_out_1e7", lambda: np.exp(a, out=out))
bench("exp_f32_1e7", lambda: np.exp(a32))
bench("sqrt_1e7", lambda: np.sqrt(np.abs(b)))
bench("sin_1e6", lambda: np.sin(a6))
bench("log_1e6", lambda: np.log(a6))
bench("lt_1e7", lambda: a < b)
bench("where_1e7", lambda: np.where(a > 0, a, 0))
bench("floordiv_1e7", lambda: a // 0.7)
bench("int_add_1e7", lambda: xi + xi)
bench("small_ops_1e4", small_ops)
