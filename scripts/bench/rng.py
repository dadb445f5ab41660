#!/usr/bin/python3
"""NumPy side of scripts/bench/rng.lua: default_rng() (PCG64)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import bench  # noqa: E402


g = np.random.default_rng(1)
bench("normal_1e7", 5, lambda: g.normal(size=10000000))
bench("uniform_1e7", 5, lambda: g.uniform(size=10000000))
bench("exponential_1e7", 5, lambda: g.exponential(size=10000000))
bench("integers_1e7", 5, lambda: g.integers(1, 101, size=10000000))
p = g.uniform(size=50000)
p /= p.sum()
bench("categorical_50k_1e6", 5, lambda: g.choice(50000, size=1000000, p=p))
bench("poisson_1e6", 5, lambda: g.poisson(30, size=1000000))


def scalar():
    s = 0.0
    for _ in range(1000000):
        s += g.normal()
    return s


bench("scalar_normal_1e6", 1, scalar)
