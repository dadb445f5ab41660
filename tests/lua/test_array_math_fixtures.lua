-- Arithmetic, comparisons and elementwise math against values computed by
-- NumPy (tests/fixtures/make_array_math.py).
--
-- Tolerances: everything is exact (bit for bit, signed zeros included)
-- except the transcendental functions and pow, arctan2: those are checked
-- within 1 ulp of the accurate reference (NumPy in long double, rounded),
-- and within 2 ulps of NumPy's own float results, which on this machine
-- come from SVML/AVX-512 approximations while gibbs uses glibc's libm
-- (long double for cbrt and tanh) and its own exp.
local T = require "testing"
local C = dofile("tests/lua/array_math_check.lua")
local B = dofile("tests/fixtures/array_math_binary.lua")
local U = dofile("tests/fixtures/array_math_unary.lua")

local TOL_NUMPY = 2        -- ulps from NumPy's float results
local TOL_REF = 1          -- ulps from the long double reference

local function check_case(r, c, what, inputs)
  if c.ref then
    C.check(r, c.want, c.dtype, TOL_NUMPY, what .. " (vs NumPy)", inputs)
    C.check(r, c.ref, c.dtype, c.op == "sqrt" and 0 or TOL_REF, what .. " (vs reference)", inputs)
  else
    C.check(r, c.want, c.dtype, 0, what, inputs)
  end
end

local operators = {
  add = function(a, b) return a + b end,
  sub = function(a, b) return a - b end,
  mul = function(a, b) return a * b end,
  div = function(a, b) return a / b end,
  floor_divide = function(a, b) return a // b end,
  mod = function(a, b) return a % b end,
  pow = function(a, b) return a ^ b end,
  bitwise_and = function(a, b) return a & b end,
  bitwise_or = function(a, b) return a | b end,
  bitwise_xor = function(a, b) return a ~ b end,
}

T.test("binary operations on every pair of edge values match NumPy", function()
  local n = 0
  for _, c in ipairs(B.binary) do
    local g = B.grids[c.grid]
    local a, b = array.new(g.a, g.dtype), array.new(g.b, g.dtype)
    local what = string.format("array.%s on %s", c.op, c.grid)
    check_case(array[c.op](a, b), c, what, {g.a, g.b})
    if operators[c.op] then
      check_case(operators[c.op](a, b), c, what .. " (operator)", {g.a, g.b})
    end
    n = n + 1
  end
  T.ok(n > 80, "fixture cases found")
end)

T.test("the NumPy long names and methods give the same results", function()
  local alias = {subtract = "sub", multiply = "mul", divide = "div", remainder = "mod",
                 power = "pow", less = "lt", less_equal = "le", greater = "gt",
                 greater_equal = "ge", equal = "eq", not_equal = "ne", atan2 = "arctan2"}
  for long, short in pairs(alias) do
    for _, c in ipairs(B.binary) do
      if c.op == short and (c.grid == "float64" or c.grid == "int64_nonzero") then
        local g = B.grids[c.grid]
        local a, b = array.new(g.a, g.dtype), array.new(g.b, g.dtype)
        check_case(array[long](a, b), c, "array." .. long, {g.a, g.b})
        local m = a[short]
        if m then check_case(m(a, b), c, "a:" .. short, {g.a, g.b}) end
      end
    end
  end
end)

T.test("arrays of different dtypes promote like NumPy's", function()
  for _, c in ipairs(B.mixed) do
    local a, b = array.new(c.a, c.adtype), array.new(c.b, c.bdtype)
    check_case(array[c.op](a, b), c, string.format("array.%s(%s, %s)", c.op, c.adtype, c.bdtype))
  end
end)

T.test("Lua numbers are weak scalars (NumPy 2), on either side", function()
  for _, c in ipairs(B.scalar) do
    local a = array.new(c.a, c.adtype)
    local what = string.format("array.%s(%s%s%s)", c.op, c.first and tostring(c.s) .. ", " or "",
                               c.adtype, c.first and "" or ", " .. tostring(c.s))
    local r = c.first and array[c.op](c.s, a) or array[c.op](a, c.s)
    check_case(r, c, what)
    local f = operators[c.op]
    if f and type(c.s) == "number" then
      check_case(c.first and f(c.s, a) or f(a, c.s), c, what .. " (operator)")
    end
  end
end)

