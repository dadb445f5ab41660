-- Linear algebra timed against scripts/bench/linalg.py (NumPy on the same
-- OpenBLAS).  Prints "name seconds", the best of a few runs.
--   build/gibbs scripts/bench/linalg.lua
local function matrix(n, m, f)
  local t = {}
  for i = 1, n do
    local row = {}
    for j = 1, m do row[j] = f(i - 1, j - 1) end
    t[i] = row
  end
  return array(t)
end

local function general(n) return matrix(n, n, function(i, j) return math.sin(0.37 * (i * n + j)) + (i == j and n ^ 0.5 or 0) end) end
local function symmetric(n)
  return matrix(n, n, function(i, j)
    local a, b = math.min(i, j), math.max(i, j)
    return math.cos(0.11 * (a * n + b)) + (i == j and 2 or 0)
  end)
end

local bench = dofile((arg[0]:match("^(.*/)") or "") .. "timing.lua")

local A2000, B2000 = general(2000), general(2000)
local b2000 = matrix(2000, 1, function(i) return math.cos(i) end)
local S1000, G1000 = symmetric(1000), general(1000)
local batch_a, batch_b = {}, {}
for p = 1, 100000 do
  local x, y = {}, {}
  for i = 1, 4 do
    x[i], y[i] = {}, {}
    for j = 1, 4 do
      x[i][j] = math.sin(p + 4 * i + j)
      y[i][j] = math.cos(p - 4 * i + j)
    end
  end
  batch_a[p], batch_b[p] = x, y
end
batch_a, batch_b = array(batch_a), array(batch_b)

bench("matmul_2000", 3, function() return linalg.matmul(A2000, B2000) end)
bench("solve_2000", 3, function() return linalg.solve(A2000, b2000) end)
bench("eigh_1000", 3, function() return linalg.eigh(S1000) end)
bench("svd_1000", 3, function() return linalg.svd(G1000) end)
bench("matmul_batch_1e5_4x4", 5, function() return linalg.matmul(batch_a, batch_b) end)
bench("inv_1000", 5, function() return linalg.inv(G1000) end)
