-- Special functions and distributions timed against scripts/bench/special.py
-- (scipy.special and scipy.stats) on 10^6 elements.  Prints "name seconds".
local bench = dofile((arg[0]:match("^(.*/)") or "") .. "timing.lua")

local N = 1000000
local x = array.linspace(0.01, 30, N)
local p = array.linspace(1e-6, 1 - 1e-6, N)
bench("gammaln_1e6", 5, function() return special.gammaln(x) end)
bench("digamma_1e6", 5, function() return special.digamma(x) end)
bench("erfinv_1e6", 5, function() return special.erfinv(p) end)
bench("ndtri_1e6", 5, function() return special.ndtri(p) end)
bench("gammainc_1e6", 3, function() return special.gammainc(5, x) end)
bench("betainc_1e6", 3, function() return special.betainc(2.5, 4, p) end)
bench("expit_1e6", 5, function() return special.expit(x) end)
local z = stats.normal()
bench("norm_cdf_1e6", 5, function() return z:cdf(x) end)
bench("norm_ppf_1e6", 5, function() return z:ppf(p) end)
local t = stats.t(5)
bench("t_cdf_1e6", 3, function() return t:cdf(x) end)
bench("gamma_ppf_1e5", 3, function() return stats.gamma(3):ppf(p[{{1, N, 10}}]) end)
bench("poisson_pmf_1e6", 5, function() return stats.poisson(10):pmf(x) end)
