#!/usr/bin/python3
"""NumPy side of scripts/bench/linalg.lua: the same matrices, the same
operations; prints "name seconds", the best of a few runs."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import bench  # noqa: E402


def general(n):
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    return np.sin(0.37 * (i * n + j)) + np.eye(n) * n ** 0.5


def symmetric(n):
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    a, b = np.minimum(i, j), np.maximum(i, j)
    return np.cos(0.11 * (a * n + b)) + 2 * np.eye(n)


A2000, B2000 = general(2000), general(2000)
b2000 = np.cos(np.arange(2000.0)).reshape(2000, 1)
S1000, G1000 = symmetric(1000), general(1000)
p = np.arange(1, 100001)[:, None, None]
i = np.arange(1, 5)[None, :, None]
j = np.arange(1, 5)[None, None, :]
batch_a = np.sin(p + 4 * i + j)
batch_b = np.cos(p - 4 * i + j)

bench("matmul_2000", 3, lambda: A2000 @ B2000)
bench("solve_2000", 3, lambda: np.linalg.solve(A2000, b2000))
bench("eigh_1000", 3, lambda: np.linalg.eigh(S1000))
bench("svd_1000", 3, lambda: np.linalg.svd(G1000))
bench("matmul_batch_1e5_4x4", 5, lambda: np.matmul(batch_a, batch_b))
bench("inv_1000", 5, lambda: np.linalg.inv(G1000))
