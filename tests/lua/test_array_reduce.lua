-- Reductions, sorting and selection against NumPy/SciPy
-- (tests/fixtures/make_array_reduce.py): every function, every axis,
-- keepdims, every dtype, NaN, infinities, signed zeros and empty arrays.
--
-- Tolerances: integer and bool results, orders and positions are exact;
-- float64 results agree within 4 ulps (NumPy and gibbs both sum pairwise,
-- but block boundaries and the exp/log of logsumexp differ in the last
-- bits); float32 results within 1 float32 ulp of NumPy's float64 result
-- rounded to float32.
local T = require "testing"
local F = dofile("tests/fixtures/array_reduce.lua")

local function nest(data, shape, dim, offset)
  dim, offset = dim or 1, offset or 0
  if #shape == 0 then return data[1] end
  local t, stride = {}, 1
  for d = dim + 1, #shape do stride = stride * shape[d] end
  for i = 1, shape[dim] do
    if dim == #shape then t[i] = data[offset + i]
    else t[i] = nest(data, shape, dim + 1, offset + (i - 1) * stride) end
  end
  return t
end

local function make(input)
  for _, n in ipairs(input.shape) do
    if n == 0 then return array.zeros(input.shape, input.dtype) end
  end
  return array.new(nest(input.data, input.shape), input.dtype)
end

