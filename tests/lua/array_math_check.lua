-- Shared by the test_array_math_*.lua files: exact and ulp comparison of
-- array results with fixture values.
local M = {}

local function key(x, dtype)
  -- IEEE bits as an integer that orders like the floats (-0 and +0 equal)
  if dtype == "float32" then
    local b = string.unpack("<i4", string.pack("<f", x))
    return b < 0 and (-2147483648 - b) or b
  end
  local b = string.unpack("<i8", string.pack("<d", x))
  return b < 0 and (math.mininteger - b) or b
end

-- Distance in units in the last place of dtype (math.huge across signs).
function M.ulps(x, y, dtype)
  if x == y then return 0 end
  if x ~= x or y ~= y then return math.huge end
  if (x < 0) ~= (y < 0) and x ~= 0 and y ~= 0 then return math.huge end
  local d = key(x, dtype) - key(y, dtype)
  return d < 0 and -d or d
end

-- Same value: NaN matches NaN, zeros must have the same sign.
function M.same(x, y)
  if x ~= x then return y ~= y end
  if x ~= y then return false end
  if x == 0 and math.type(x) == "float" and math.type(y) == "float" then
    return 1 / x == 1 / y
  end
  return math.type(x) == math.type(y) or type(x) ~= "number"
end

-- Compare an array with a table of wanted values; tol in ulps (0 = exact).
-- Returns the largest ulp distance seen, or raises with the first failure.
function M.check(got, want, dtype, tol, what, inputs)
  local g = got:totable()
  if got.dtype ~= dtype then
    error(string.format("%s: dtype %s, expected %s", what, got.dtype, dtype), 2)
  end
  if #g ~= #want then
    error(string.format("%s: %d values, expected %d", what, #g, #want), 2)
  end
  local worst = 0
  for i = 1, #want do
    local x, w = g[i], want[i]
    local ok
    if tol == 0 or type(w) ~= "number" or math.type(w) == "integer" or w ~= w or w == 0 then
      ok = M.same(x, w)
    else
      local u = M.ulps(x, w, dtype)
      if u > worst then worst = u end
      ok = u <= tol
    end
    if not ok then
      local args = {}
      for _, t in ipairs(inputs or {}) do args[#args + 1] = string.format("%.17g", t[i]) end
      error(string.format("%s: element %d%s: got %s, expected %s", what, i,
        #args > 0 and " (inputs " .. table.concat(args, ", ") .. ")" or "",
        string.format("%.17g", x), string.format("%.17g", w)), 2)
    end
  end
  return worst
end

return M
