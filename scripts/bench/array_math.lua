-- Elementwise arithmetic and math, timed against scripts/bench/array_math.py
-- (the same operations on the same data in NumPy).  Prints "name seconds",
-- the best of 5 runs.
--   build/gibbs scripts/bench/array_math.lua
local R, K = 10000, 1000                    -- 10^7 elements as a (R, K) matrix

local function column(n, dtype)
  local t = {}
  for i = 1, n do t[i] = {i - 1} end
  return array.new(t, dtype or "float64")
end

local function row(n, dtype)
  local t = {}
  for i = 1, n do t[i] = i - 1 end
  return array.new(t, dtype or "float64")
end

local x = column(R) * K + row(K)            -- 0 .. 10^7 - 1
local a = x * (6 / 1e7) - 3                 -- [-3, 3)
local b = (x * 0.37):sin()
local c = (x * 0.11):cos()
local r = row(K)
local a32 = array.zeros({R, K}, "float32")
array.add(a, 0, a32)
local xi = column(R, "int64") * K + row(K, "int64")
local out = array.zeros({R, K})
local small = row(100)
local a6 = array.zeros(1000000)
array.add(row(1000000), 0, a6)
a6 = a6 * 1e-5 + 0.5                        -- (0.5, 10.5)

local timing = dofile((arg[0]:match("^(.*/)") or "") .. "timing.lua")
local function bench(name, f) return timing(name, 5, f) end

bench("mul_add_1e7", function() return a * b + c end)
bench("add_1e7", function() return a + b end)
bench("scale_1e7", function() return 0.5 * a end)
bench("add_row_1e7", function() return a + r end)
bench("add_out_1e7", function() return array.add(a, b, out) end)
bench("exp_1e7", function() return a:exp() end)
bench("exp_out_1e7", function() return array.exp(a, out) end)
bench("exp_f32_1e7", function() return a32:exp() end)
bench("sqrt_1e7", function() return b:abs():sqrt() end)
bench("sin_1e6", function() return a6:sin() end)
bench("log_1e6", function() return a6:log() end)
bench("lt_1e7", function() return a:lt(b) end)
bench("where_1e7", function() return array.where(a:gt(0), a, 0) end)
bench("floordiv_1e7", function() return a // 0.7 end)
bench("int_add_1e7", function() return xi + xi end)
bench("small_ops_1e4", function()
  for _ = 1, 10000 do local _ = small * 2 + 1 end
end)
