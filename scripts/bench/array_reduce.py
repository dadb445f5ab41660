#!/usr/bin/python3
"""NumPy side of scripts/bench/array_reduce.lua (same data, same operations)."""
import os
import sys

import numpy as np
from scipy.special import logsumexp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import bench as timed  # noqa: E402


def bench(name, f):
    timed(name, 5, f)


x = np.sin((np.arange(10000)[:, None] * 1000 + np.arange(1000)[None, :]) * 0.37)
m = np.cos((np.arange(4000)[:, None] * 4000 + np.arange(4000)[None, :]) * 0.11)
s = np.sin(np.arange(1000000) * 0.7)

bench("sum_1e7", lambda: x.sum())
bench("sum_axis1_4000", lambda: m.sum(axis=0))
bench("sum_axis2_4000", lambda: m.sum(axis=1))
bench("mean_1e7", lambda: x.mean())
bench("std_1e7", lambda: x.std())
bench("max_1e7", lambda: x.max())
bench("argmax_1e7", lambda: x.argmax())
bench("logsumexp_1e7", lambda: logsumexp(x))
bench("sort_1e6", lambda: np.sort(s, kind="stable"))
bench("argsort_1e6", lambda: np.argsort(s, kind="stable"))
bench("topk_100_of_1e6", lambda: np.sort(np.partition(s, -100)[-100:])[::-1])
