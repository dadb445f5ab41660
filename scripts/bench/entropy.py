#!/usr/bin/python3
"""Python side of scripts/bench/entropy.lua."""
import math
import os
import sys

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma
from sklearn.feature_selection import mutual_info_regression

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import bench  # noqa: E402

g = np.random.default_rng(1)


def pair(n):
    x = g.normal(size=n)
    return x, 0.5 * x + g.normal(size=n) * math.sqrt(0.75)


x1, y1 = pair(100000)
x2, y2 = pair(200000)
bench("ksg_mi_1e5", 3, lambda: mutual_info_regression(x1[:, None], y1, n_neighbors=3))
bench("ksg_mi_2e5", 3, lambda: mutual_info_regression(x2[:, None], y2, n_neighbors=3))


def kl_entropy(data, k=3):
    n, d = data.shape
    dist, _ = cKDTree(data).query(data, k=k + 1, p=np.inf)
    return digamma(n) - digamma(k) + d * math.log(2) + d * np.mean(np.log(dist[:, k]))


X = g.normal(size=(100000, 3))
bench("knn_entropy_1e5_d3", 3, lambda: kl_entropy(X))


def fp_cmi(x, y, z, k=3):
    """Frenzel-Pompe (KSG 1) I(x; y | z) with cKDTree, 1-D x, y, z: strict
    counts as radius nextafter(eps, 0), the point itself taken off."""
    j = np.column_stack([x, y, z])
    eps = cKDTree(j).query(j, k=k + 1, p=np.inf)[0][:, k]
    r = np.nextafter(eps, 0)
    xz, yz, zz = np.column_stack([x, z]), np.column_stack([y, z]), z[:, None]
    counts = [cKDTree(s).query_ball_point(s, r, p=np.inf, return_length=True) - 1
              for s in (xz, yz, zz)]
    return digamma(k) - np.mean(digamma(counts[0] + 1) + digamma(counts[1] + 1)
                                - digamma(counts[2] + 1))


zc = g.normal(size=100000)
xc, yc = zc + g.normal(size=100000), zc + g.normal(size=100000)
bench("ksg_cmi_1e5", 3, lambda: fp_cmi(xc, yc, zc))


def permutation_entropy(x, order):
    w = np.lib.stride_tricks.sliding_window_view(x, order)
    ranks = np.argsort(w, axis=1, kind="stable")
    codes = (ranks * order ** np.arange(order)).sum(axis=1)
    _, counts = np.unique(codes, return_counts=True)
    p = counts / counts.sum()
    return -(p * np.log(p)).sum()


s = g.normal(size=10000000)
bench("permutation_1e7_order5", 3, lambda: permutation_entropy(s, 5))


def vendi(X):
    Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
    w = np.linalg.eigvalsh(Xn @ Xn.T / X.shape[0])
    w = w[w > 0]
    w = w / w.sum()
    return math.exp(-(w * np.log(w)).sum())


V = g.normal(size=(2000, 64))
bench("vendi_2000_d64", 3, lambda: vendi(V))
