-- The stats module: every family's pdf/pmf, cdf, sf, ppf, isf, moments and
-- entropy against exact values (mpmath) with SciPy's alongside
-- (tests/fixtures/make_stats.py); goodness of fit of d:sample() at fixed
-- seeds with the module's own tests; the Kolmogorov-Smirnov distribution
-- against SciPy's exact kstwo; describe, ks_test and chisquare against
-- SciPy; and errors.
local T = require "testing"
local F = dofile("tests/fixtures/stats.lua")

local function relerr(got, want)
  if want ~= want then return got ~= got and 0 or math.huge end
  if got == want then return 0 end
  if math.abs(want) == math.huge then return math.huge end
  -- quantiles and values that are exactly 0 are compared absolutely
  return math.abs(got - want) / math.max(math.abs(want), 1e-300)
end

-- Tolerances, relative: the distribution functions inherit the accuracy
-- of special's functions; densities far in the tails (log density below
-- -100) lose a few more digits to exp of a large argument.
local RTOL = {pdf = 1e-12, pmf = 1e-12, logpdf = 1e-13, logpmf = 1e-13,
              cdf = 1e-12, sf = 1e-12, ppf = 1e-12, isf = 1e-12,
              mean = 1e-15, var = 1e-15, entropy = 1e-12}

