-- The special module against exact values (mpmath at 80 digits, with
-- SciPy's values alongside: tests/fixtures/make_special.py).
--
-- An error is measured in ulps of the exact value.  A function cannot be
-- more accurate than its arguments allow: rounding an argument by half an
-- ulp moves the exact result by its condition number (stored with each
-- case) times that.  So each case must be within 2 x condition + a small
-- allowance per function; the allowance is the "few ulp" promised in
-- docs/special.md.  The incomplete beta functions also round 1 - x
-- internally, which costs up to max(a, b) ulp, as it does in SciPy.
local T = require "testing"
local F = dofile("tests/fixtures/special.lua")

local EPS = 2.220446049250313e-16

local allowance = {
  gammaln = 2, gamma = 2, digamma = 4, polygamma = 4, zeta = 4, beta = 8, betaln = 4,
  erf = 2, erfc = 2, erfinv = 2, erfcinv = 2, ndtr = 2, ndtri = 2,
  gammainc = 4, gammaincc = 6, gammaincinv = 4, gammainccinv = 4,
  betainc = 16, betaincc = 16, betaincinv = 16,
  expit = 1, logit = 1, xlogy = 1, xlog1py = 1, log1mexp = 1, logaddexp = 1,
}

local function ulps(got, want)
  if want ~= want then return got ~= got and 0 or math.huge end
  if got == want then return 0 end
  if want == 0 or math.abs(want) == math.huge then return math.huge end
  return math.abs(got - want) / math.abs(want) / EPS
end

-- group the cases by function, keeping the fixture's order
local groups, order = {}, {}
for _, c in ipairs(F) do
  if not groups[c[1]] then groups[c[1]] = {}; order[#order + 1] = c[1] end
  table.insert(groups[c[1]], c)
end

for _, name in ipairs(order) do
  T.test("special." .. name .. " against mpmath", function()
    local f = special[name]
    T.ok(type(f) == "function", "special." .. name .. " exists")
    local worst, wcase, scipy = -math.huge, nil, 0
    for _, c in ipairs(groups[name]) do
      local args, want, ref, cond = c[3], c[4], c[5], c[6]
      local extra = allowance[name]
      if name:match("^betainc") then extra = extra + math.max(args[1], args[2]) end
      local e = ulps(f(table.unpack(args)), want)
      local excess = e - 2 * cond - extra
      if excess > worst then worst, wcase = excess, c end
      local s = ulps(ref, want)
      if s < math.huge and s > scipy then scipy = s end
    end
    T.ok(worst <= 0, string.format("%s(%s) [%s]: %.3g ulp beyond the allowance (condition %.3g)",
      name, table.concat(wcase[3], ", "), wcase[2], worst, wcase[6]))
  end)
end

T.test("special: numbers give numbers, arrays give arrays, broadcast", function()
  T.eq(math.type(special.erf(0.5)), "float")
  local x = array.new{0.5, 1, 2}
  local y = special.gammainc(array.new{{1}, {2}}, x)
  T.eq(y.shape, {2, 3})
  T.near(y:get(2, 3), special.gammainc(2, 2), 0)
  T.near(special.erf(x):totable(), {special.erf(0.5), special.erf(1), special.erf(2)}, 0)
  -- int64 and float32 arguments are read as float64; tables too
  T.near(special.gammaln(array.new({1, 2, 3}, "int64")):totable(), {0, 0, math.log(2)}, 1e-15, 1e-15)
  T.near(special.expit({0, 0}):totable(), {0.5, 0.5}, 0)
end)

T.test("special: out arrays, in place and float32", function()
  local x = array.linspace(0.1, 0.9, 9)
  local want = special.logit(x)
  local out = array.zeros(9)
  T.eq(special.logit(x, out), out)
  T.near(out:totable(), want:totable(), 0)
  special.logit(x, x)                       -- in place
  T.near(x:totable(), want:totable(), 0)
  local o32 = array.zeros(9, "float32")
  special.expit(want, o32)
  T.near(o32:totable(), special.expit(want):totable(), 1e-7)
  -- a strided view as the output, overlapping its input
  local a = array.range(1, 10) * 1.0
  special.gammaln(a[{{1, 9}}], a[{{2, 10}}])
  T.near(a:get(10), special.gammaln(9), 1e-15)
end)

T.test("special: large arrays are done in parallel and give the same values", function()
  local x = array.linspace(0.01, 50, 200001)
  local y = special.digamma(x)
  for _, i in ipairs{1, 777, 100000, 200001} do
    T.eq(y:get(i), special.digamma(x:get(i)))
  end
end)

T.test("special: domain edges as in SciPy", function()
  local nan = function(v) return v ~= v end
  T.ok(nan(special.gammainc(-1, 1)), "gammainc(-1, 1) is NaN")
  T.ok(nan(special.erfinv(1.5)), "erfinv(1.5) is NaN")
  T.eq(special.erfinv(1), math.huge)
  T.eq(special.erfinv(-1), -math.huge)
  T.eq(special.erfcinv(0), math.huge)
  T.eq(special.digamma(0), -math.huge)
  T.ok(nan(special.digamma(-2)), "digamma at a negative pole is NaN")
  T.eq(special.gammaln(0), math.huge)
  T.eq(special.gammainc(0.5, 0), 0)
  T.eq(special.gammaincc(0.5, math.huge), 0)
  T.eq(special.betainc(2, 3, 0), 0)
  T.eq(special.betainc(2, 3, 1), 1)
  T.ok(nan(special.betainc(2, 3, 1.5)), "betainc outside [0, 1] is NaN")
  T.eq(special.xlogy(0, 0), 0)
  T.eq(special.logaddexp(-math.huge, -math.huge), -math.huge)
  T.eq(special.log1mexp(0), -math.huge)
  T.ok(nan(special.log1mexp(1)), "log1mexp(1) is NaN")
  T.eq(special.logit(0), -math.huge)
  T.eq(special.logit(1), math.huge)
  T.ok(nan(special.polygamma(1.5, 2)), "polygamma of a non-integer order is NaN")
end)

T.test("special: errors name the function", function()
  T.raises(function() special.erf() end, "special.erf", "argument 1 is missing")
  T.raises(function() special.gammainc(1) end, "special.gammainc", "argument 2 is missing")
  T.raises(function() special.erf("x") end, "special.erf", "number or an array")
  T.raises(function() special.beta(array.zeros(3), array.zeros(4)) end,
           "special.beta", "broadcast", "(3,)", "(4,)")
  T.raises(function() special.erf(array.zeros(3), array.zeros(4)) end, "special.erf", "shape (4,)")
  T.raises(function() special.erf(array.zeros(3), array.zeros(3, "int64")) end,
           "special.erf", "float64 or float32")
  T.raises(function() special.erf(1, 2, 3) end, "special.erf", "expected 1 argument")
end)
