-- The rng module: the stream against an independent implementation of
-- xoshiro256++ and splitmix64 (tests/fixtures/make_rng.py), goodness of fit
-- of the distributions at fixed seeds (Kolmogorov-Smirnov for continuous,
-- Pearson chi-square for discrete, against exact CDFs and PMFs), moments
-- within 4 standard errors, independence of spawned streams, and errors.
local T = require "testing"
local S = dofile("tests/lua/stats_check.lua")
local F = dofile("tests/fixtures/rng.lua")

local N = 100000

local function sorted(a)
  local t = a:sort():totable()
  return t
end

local function ks(name, draws, cdf)
  local p, d = S.ks_pvalue(sorted(draws), cdf)
  T.ok(p > 1e-4, string.format("%s: KS D = %.5f, p = %.3g", name, d, p))
end

local function moments(name, x, mean, var)
  local n = x.size
  local m, v = x:mean(), x:var()
  T.ok(math.abs(m - mean) <= 4 * math.sqrt(var / n),
       string.format("%s: mean %.5f vs %.5f", name, m, mean))
  -- the variance of the sample variance needs the 4th moment; 10% is a
  -- loose but safe bound at n = 10^5 for these distributions
  T.ok(math.abs(v - var) <= 0.1 * var, string.format("%s: variance %.5f vs %.5f", name, v, var))
end