local groups, order = {}, {}
for _, c in ipairs(F.cases) do
  local key = c[1] .. "(" .. table.concat(c[2], ", ") .. ")"
  if not groups[key] then groups[key] = {}; order[#order + 1] = key end
  table.insert(groups[key], c)
end

for _, key in ipairs(order) do
  T.test("stats." .. key .. " against exact values", function()
    local worst, wc, wgot = -1, nil, nil
    for _, c in ipairs(groups[key]) do
      local d = stats[c[1]](table.unpack(c[2]))
      local got
      if c[4] == nil then got = d[c[3]](d) else got = d[c[3]](d, c[4]) end
      local want = c[5]
      local e = relerr(got, want)
      local tol = RTOL[c[3]]
      if (c[3] == "pdf" or c[3] == "pmf") and want > 0 and math.log(want) < -100 then
        tol = tol * 10
      end
      -- a quantile at the median of a symmetric family may be +-0 or tiny
      if (c[3] == "ppf" or c[3] == "isf") and math.abs(want) < 1e-30 then
        e = math.abs(got) < 1e-15 and 0 or math.huge
      end
      if e / tol > worst then worst, wc, wgot = e / tol, c, got end
    end
    T.ok(worst <= 1, string.format("%s:%s(%s) = %.17g, exact %.17g (SciPy %.17g)",
      key, wc[3], tostring(wc[4]), wgot, wc[5], wc[6]))
  end)
end

T.test("stats: discrete quantiles are the smallest k with cdf(k) >= q", function()
  for _, d in ipairs{stats.poisson(3.7), stats.binomial(40, 0.3), stats.geometric(0.05)} do
    for _, q in ipairs{1e-9, 0.01, 0.2, 0.5, 0.77, 0.999} do
      local k = d:ppf(q)
      T.ok(d:cdf(k) >= q and d:cdf(k - 1) < q, tostring(d) .. ":ppf(" .. q .. ") = " .. k)
      local j = d:isf(q)
      T.ok(d:sf(j) <= q and d:sf(j - 1) > q, tostring(d) .. ":isf(" .. q .. ") = " .. j)
    end
  end
  T.eq(stats.poisson(2):ppf(0), -1)
  T.eq(stats.poisson(2):ppf(1), math.huge)
  T.eq(stats.binomial(7, 0.5):ppf(1), 7)
end)

T.test("stats: ppf inverts cdf, isf inverts sf (continuous families)", function()
  -- (parameters chosen so that no quantile tested lies within a few ulps
  -- of a bound of the support, where it cannot be represented)
  local ds = {stats.normal(2, 3), stats.gamma(0.7, 2), stats.beta(3, 1.4), stats.t(2.5),
              stats.chi2(4), stats.lognormal(1, 0.3), stats.cauchy(-2, 0.5),
              stats.laplace(1, 2), stats.exponential(4), stats.uniform(-3, 5)}
  for _, d in ipairs(ds) do
    -- the quantile x is a double: rounding it moves the probability by up
    -- to pdf(x) ulp(x), which is allowed on top of 1e-12 relative
    local function slack(x) return 4 * d:pdf(x) * math.abs(x) * 2.2e-16 end
    for _, q in ipairs{1e-10, 0.01, 0.3, 0.5, 0.9} do
      local x = d:ppf(q)
      T.near(d:cdf(x), q, 1e-12, slack(x), tostring(d) .. " cdf(ppf)")
      x = d:isf(q)
      T.near(d:sf(x), q, 1e-12, slack(x), tostring(d) .. " sf(isf)")
    end
  end
end)

T.test("stats: methods work elementwise on arrays, with out", function()
  local d = stats.normal()
  local x = array.linspace(-3, 3, 7)
  local c = d:cdf(x)
  T.eq(c.shape, {7})
  T.near(c:get(4), 0.5, 0)
  local out = array.zeros(7)
  T.eq(d:pdf(x, out), out)
  T.near(out:get(4), 1 / math.sqrt(2 * math.pi), 1e-15)
  T.near(d:ppf(d:cdf(x)):totable(), x:totable(), 1e-12, 1e-12)
  T.near(stats.poisson(3):pmf({0, 1, 2}):totable(),
         {math.exp(-3), 3 * math.exp(-3), 4.5 * math.exp(-3)}, 1e-14)
end)

T.test("stats: sample fits its own distribution (KS or chi-square, 10^5 draws)", function()
  local g = rng.new(2026)
  local cont = {stats.normal(1, 2), stats.gamma(0.5, 3), stats.beta(2, 0.7), stats.t(3),
                stats.chi2(5), stats.lognormal(0, 0.5), stats.cauchy(3, 0.1),
                stats.laplace(-1, 2), stats.exponential(0.5), stats.uniform(2, 3)}
  for _, d in ipairs(cont) do
    local x = d:sample(g, 100000)
    T.eq(x.dtype, "float64")
    local D, p = stats.ks_test(x, d)
    T.ok(p > 1e-4, string.format("%s: KS D = %.5f, p = %.3g", tostring(d), D, p))
    local m, v = d:mean(), d:var()
    if v == v and v < math.huge then
      T.ok(math.abs(x:mean() - m) <= 4 * math.sqrt(v / x.size),
           string.format("%s: mean %.5f vs %.5f", tostring(d), x:mean(), m))
    end
  end
  for _, d in ipairs{stats.poisson(4.5), stats.binomial(30, 0.2), stats.geometric(0.3)} do
    local x = d:sample(g, 100000)
    T.eq(x.dtype, "int64")
    -- bins: each value with expected count >= 20, the tails pooled
    local lo, hi = d:ppf(1e-3), d:isf(1e-3)
    local obs, exp = {}, {}
    local counts = {}
    for _, k in ipairs(x:totable()) do counts[k] = (counts[k] or 0) + 1 end
    local below, above = 0, 0
    for k, c in pairs(counts) do
      if k < lo then below = below + c elseif k > hi then above = above + c end
    end
    obs[1], exp[1] = below, d:cdf(lo - 1) * 100000
    for k = lo, hi do
      obs[#obs + 1] = counts[k] or 0
      exp[#exp + 1] = d:pmf(k) * 100000
    end
    obs[#obs + 1], exp[#exp + 1] = above, d:sf(hi) * 100000
    if exp[1] == 0 then table.remove(obs, 1); table.remove(exp, 1) end
    -- rescale expected to the observed total (the pooled tails are exact, so
    -- this only removes rounding)
    local so, se = 0, 0
    for i = 1, #obs do so, se = so + obs[i], se + exp[i] end
    for i = 1, #exp do exp[i] = exp[i] * so / se end
    local stat, p = stats.chisquare(obs, exp)
    T.ok(p > 1e-4, string.format("%s: chi2 = %.2f, p = %.3g", tostring(d), stat, p))
    T.ok(math.abs(x:mean() - d:mean()) <= 4 * math.sqrt(d:var() / 100000), tostring(d) .. " mean")
  end
end)

T.test("stats: sample shapes, generators and reproducibility", function()
  local d = stats.gamma(2, 1)
  T.eq(math.type(d:sample()), "float")
  T.eq(math.type(stats.poisson(2):sample()), "integer")
  T.eq(d:sample({2, 3}).shape, {2, 3})
  local a = d:sample(rng.new(5), 4):totable()
  local b = d:sample(rng.new(5), 4):totable()
  T.eq(a, b)
  -- the same stream as the rng module's draws
  T.eq(a, rng.new(5):gamma(2, 1, 4):totable())
  rng.seed(9)
  local c = d:sample(3):totable()
  rng.seed(9)
  T.eq(c, d:sample(nil, 3):totable())
end)

T.test("stats: Kolmogorov-Smirnov p-values against SciPy's exact kstwo", function()
  local identity = function(x) return x end
  for _, c in ipairs(F.kstwo) do
    local n, d, want = c[1], c[2], c[3]
    -- a sample whose statistic is d against the uniform cdf: the points
    -- (i - 1)/n + d (at most 1) have F(x_i) - (i - 1)/n = d, and
    -- i/n - F(x_i) <= 1/n - d <= d when d >= 1/(2n)
    local x = {}
    for i = 1, n do x[i] = math.min((i - 1) / n + math.max(d, 0.5 / n), 1) end
    if d >= 0.5 / n then
      local D, p = stats.ks_test(x, identity)
      T.near(D, d, 1e-12)
      -- Where the reference is exact (Durbin's formula in mpmath), to 1e-12
      -- (and 1e-15 absolute: gibbs takes 1 - P(D < d) there).  Otherwise it
      -- is SciPy's kstwo, itself good to about 1e-6: gibbs's regimes are
      -- exact for d > 1/2 and with Durbin's matrix (n d < 100), within p of
      -- exact with twice the one-sided tail (p < 1e-3), and Stephens'
      -- approximation in between, good to 1 %.
      local ref = c[4] and 1e-12 or 1e-5
      local tol
      if d > 0.5 then tol = ref
      elseif want < 1e-3 then tol = math.max(want, ref)
      elseif n * d < 100 and n <= 1000000 then tol = ref
      else tol = 1e-2 end
      T.near(p, want, tol, c[4] and 1e-15 or 1e-300, string.format("n = %d, d = %.6g", n, d))
    end
  end
end)

T.test("stats.ks_test and stats.chisquare against SciPy", function()
  local D, p = stats.ks_test(F.data, stats.normal())
  T.near(D, F.kstest.statistic, 1e-14)
  T.near(p, F.kstest.exact, 1e-12)     -- Durbin's formula in mpmath
  T.near(p, F.kstest.pvalue, 1e-5)     -- SciPy's Pelz-Good approximation
  local D2, p2 = stats.ks_test(array.new(F.data), function(x) return special.ndtr(x) end)
  T.eq(D2, D)
  T.eq(p2, p)
  local s, q = stats.chisquare(F.observed, F.expected)
  T.near(s, F.chisquare.statistic, 1e-14)
  T.near(q, F.chisquare.pvalue, 1e-12)
  s, q = stats.chisquare(F.observed)
  T.near(s, F.chisquare_uniform.statistic, 1e-14)
  T.near(q, F.chisquare_uniform.pvalue, 1e-12)
end)

T.test("stats.describe against SciPy", function()
  local r = stats.describe(array.new(F.data))
  T.eq(r.nobs, F.describe.nobs)
  for _, k in ipairs{"min", "max", "mean", "variance", "skewness", "kurtosis"} do
    T.near(r[k], F.describe[k], 1e-12, 1e-15, k)
  end
  -- any shape is flattened; NaN propagates
  local r2 = stats.describe(array.new(F.data):reshape{20, 10})
  T.near(r2.mean, r.mean, 1e-15)
  T.ok(stats.describe({1, 0 / 0, 3}).mean ~= stats.describe({1, 0 / 0, 3}).mean, "NaN mean")
end)

T.test("stats: closed-form moments and entropies", function()
  T.near(stats.normal(0, 1):entropy(), 1.4189385332046727, 1e-15)
  T.near(stats.uniform(0, 2):entropy(), math.log(2), 1e-15)
  T.near(stats.exponential(1):entropy(), 1, 1e-15)
  T.near(stats.beta(0.5, 0.5):entropy(), math.log(math.pi / 4), 1e-14)
  T.near(stats.poisson(1e9):entropy(),
         0.5 * math.log(2 * math.pi * math.exp(1) * 1e9) - 1 / 12e9, 1e-14)
  T.near(stats.t(1):entropy(), stats.cauchy(0, 1):entropy(), 1e-14)
  T.ok(stats.cauchy():mean() ~= stats.cauchy():mean(), "Cauchy has no mean")
  T.eq(stats.t(1.5):var(), math.huge)
  T.near(stats.gamma(3, 2):median(), special.gammaincinv(3, 0.5) * 2, 1e-15)
  T.eq(stats.normal(1, 2):params(), {mean = 1, std = 2})
  T.eq(tostring(stats.binomial(10, 0.25)), "stats.binomial(n=10, p=0.25)")
end)

T.test("stats: errors name the function and the parameter", function()
  T.raises(function() stats.normal(0, -1) end, "stats.normal", "scale must be finite and > 0",
           "std=-1")
  T.raises(function() stats.gamma() end, "stats.gamma", "shape is required")
  T.raises(function() stats.beta(1, "x") end, "stats.beta", "b must be a number")
  T.raises(function() stats.binomial(10.5, 0.2) end, "stats.binomial", "n must be an integer")
  T.raises(function() stats.binomial(10, 1.5) end, "stats.binomial", "p must be between 0 and 1")
  T.raises(function() stats.poisson(-1) end, "stats.poisson", "lam")
  T.raises(function() stats.uniform(2, 1) end, "stats.uniform", "lo must be less than hi")
  T.raises(function() stats.normal(0, 1, 2) end, "stats.normal", "at most 2 parameters")
  T.raises(function() stats.normal():pmf(1) end, "d:pmf", "continuous", "d:pdf")
  T.raises(function() stats.poisson(1):pdf(1) end, "d:pdf", "discrete", "d:pmf")
  T.raises(function() stats.normal().cdf(1) end, "distribution expected as self")
  T.raises(function() stats.ks_test({}, stats.normal()) end, "stats.ks_test", "empty")
  T.raises(function() stats.ks_test({1, 0 / 0}, stats.normal()) end, "stats.ks_test", "x[2] is NaN")
  T.raises(function() stats.ks_test({1, 2}, stats.poisson(1)) end, "stats.ks_test", "discrete")
  T.raises(function() stats.ks_test({1, 2}, 3) end, "stats.ks_test", "distribution")
  T.raises(function() stats.ks_test({1, 2}, function() return 2 end) end, "outside [0, 1]")
  T.raises(function() stats.chisquare({1, 2}, {1, 2, 3}) end, "stats.chisquare", "2 categories", "3")
  T.raises(function() stats.chisquare({1, -2}) end, "stats.chisquare", "observed[2]")
  T.raises(function() stats.chisquare({1, 2}, {1, 0}) end, "stats.chisquare", "expected[2]")
  T.raises(function() stats.chisquare({1, 2}, {1, 1}) end, "stats.chisquare", "sums")
  T.raises(function() stats.chisquare({1, 2}, nil, 1) end, "stats.chisquare", "degrees of freedom")
  T.raises(function() stats.describe({}) end, "stats.describe", "empty")
end)

-- One point u against the uniform cdf: D+ = 1 - u and D- = u, and for n = 1
-- P(D+ >= d) = 1 - d; the two-sided tail above 1/2 is twice the one-sided.
T.test("stats.ks_test's alternatives on one point", function()
  local U = stats.uniform(0, 1)
  local D, p = stats.ks_test({0.25}, U, {alternative = "greater"})
  T.near(D, 0.75, 1e-15); T.near(p, 0.25, 1e-14)
  D, p = stats.ks_test({0.25}, U, {alternative = "less"})
  T.near(D, 0.25, 1e-15); T.near(p, 0.75, 1e-14)
  D, p = stats.ks_test({0.25}, U, {alternative = "two-sided"})
  T.near(D, 0.75, 1e-15); T.near(p, 0.5, 1e-14)
  local D2, p2 = stats.ks_test({0.25}, U)
  T.eq(D2, D); T.eq(p2, p)
  -- a cdf function gives the same statistics as the family
  local g = rng.new(7)
  local x = g:standard_normal(300)
  for _, alt in ipairs{"two-sided", "less", "greater"} do
    local a, b = stats.ks_test(x, stats.normal(), {alternative = alt})
    local c, d = stats.ks_test(x, function(v) return special.ndtr(v) end, {alternative = alt})
    T.eq(a, c, alt); T.eq(b, d, alt)
  end
end)

T.test("stats.ks_test: options and cdf failures", function()
  T.raises(function() stats.ks_test({1, 2}, stats.normal(), {alternate = "less"}) end,
           "stats.ks_test", "unknown option 'alternate'")
  T.raises(function() stats.ks_test({1, 2}, stats.normal(), {alternative = "both"}) end,
           "stats.ks_test", "alternative", "\"greater\"", "both")
  T.raises(function() stats.ks_test({1, 2}, stats.normal(), 3) end, "stats.ks_test", "options")
  T.raises(function() stats.ks_test({1, 2}, function() return "x" end) end,
           "stats.ks_test", "the cdf returned string", "not a number")
  local err = T.raises(function() stats.ks_test({1, 2}, function() error({why = 1}) end) end)
  T.ok(err:find("table"), "the cdf's own error value comes through: " .. err)
  T.raises(function() stats.ks_test({1, 2}, function() error("boom") end) end, "boom")
end)
