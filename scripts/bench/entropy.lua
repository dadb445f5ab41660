-- Entropy estimators timed against scripts/bench/entropy.py (scikit-learn's
-- mutual_info_regression, the Kozachenko-Leonenko estimator written with
-- SciPy's cKDTree, the Frenzel-Pompe conditional MI with cKDTree, permutation
-- entropy with NumPy).  Prints "name seconds";
-- on stderr the O(n log n) check (time at 2n over time at n, target <= 2.3).
-- For the speed-up from threads, run it again with OMP_NUM_THREADS=1.
local bench = dofile((arg[0]:match("^(.*/)") or "") .. "timing.lua")

local g = rng.new(1)
local function pair(n)
  local x = g:standard_normal(n)
  return x, 0.5 * x + g:standard_normal(n) * math.sqrt(0.75)
end
local x1, y1 = pair(100000)
local x2, y2 = pair(200000)
local t1 = bench("ksg_mi_1e5", 7, function() return entropy.ksg(x1, y1) end)
local t2 = bench("ksg_mi_2e5", 7, function() return entropy.ksg(x2, y2) end)
io.stderr:write(string.format("  KSG: time at 2e5 / time at 1e5 = %.2f (target <= 2.3)\n", t2 / t1))
local X = g:standard_normal({100000, 3})
bench("knn_entropy_1e5_d3", 3, function() return entropy.knn(X, {noise = false}) end)
local zc = g:standard_normal(100000)
local xc, yc = zc + g:standard_normal(100000), zc + g:standard_normal(100000)
local c1 = bench("ksg_cmi_1e5", 3, function() return entropy.ksg_cmi(xc, yc, zc) end)
local c2 = bench("ksg_cmi_alg2_1e5", 3, function() return entropy.ksg_cmi(xc, yc, zc, {algorithm = 2}) end)
io.stderr:write(string.format("  KSG CMI: algorithm 2 / algorithm 1 time = %.2f\n", c2 / c1))
local s = g:standard_normal(10000000)
bench("permutation_1e7_order5", 3, function() return entropy.permutation(s, {order = 5}) end)
local V = g:standard_normal({2000, 64})
bench("vendi_2000_d64", 3, function() return entropy.vendi_data(V) end)
