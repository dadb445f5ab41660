#!/usr/bin/python3
"""SciPy side of scripts/bench/special.lua."""
import os
import sys

import numpy as np
import scipy.special as sc
import scipy.stats as st

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import bench  # noqa: E402


N = 1000000
x = np.linspace(0.01, 30, N)
p = np.linspace(1e-6, 1 - 1e-6, N)
bench("gammaln_1e6", 5, lambda: sc.gammaln(x))
bench("digamma_1e6", 5, lambda: sc.digamma(x))
bench("erfinv_1e6", 5, lambda: sc.erfinv(p))
bench("ndtri_1e6", 5, lambda: sc.ndtri(p))
bench("gammainc_1e6", 3, lambda: sc.gammainc(5, x))
bench("betainc_1e6", 3, lambda: sc.betainc(2.5, 4, p))
bench("expit_1e6", 5, lambda: sc.expit(x))
z = st.norm()
bench("norm_cdf_1e6", 5, lambda: z.cdf(x))
bench("norm_ppf_1e6", 5, lambda: z.ppf(p))
t = st.t(5)
bench("t_cdf_1e6", 3, lambda: t.cdf(x))
bench("gamma_ppf_1e5", 3, lambda: st.gamma(3).ppf(p[::10]))
bench("poisson_pmf_1e6", 5, lambda: st.poisson(10).pmf(x))
