-- Reductions and sorting timed against scripts/bench/array_reduce.py.
-- Prints "name seconds", the best of 5 runs.
local timing = dofile((arg[0]:match("^(.*/)") or "") .. "timing.lua")
local function bench(name, f) return timing(name, 5, f) end

local function column(n) local t = {} for i = 1, n do t[i] = {i - 1} end return array(t) end
local function row(n) local t = {} for i = 1, n do t[i] = i - 1 end return array(t) end

local x = ((column(10000) * 1000 + row(1000)) * 0.37):sin()     -- 10^7 values
local m = ((column(4000) * 4000 + row(4000)) * 0.11):cos()      -- 4000 x 4000
local s = ((row(1000000)) * 0.7):sin()

bench("sum_1e7", function() return x:sum() end)
bench("sum_axis1_4000", function() return m:sum(1) end)
bench("sum_axis2_4000", function() return m:sum(2) end)
bench("mean_1e7", function() return x:mean() end)
bench("std_1e7", function() return x:std() end)
bench("max_1e7", function() return x:max() end)
bench("argmax_1e7", function() return x:argmax() end)
bench("logsumexp_1e7", function() return x:logsumexp() end)
bench("sort_1e6", function() return s:sort() end)
bench("argsort_1e6", function() return s:argsort() end)
bench("topk_100_of_1e6", function() return s:topk(100) end)
