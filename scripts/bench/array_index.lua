-- Element access from Lua: a:get/a:set and a[i] on an array against the same
-- loop over a plain Lua table (the target is at most 1.5x the table's
-- time), and views of a large array (constant time).  Prints "name seconds".
local N = 1000000
local timing = dofile((arg[0]:match("^(.*/)") or "") .. "timing.lua")
local function bench(name, f) return timing(name, 5, f) end

local a = array.zeros(N)
local t = {}
for i = 1, N do t[i] = 0.0 end

bench("table_get_1e6", function() local s = 0 for i = 1, N do s = s + t[i] end return s end)
bench("array_get_1e6", function() local s = 0 for i = 1, N do s = s + a:get(i) end return s end)
bench("array_index_1e6", function() local s = 0 for i = 1, N do s = s + a[i] end return s end)
bench("table_set_1e6", function() for i = 1, N do t[i] = i end end)
bench("array_set_1e6", function() for i = 1, N do a:set(i, i) end end)
local big = array.zeros({4000, 4000})
local small = array.zeros({4, 4})
local function views(x)
  for _ = 1, 10000 do
    local _ = x[{{2, -2}, {1, 2}}]
    local _ = x.T
    local _ = x:reshape(2, -1)
  end
end
bench("views_of_4x4_1e4", function() views(small) end)
bench("views_of_4000x4000_1e4", function() views(big) end)