local function flat(t, out)
  out = out or {}
  if type(t) ~= "table" then out[#out + 1] = t return out end
  for _, v in ipairs(t) do flat(v, out) end
  return out
end

local function close(got, want, dtype, scale)
  if want ~= want then return got ~= got end
  if type(want) ~= "number" or type(got) ~= "number" then return got == want end
  if got == want then
    -- signed zeros must match too
    return want ~= 0 or 1 / got == 1 / want
  end
  if dtype == "int64" or math.type(want) == "integer" then return false end
  local ulp = dtype == "float32" and 2 ^ -23 or 2 ^ -52
  local tol = (dtype == "float32" and 1 or 4) * ulp * math.max(math.abs(want), scale or 0)
  return math.abs(got - want) <= math.max(tol, dtype == "float32" and 1e-37 or 1e-300)
end

local function check_array(got, want, what, scale)
  if type(got) ~= "userdata" then error(what .. ": expected an array, got " .. type(got), 0) end
  T.eq(got.dtype, want.dtype, what .. ": dtype")
  T.eq(got.shape, want.shape, what .. ": shape")
  local g = flat(got:totable())
  for i, w in ipairs(want.data) do
    if not close(g[i], w, want.dtype, scale) then
      error(string.format("%s: element %d: expected %.17g, got %s", what, i, w, tostring(g[i])), 0)
    end
  end
end

local function check(got, want, what, scale)
  if want.error then error(what .. ": expected an error", 0) end
  if want.list then
    for i, w in ipairs(want.list) do check(got[i], w, what .. " result " .. i, scale) end
    return
  end
  if want.dtype then return check_array(got, want, what, scale) end
  if want.kind == "bool" then T.eq(got, want.value, what) return end
  if want.kind == "int" then
    T.ok(math.type(got) == "integer" and got == want.value,
         what .. ": expected integer " .. want.value .. ", got " .. tostring(got))
    return
  end
  T.ok(type(got) == "number" and close(got, want.value, "float64", scale),
       string.format("%s: expected %.17g, got %s", what, want.value, tostring(got)))
end

-- Group the cases by function so that a failure names the function.
local groups, order = {}, {}
for _, c in ipairs(F.cases) do
  local name = c.call:match("^a:(%w+)")
  if not groups[name] then groups[name] = {}; order[#order + 1] = name end
  table.insert(groups[name], c)
end

-- partition and argpartition guarantee only that the k-th elements are in
-- place with smaller ones before and larger ones after: check that property
-- against NumPy's sorted array.
local function check_partition(got, a, sorted, ks, what)
  local shape = a.shape
  local lane = shape[#shape]
  local v, data = flat(got:totable()), flat(a:totable())
  local arg = what:find("argpartition", 1, true)
  local function num(x) if type(x) == "boolean" then return x and 1 or 0 end return x end
  local function le(x, y) x, y = num(x), num(y) return y ~= y or (x == x and x <= y) end
  for base = 0, #v - 1, lane do
    local w = {}
    for i = 1, lane do
      if arg then w[i] = data[base + v[base + i]] else w[i] = v[base + i] end
    end
    for _, k in ipairs(ks) do
      local want = num(sorted[base + k])
      w[k] = num(w[k])
      T.ok(close(w[k], want, "float64") or (w[k] ~= w[k] and want ~= want),
           what .. ": element " .. k .. " in place")
      for i = 1, k - 1 do T.ok(le(w[i], w[k]), what .. ": element " .. i .. " before " .. k) end
      for i = k + 1, lane do T.ok(le(w[k], w[i]), what .. ": element " .. i .. " after " .. k) end
    end
  end
end

for _, name in ipairs(order) do
  if name == "partition" or name == "argpartition" then
    T.test(name .. " puts the k-th elements in place (" .. #groups[name] .. " cases)", function()
      for _, c in ipairs(groups[name]) do
        local a = make(F.inputs[c.input])
        local ks = assert(load("return " .. c.call:match("%((.*)%)")))()
        local got = assert(load("return " .. c.call, "=" .. c.call, "t", {a = a}))()
        check_partition(got, a, c.want.data, type(ks) == "table" and ks or {ks}, c.input .. ": " .. c.call)
      end
    end)
    goto continue
  end
  T.test(name .. " matches NumPy (" .. #groups[name] .. " cases)", function()
    for _, c in ipairs(groups[name]) do
      local a = make(F.inputs[c.input])
      local f = assert(load("return " .. c.call, "=" .. c.call, "t", {a = a, math = math}))
      local what = c.input .. ": " .. c.call
      local res = table.pack(pcall(f))
      if c.want.error then
        T.ok(not res[1], what .. ": expected an error")
        T.ok(tostring(res[2]):find(c.want.error, 1, true), what .. ": error '" .. tostring(res[2]) ..
             "' does not mention '" .. c.want.error .. "'")
      else
        if not res[1] then error(what .. ": " .. tostring(res[2]), 0) end
        local scale = (name == "quantile" or name == "percentile" or name == "median") and 8 or nil
        check(c.want.list and {table.unpack(res, 2, res.n)} or res[2], c.want, what, scale)
      end
    end
  end)
  ::continue::
end

T.test("the sum of 10^7 copies of 0.1 is accurate like NumPy's pairwise sum", function()
  local a = array.zeros(10000000) + 0.1
  T.ok(math.abs(a:sum() - 1e6) <= 1e-9 * 1e6, "sum " .. a:sum())
  T.ok(math.abs(a:mean() - 0.1) <= 1e-15, "mean")
end)

T.test("long runs, folded in pieces on all threads, give the one-thread answer", function()
  -- runs of 4 * 2^20 doubles or more are cut into pieces of 2^20 folded in
  -- parallel and combined in order; shorter ones are folded on one thread
  local P = 1048576
  local n = 5 * P + 123
  local a = rng.new(5):standard_normal(n)
  local sum, mx = 0, -math.huge
  for lo = 1, n, P do
    local piece = a[{{lo, math.min(lo + P - 1, n)}}]
    sum = sum + piece:sum()
    mx = math.max(mx, piece:max())
  end
  T.eq(a:sum(), sum, "sum equals the in-order fold of the pieces")
  T.eq(a:max(), mx)
  T.near(array.zeros(n):logsumexp(), math.log(n), 1e-15)
  -- ties across pieces: the first wins; infinities are not NaN
  a[3 * P + 5], a[4 * P + 7] = 10, 10
  a[2 * P + 3], a[5 * P + 1] = -10, -10
  T.eq(a:argmax(), 3 * P + 5)
  T.eq(a:argmin(), 2 * P + 3)
  a[4 * P + 100] = math.huge
  a[P + 100] = -math.huge
  T.eq(a:max(), math.huge)
  T.eq(a:min(), -math.huge)
  T.eq(a:argmax(), 4 * P + 100)
  T.eq(a:argmin(), P + 100)
  -- NaN: max and min give NaN, argmax and argmin the first NaN, nanmax skips it
  a[4 * P + 9], a[2 * P + 1] = 0 / 0, 0 / 0
  T.ok(a:max() ~= a:max() and a:min() ~= a:min(), "max and min are NaN")
  T.eq(a:argmax(), 2 * P + 1)
  T.eq(a:argmin(), 2 * P + 1)
  T.eq(a:nanmax(), math.huge)
  T.ok(a:sum() ~= a:sum(), "sum is NaN")
end)

T.test("large folds along an axis, split in slabs on all threads, give the one-thread answer", function()
  -- 2100 x 2100 is above the 4 * 2^20 elements where slabs along a kept
  -- axis are folded in parallel; the half-size views below are folded on
  -- one thread, visiting each output's inputs in the same order
  local m = rng.new(6):standard_normal({2100, 2100})
  local left, top = m[{":", {1, 1050}}], m[{{1, 1000}, ":"}]
  local function same(whole, part, what)
    local w, p = whole:totable(), part:totable()
    local bad = 0
    for i = 1, #p do
      if type(p[i]) == "table" then
        for j = 1, #p[i] do if p[i][j] ~= w[i][j] then bad = bad + 1 end end
      elseif p[i] ~= w[i] then bad = bad + 1 end
    end
    T.eq(bad, 0, what)
  end
  same(m:sum(1), left:sum(1), "sum over rows")
  same(m:sum(2), top:sum(2), "sum over columns")
  same(m:max(1), left:max(1), "max over rows")
  same(m:std(2), top:std(2), "std over columns")
  same(m:logsumexp(1), left:logsumexp(1), "logsumexp over rows")
  same(m:argmax(2), top:argmax(2), "argmax over columns")
end)

T.test("module forms equal the methods", function()
  local a = array{{1, 2, 3}, {4, 5, 6}}
  T.eq(array.sum(a), a:sum())
  T.eq(array.sum(a, 1):totable(), {5, 7, 9})
  T.eq(array.max(a, 2):totable(), {3, 6})
  T.eq(array.argmax(a), 6)
  T.eq(array.sort(array{3, 1, 2}):totable(), {1, 2, 3})
end)

T.test("bad axes and arguments give clear errors", function()
  local a = array{{1, 2}, {3, 4}}
  T.raises(function() a:sum(3) end, "array:sum", "axis 3", "2")
  T.raises(function() a:sum(-3) end, "axis -3")
  T.raises(function() a:mean("x") end, "array:mean")
  T.raises(function() a:topk(-1) end, "array:topk")
  T.raises(function() a:sum{axis = 1, keepdim = true} end, "unknown option 'keepdim' (expected axis, keepdims)")
  T.raises(function() a:sum{axis = 1, keepdims = 1} end, "option keepdims must be a boolean")
  T.raises(function() a:var{ddof = "1"} end, "option ddof must be a number")
  T.raises(function() a:topk(1, {largest = 1}) end, "option largest must be a boolean")
  T.raises(function() a:sort{axis = 1, kind = "stable"} end, "unknown option 'kind' (expected axis)")
end)