T.test("unary functions on edge and random values match NumPy", function()
  local n = 0
  for _, c in ipairs(U.unary) do
    local dtype = c.input:match("^%a+%d*")
    local x = array.new(U.inputs[c.input], dtype)
    local what = string.format("array.%s on %s", c.op, c.input)
    check_case(array[c.op](x), c, what, {U.inputs[c.input]})
    if x[c.op] then check_case(x[c.op](x), c, "a:" .. c.op .. " on " .. c.input) end
    n = n + 1
  end
  T.ok(n > 100, "fixture cases found")
end)

T.test("NumPy aliases of the math functions", function()
  local alias = {absolute = "abs", asin = "arcsin", acos = "arccos", atan = "arctan",
                 asinh = "arcsinh", acosh = "arccosh", atanh = "arctanh"}
  for long, short in pairs(alias) do
    for _, c in ipairs(U.unary) do
      if c.op == short and c.input == "float64" then
        local x = array.new(U.inputs.float64)
        check_case(array[long](x), c, "array." .. long, {U.inputs.float64})
      end
    end
  end
end)

T.test("round to decimals, halves to even, like np.round", function()
  for _, c in ipairs(U.round) do
    local x = array.new(c.x, c.xdtype)
    local what = string.format("array.round(%s, %d)", c.xdtype, c.decimals)
    check_case(array.round(x, c.decimals), c, what, {c.x})
    check_case(x:round(c.decimals), c, what .. " (method)", {c.x})
  end
end)

T.test("clip with NaN and missing bounds, like np.clip", function()
  for _, c in ipairs(B.clip) do
    local x = array.new(c.x, c.dtype)
    check_case(array.clip(x, c.lo, c.hi), c, string.format("clip(x, %s, %s)", c.lo, c.hi), {c.x})
  end
end)

T.test("where promotes x and y", function()
  for _, c in ipairs(B.where) do
    local r = array.where(array.new(c.mask, "bool"), array.new(c.x, "float64"),
                          array.new(c.y, "int64"))
    check_case(r, c, "where")
  end
end)

T.test("exp, log, sin and cos: at most one ulp from mpmath at their hard points, mostly exact", function()
  -- tests/fixtures/make_vmath.py: the table points, midpoints and range
  -- boundaries of the vectorised kernels, with correctly rounded values
  local V = dofile("tests/fixtures/vmath.lua")
  local function bits(v) return string.unpack("<i8", string.pack("<d", v)) end
  for _, f in ipairs{"log", "exp", "sin", "cos"} do
    local xs, want = V[f .. "_x"], V[f .. "_y"]
    local got = array[f](array.new(xs)):totable()
    local off, exact = {}, 0
    for i = 1, #xs do
      local d = math.abs(bits(got[i]) - bits(want[i]))
      if d == 0 then exact = exact + 1
      elseif d > 1 then off[#off + 1] = string.format("%s(%.17g) = %.17g, want %.17g", f, xs[i], got[i], want[i]) end
    end
    T.eq(#off, 0, table.concat(off, "; ", 1, math.min(#off, 3)))
    T.ok(exact >= 0.95 * #xs, string.format("%s: %d of %d correctly rounded", f, exact, #xs))
    -- float32: the double result rounded once, so correctly rounded
    local got32 = array[f](array.new(xs, "float32")):totable()
    local bad = 0
    for i = 1, #xs do
      local x32 = string.unpack("<f", string.pack("<f", xs[i]))
      local w = string.unpack("<f", string.pack("<f", math[f](x32)))
      if got32[i] ~= w and not (got32[i] ~= got32[i] and w ~= w) then bad = bad + 1 end
    end
    T.eq(bad, 0, f .. " in float32")
  end
end)
