-- Statistical helpers for the tests of random draws: the regularised
-- incomplete gamma function, chi-square and Kolmogorov-Smirnov p-values and
-- the normal CDF.  Written here (tests must not need Python) and checked
-- against SciPy values in tests/lua/test_sample.lua.
local S = {}

-- The regularised upper incomplete gamma Q(a, x): a series below a + 1, a
-- continued fraction (modified Lentz) above; checked against SciPy below.
function S.lgamma(z)            -- Lanczos, g = 7, for z > 0
  local c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
             771.32342877765313, -176.61502916214059, 12.507343278686905,
             -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7}
  if z < 0.5 then return math.log(math.pi / math.abs(math.sin(math.pi * z))) - S.lgamma(1 - z) end
  z = z - 1
  local x = c[1]
  for i = 1, 8 do x = x + c[i + 1] / (z + i) end
  local t = z + 7.5
  return 0.5 * math.log(2 * math.pi) + (z + 0.5) * math.log(t) - t + math.log(x)
end

function S.gammaq(a, x)
  if x <= 0 then return 1 end
  local lpre = -x + a * math.log(x) - S.lgamma(a)
  if x < a + 1 then
    local term, sum, n = 1 / a, 1 / a, 0
    repeat
      n = n + 1
      term = term * x / (a + n)
      sum = sum + term
    until math.abs(term) < math.abs(sum) * 1e-16 or n > 10000
    return 1 - math.exp(lpre) * sum
  end
  local tiny = 1e-300
  local b = x + 1 - a
  local c, d = 1 / tiny, 1 / b
  local h = d
  for i = 1, 10000 do
    local an = -i * (i - a)
    b = b + 2
    d = an * d + b; if math.abs(d) < tiny then d = tiny end
    c = b + an / c; if math.abs(c) < tiny then c = tiny end
    d = 1 / d
    local del = d * c
    h = h * del
    if math.abs(del - 1) < 1e-16 then break end
  end
  return math.exp(lpre) * h
end

function S.chi2_sf(x, df) return S.gammaq(df / 2, x / 2) end

-- Pearson's statistic of observed counts against probabilities q (pooling
-- the cells whose expected count is below 5); returns the p-value.
function S.pearson(counts, q, n)
  local stat, cells, pool_o, pool_e = 0, 0, 0, 0
  for i, qi in pairs(q) do
    local e = qi * n
    if e < 5 then
      pool_o, pool_e = pool_o + (counts[i] or 0), pool_e + e
    else
      stat = stat + ((counts[i] or 0) - e) ^ 2 / e
      cells = cells + 1
    end
  end
  if pool_e > 0 then
    stat = stat + (pool_o - pool_e) ^ 2 / pool_e
    cells = cells + 1
  end
  return S.chi2_sf(stat, cells - 1), stat, cells
end

-- The standard normal CDF: erfc(z) = Q(1/2, z^2) for z >= 0.
function S.normal_cdf(x)
  local q = 0.5 * S.gammaq(0.5, x * x / 2)
  return x < 0 and q or 1 - q
end

-- The two-sided Kolmogorov-Smirnov p-value of sorted draws x (a table)
-- against the CDF cdf (Stephens' approximation of the limit law).
function S.ks_pvalue(x, cdf)
  local n, d = #x, 0
  for i, v in ipairs(x) do
    local f = cdf(v)
    d = math.max(d, i / n - f, f - (i - 1) / n)
  end
  local sq = math.sqrt(n)
  local lam = (sq + 0.12 + 0.11 / sq) * d
  local p, sign = 0, 1
  for k = 1, 100 do
    p = p + sign * 2 * math.exp(-2 * k * k * lam * lam)
    sign = -sign
  end
  return math.max(0, math.min(1, p)), d
end

return S
