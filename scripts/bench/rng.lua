-- Random numbers timed against scripts/bench/rng.py (NumPy's
-- default_rng()).  Prints "name seconds"; on stderr the ratio of a million
-- scalar g:normal() calls to a million math.random() calls (target <= 2).
local bench = dofile((arg[0]:match("^(.*/)") or "") .. "timing.lua")

local g = rng.new(1)
bench("normal_1e7", 5, function() return g:standard_normal(10000000) end)
bench("uniform_1e7", 5, function() return g:random(10000000) end)
bench("exponential_1e7", 5, function() return g:exponential(1, 10000000) end)
bench("integers_1e7", 5, function() return g:integers(1, 100, 10000000) end)
local p = g:random(50000)
bench("categorical_50k_1e6", 5, function() return g:categorical(p, 1000000) end)
bench("poisson_1e6", 5, function() return g:poisson(30, 1000000) end)
local scalar = bench("scalar_normal_1e6", 5, function()
  local s = 0
  for _ = 1, 1000000 do s = s + g:normal() end
  return s
end)
local base = math.huge
for _ = 1, 5 do
  local t0 = time.now()
  local s = 0
  for _ = 1, 1000000 do s = s + math.random() end
  base = math.min(base, time.now() - t0)
end
io.stderr:write(string.format("  scalar g:normal() loop = %.2f x a math.random() loop (target <= 2)\n", scalar / base))