local function chi2(name, draws, pmf, support)
  local counts = {}
  local t = draws:totable()
  for _, k in ipairs(t) do counts[k] = (counts[k] or 0) + 1 end
  local q = {}
  for _, k in ipairs(support) do q[k] = pmf(k) end
  for k in pairs(counts) do
    T.ok(q[k] or false, name .. ": drew " .. k .. " outside the support tested")
  end
  local p = S.pearson(counts, q, #t)
  T.ok(p > 1e-4, string.format("%s: chi-square p = %.3g", name, p))
end

T.test("the stream matches an independent xoshiro256++ with splitmix64 seeding", function()
  for _, c in ipairs(F) do
    local g = rng.new(c.seed)
    T.eq(g:state().state, c.state, "seed " .. c.seed .. ": state")
    for i, u in ipairs(c.uniform) do T.eq(g:uniform(), u, "seed " .. c.seed .. ": uniform " .. i) end
  end
end)

T.test("same seed, same numbers; state round-trips; the module uses the default generator", function()
  T.eq(rng.new(9):standard_normal(5):totable(), rng.new(9):standard_normal(5):totable())
  local g = rng.new(3)
  g:standard_normal(10)
  local s = g:state()
  local a = g:exponential(1, 4):totable()
  g:set_state(s)
  T.eq(g:exponential(1, 4):totable(), a)
  rng.seed(11)
  local x = rng.random(3):totable()
  T.eq(rng.new(11):random(3):totable(), x)
end)

T.test("continuous distributions fit their CDFs (KS, 10^5 draws)", function()
  local g = rng.new(2026)
  ks("uniform", g:uniform(-1, 3, N), function(x) return (x + 1) / 4 end)
  ks("normal", g:normal(2, 3, N), function(x) return S.normal_cdf((x - 2) / 3) end)
  ks("exponential", g:exponential(0.5, N), function(x) return 1 - math.exp(-x / 0.5) end)
  ks("laplace", g:laplace(1, 2, N), function(x)
    return x < 1 and 0.5 * math.exp((x - 1) / 2) or 1 - 0.5 * math.exp(-(x - 1) / 2)
  end)
  ks("cauchy", g:standard_cauchy(N), function(x) return 0.5 + math.atan(x) / math.pi end)
  ks("lognormal", g:lognormal(0.5, 0.7, N), function(x) return S.normal_cdf((math.log(x) - 0.5) / 0.7) end)
  for _, k in ipairs({0.3, 1, 2.5, 40}) do
    ks("gamma k=" .. k, g:gamma(k, 2, N), function(x) return 1 - S.gammaq(k, x / 2) end)
  end
  ks("chisquare 3", g:chisquare(3, N), function(x) return 1 - S.gammaq(1.5, x / 2) end)
end)

T.test("moments of the continuous distributions are within 4 standard errors", function()
  local g = rng.new(7)
  moments("normal", g:normal(-1, 0.5, N), -1, 0.25)
  moments("exponential", g:exponential(3, N), 3, 9)
  moments("gamma", g:gamma(2.5, 2, N), 5, 10)
  moments("beta", g:beta(2, 5, N), 2 / 7, 10 / (49 * 8))
  moments("standard_t 8", g:standard_t(8, N), 0, 8 / 6)
  moments("uniform", g:random(N), 0.5, 1 / 12)
end)

local function binom_pmf(n, p)
  return function(k)
    local lc = S.lgamma(n + 1) - S.lgamma(k + 1) - S.lgamma(n - k + 1)
    return math.exp(lc + k * math.log(p) + (n - k) * math.log(1 - p))
  end
end

local function range(a, b) local t = {} for k = a, b do t[#t + 1] = k end return t end

T.test("discrete distributions fit their PMFs (chi-square, 10^5 draws)", function()
  local g = rng.new(99)
  for _, lam in ipairs({0.5, 4, 30, 500}) do
    local hi = math.floor(lam + 12 * math.sqrt(lam) + 12)
    chi2("poisson " .. lam, g:poisson(lam, N), function(k)
      return math.exp(k * math.log(lam) - lam - S.lgamma(k + 1))
    end, range(0, hi))
  end
  chi2("binomial 20, 0.3", g:binomial(20, 0.3, N), binom_pmf(20, 0.3), range(0, 20))
  chi2("binomial 1000, 0.01", g:binomial(1000, 0.01, N), binom_pmf(1000, 0.01), range(0, 1000))
  chi2("geometric 0.3", g:geometric(0.3, N), function(k) return 0.7 ^ (k - 1) * 0.3 end, range(1, 80))
  chi2("integers 1..6", g:integers(1, 6, N), function() return 1 / 6 end, range(1, 6))
  chi2("categorical", g:categorical({1, 2, 3, 4}, N), function(k) return k / 10 end, range(1, 4))
  chi2("categorical from logs", g:categorical({0, math.log(3)}, N, {log = true}),
       function(k) return k == 1 and 0.25 or 0.75 end, range(1, 2))
end)

T.test("spawned streams are uncorrelated", function()
  local kids = rng.new(1):spawn(4)
  local xs = {}
  for i, k in ipairs(kids) do xs[i] = k:standard_normal(N) end
  for i = 1, 4 do
    for j = i + 1, 4 do
      local r = (xs[i] * xs[j]):mean() / (xs[i]:std() * xs[j]:std())
      T.ok(math.abs(r) < 4 / math.sqrt(N), string.format("streams %d and %d: r = %.4f", i, j, r))
    end
  end
end)

T.test("permutations, choices and Dirichlet draws are valid", function()
  local g = rng.new(4)
  T.eq(g:permutation(10):sort():totable(), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  local c = g:choice(20, 20, false):sort():totable()
  for i = 1, 20 do T.eq(c[i], i) end
  local p = g:dirichlet({0.5, 1, 2}, 1000)
  T.ok(math.abs(p:sum(2):max() - 1) < 1e-12 and p:min() >= 0, "rows on the simplex")
  local counts = {0, 0, 0}
  for _, k in ipairs(g:permutation(3):totable()) do counts[k] = counts[k] + 1 end
  T.eq(counts, {1, 1, 1})
end)

T.test("bad parameters give clear errors", function()
  local g = rng.new(1)
  T.raises(function() g:normal(0, -1, 3) end, "std")
  T.raises(function() g:exponential(-2, 3) end, "scale")
  T.raises(function() g:uniform(0 / 0, 1, 3) end, "lo")
  T.raises(function() g:integers(5, 1) end, "integers")
  T.raises(function() g:categorical({-1, 2}) end, "categorical")
  T.raises(function() g:categorical({0, 0}) end, "categorical")
  T.raises(function() g:categorical({0 / 0, 1}) end, "categorical")
  T.raises(function() g:choice(3, 5, false) end, "choice")
  T.raises(function() g:multivariate_normal({0, 0}, {{1, 2}, {2, 1}}) end, "multivariate_normal")
  T.raises(function() g:binomial(10, 1.5) end, "binomial")
  T.raises(function() g:poisson(-1) end, "poisson")
  T.raises(function() rng.new(-1) end, "seed")
  T.raises(function() rng.new(1.5) end, "seed")
  T.raises(function() g:beta(0, 1) end, "beta")
end)

T.test("rng options tables reject unknown keys", function()
  local g = rng.new(1)
  T.raises(function() g:categorical({1, 2}, 3, {logs = true}) end,
           "g:categorical", "unknown option 'logs'")
  T.raises(function() rng.categorical({1, 2}, 3, {logs = true}) end,
           "rng.categorical", "unknown option 'logs'")
  T.raises(function() g:categorical({1, 2}, 3, {log = 1}) end, "g:categorical", "log")
  T.raises(function() g:categorical({1, 2}, 3, 5) end, "g:categorical", "options")
end)

-- The von Mises CDF on [-pi, pi) by Simpson's rule on a fine grid.
local function vonmises_cdf(mu, kappa)
  local n, xs, F = 4000, {}, {0}
  local function pdf(x) return math.exp(kappa * math.cos(x - mu)) end
  local h = 2 * math.pi / n
  for i = 0, n do xs[i] = -math.pi + i * h end
  for i = 1, n do
    local a, b = xs[i - 1], xs[i]
    F[i + 1] = F[i] + h / 6 * (pdf(a) + 4 * pdf((a + b) / 2) + pdf(b))
  end
  local total = F[n + 1]
  return function(x)
    local k = math.min(n - 1, math.max(0, math.floor((x + math.pi) / h)))
    local a = xs[k]
    local part = (x - a) / 6 * (pdf(a) + 4 * pdf((a + x) / 2) + pdf(x))
    return (F[k + 1] + part) / total
  end
end

T.test("NumPy's argument order: parameters, then the shape, then options", function()
  local g = rng.new(5)
  local x = g:normal(0, 1, 5)
  T.eq(x.shape, {5})
  T.eq(g:uniform(2, 3, {2, 3}).shape, {2, 3})
  T.eq(type(g:normal(10)), "number")             -- a mean, not a shape
  T.eq(type(g:uniform()), "number")
  T.eq(rng.new(5):normal(0, 1, 5):totable(), rng.new(5):standard_normal(5):totable())
  T.eq(rng.new(5):uniform(0, 1, 5):totable(), rng.new(5):random(5):totable())
  T.eq(rng.new(5):exponential(1, 5):totable(), rng.new(5):exponential(nil, 5):totable())
  T.eq(rng.new(5):gamma(2, 1, 3, {dtype = "float32"}).dtype, "float32")
end)

T.test("float32 draws: the uniform stays below 1, the others are the float64 stream rounded", function()
  local u = rng.new(7):random(4000000, {dtype = "float32"})
  T.eq(u.dtype, "float32")
  T.ok(u:max() < 1 and u:min() >= 0, "float32 uniform in [0, 1)")
  moments("float32 uniform", u:astype("float64"), 0.5, 1 / 12)
  -- Gumbel-max noise in float32 never overflows
  local gm = rng.new(7):gumbel(0, 1, 1000000, {dtype = "float32"})
  T.ok(gm:isfinite():all(), "float32 Gumbel finite")
  local a = rng.new(8):normal(1, 2, 1000, {dtype = "float32"})
  local b = rng.new(8):normal(1, 2, 1000):astype("float32")
  T.eq(a:totable(), b:totable())
  T.eq(type(rng.new(8):random({dtype = "float32"})), "number")
  local v = rng.new(9):uniform(-1, 0.1, 100000, {dtype = "float32"})
  T.ok(v:max() < 0.1 and v:min() >= -1, "float32 uniform in [lo, hi)")
end)

T.test("gumbel, weibull, pareto, f and vonmises fit their CDFs (KS, 10^5 draws)", function()
  local g = rng.new(2027)
  ks("gumbel", g:gumbel(1, 2, N), function(x) return math.exp(-math.exp(-(x - 1) / 2)) end)
  ks("weibull 1.5", g:weibull(1.5, N), function(x) return 1 - math.exp(-x ^ 1.5) end)
  ks("weibull 0.5", g:weibull(0.5, N), function(x) return 1 - math.exp(-x ^ 0.5) end)
  ks("pareto 3", g:pareto(3, N), function(x) return 1 - (1 + x) ^ -3 end)
  ks("f 5 10", g:f(5, 10, N), function(x) return special.betainc(2.5, 5, 5 * x / (5 * x + 10)) end)
  ks("f 1 3", g:f(1, 3, N), function(x) return special.betainc(0.5, 1.5, x / (x + 3)) end)
  for _, k in ipairs({0, 0.5, 4, 50}) do
    ks("vonmises kappa=" .. k, g:vonmises(0.7, k, N), vonmises_cdf(0.7, k))
  end
  T.ok((g:vonmises(3, 1e7, 1000) - 3):abs():max() < 0.01, "vonmises with huge kappa")
  T.eq(g:weibull(0, 3):totable(), {0, 0, 0})
end)

T.test("zipf fits its PMF and multinomial its moments", function()
  local g = rng.new(2028)
  local a, zeta3 = 3, 1.2020569031595942
  local k = g:zipf(a, N):totable()
  local counts, q, top = {}, {}, 20
  for _, v in ipairs(k) do
    local b = math.min(v, top + 1)
    counts[b] = (counts[b] or 0) + 1
  end
  local head = 0
  for j = 1, top do q[j] = j ^ -a / zeta3; head = head + q[j] end
  q[top + 1] = 1 - head
  local p = S.pearson(counts, q, N)
  T.ok(p > 1e-4, string.format("zipf: chi-square p = %.3g", p))
  local n, pv = 50, {0.1, 0.2, 0.3, 0.4}
  local c = g:multinomial(n, pv, N)
  T.eq(c.shape, {N, 4})
  T.eq(c:sum(2):min(), n)
  T.eq(c:sum(2):max(), n)
  for j = 1, 4 do
    moments("multinomial " .. j, c[{":", j}]:astype("float64"), n * pv[j], n * pv[j] * (1 - pv[j]))
  end
  -- the covariance of two categories is -n p_i p_j
  local x1, x2 = c[{":", 1}]:astype("float64"), c[{":", 2}]:astype("float64")
  local cov = ((x1 - x1:mean()) * (x2 - x2:mean())):mean()
  T.ok(math.abs(cov + n * 0.1 * 0.2) < 0.05, "multinomial covariance " .. cov)
  T.eq(g:multinomial(7, {0.5, 0.5}):sum(), 7)
end)

T.test("bad parameters of the NumPy-order draws give clear errors", function()
  local g = rng.new(1)
  T.raises(function() g:random(3, {dtype = "int8"}) end, "dtype")
  T.raises(function() g:poisson(3, 3, {dtype = "float32"}) end, "dtype")
  T.raises(function() g:random(3, {dtypes = "float32"}) end, "unknown option")
  T.raises(function() g:random({dtype = "float32"}, 3) end, "options")
  T.raises(function() g:zipf(1, 3) end, "a must be finite and > 1")
  T.raises(function() g:weibull(-1, 3) end, "a")
  T.raises(function() g:pareto(0, 3) end, "a")
  T.raises(function() g:f(0, 1, 3) end, "dfnum")
  T.raises(function() g:vonmises(0, -1, 3) end, "kappa")
  T.raises(function() g:gumbel(0, -1, 3) end, "scale")
  T.raises(function() g:multinomial(10, {0.7, 0.7, 0.1}) end, "more than 1")
  T.raises(function() g:multinomial(10, {-0.1, 1.1}) end, "pvals[1]")
  T.raises(function() g:multinomial(-1, {0.5, 0.5}) end, "n must be")
  T.raises(function() g:multinomial(10, {}) end, "pvals")
end)
