#!/usr/bin/python3
"""NumPy side of scripts/bench/sample.lua: top-k 40, top-p 0.95 and
temperature 0.8 written the usual NumPy way (softmax, argsort, cumsum),
then one draw; scipy's logsumexp; top-p alone; a 64 x 128k batch."""
import os
import sys

import numpy as np
from scipy.special import logsumexp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import bench  # noqa: E402

rng = np.random.default_rng(1)


def chain(logits):
    x = logits.copy()
    kth = np.argpartition(-x, 40)[:40]
    mask = np.full(x.shape, -np.inf)
    mask[kth] = x[kth]
    order = np.argsort(-mask)
    p = np.exp(mask[order] - mask[order[0]])
    p /= p.sum()
    keep = np.searchsorted(np.cumsum(p), 0.95) + 1
    kept = order[:keep]
    z = x[kept] / 0.8
    q = np.exp(z - z.max())
    q /= q.sum()
    return kept[rng.choice(len(kept), p=q)]


def top_p(logits, top=0.95):
    order = np.argsort(-logits)
    p = np.exp(logits[order] - logits[order[0]])
    p /= p.sum()
    keep = np.searchsorted(np.cumsum(p), top) + 1
    out = np.full(logits.shape, -np.inf)
    out[order[:keep]] = logits[order[:keep]]
    return out


for v in (131072, 262144):
    x = rng.standard_normal(v) * 3
    tag = "%dk" % (v // 1024)
    bench("logsumexp_" + tag, 50, lambda: logsumexp(x))
    bench("chain_topk_topp_temp_" + tag, 50, lambda: chain(x))
    bench("top_p_" + tag, 50, lambda: top_p(x))

batch = rng.standard_normal((64, 131072)) * 3
bench("batch_64x128k", 10, lambda: [chain(row) for row in batch])
