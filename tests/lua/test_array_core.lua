-- Array creation, views and indexing: expressions checked against NumPy
-- (tests/fixtures/make_array_core.py), view semantics (shared memory, no
-- buffer allocated), assignment through every index form, memory seen by the
-- garbage collector, and errors.
local T = require "testing"
local F = dofile("tests/fixtures/array_core.lua")

local function flat(t, out)
  out = out or {}
  if type(t) ~= "table" then out[#out + 1] = t return out end
  for _, v in ipairs(t) do flat(v, out) end
  return out
end

local function base()
  return array.range(0, 59):astype("float64"):reshape(3, 4, 5), array.range(0, 9):astype("float64")
end

T.test("indexing, views and creation match NumPy (" .. #F .. " expressions)", function()
  for _, c in ipairs(F) do
    local a, v = base()
    local f = assert(load("return " .. c.lua, "=" .. c.lua, "t", {a = a, v = v, array = array}))
    local got = f()
    if type(got) == "number" then
      T.eq(#c.shape, 0, c.lua .. ": a number for a 0-d result")
      T.eq(got, c.data[1], c.lua)
    else
      T.eq(got.shape, c.shape, c.lua .. ": shape")
      local g = flat(got:totable())
      T.eq(#g, #c.data, c.lua .. ": size")
      for i, w in ipairs(c.data) do
        if g[i] ~= w then error(string.format("%s: element %d: expected %s, got %s", c.lua, i, w, g[i]), 0) end
      end
    end
  end
end)

T.test("integer ranges are int64, float ranges float64; range includes its end", function()
  T.eq(array.range(1, 3).dtype, "int64")
  T.eq(array.range(1, 2, 0.5).dtype, "float64")
  T.eq(array.range(1, 2, 0.5):totable(), {1, 1.5, 2})
  T.eq(array.range(0, 0.3, 0.1).size, 4)
  T.eq(array.linspace(0, 1, 3):totable(), {0, 0.5, 1})
  T.eq(array.linspace(2, 3, 1):totable(), {2})
  T.eq(array.full(2, true).dtype, "bool")
  T.eq(array.full(2, 3).dtype, "int64")
  T.eq(array.full(2, 3, "float32").dtype, "float32")
  T.eq(array.ones_like(array{1.5, 2}):totable(), {1, 1})
  T.eq(array.zeros_like(array({1, 2}, "float32")).dtype, "float32")
  T.eq(array.full_like({{1, 2}}, 9):totable(), {{9, 9}})
  T.eq(array.empty_like({1, 2, 3}).shape, {3})
  T.eq(array{7}:item(), 7)
  T.eq(array{{true}}:item(), true)
end)

T.test("views share memory with their base; copies do not", function()
  local a = array.zeros({3, 4})
  local row, col, t, r = a[2], a[{":", 3}], a.T, a:reshape(12)
  row[{{1, 2}}] = 5
  T.eq(a:get(2, 1), 5.0)
  col[1] = 7
  T.eq(a:get(1, 3), 7.0)
  t[{4, 3}] = 9
  T.eq(a:get(3, 4), 9.0)
  r[12] = 1
  T.eq(a:get(3, 4), 1.0)
  local c = a:copy()
  c[1] = 100
  T.eq(a:get(1, 1), 0.0)
  local m = a[a:eq(5)]
  m[1] = -1
  T.eq(a:get(2, 1), 5.0, "a masked selection is a copy")
  T.ok(a:contiguous() == a, "contiguous() returns a C-contiguous array itself")
  T.ok(a.T:contiguous() ~= a.T, "and copies a transposed one")
end)

T.test("reshape of a non-contiguous view copies only when it must", function()
  local a = array.range(1, 24):reshape(2, 3, 4)
  local v = a[{":", ":", {1, 4, 2}}]              -- strided: 2 x 3 x 2
  local r = v:reshape(6, 2)                       -- the last axis is kept whole
  r[{1, 1}] = 100
  T.eq(a:get(1, 1, 1), 100, "a view: the strided axis is untouched")
  local f = a.T:reshape(24)                       -- must copy
  f[1] = -5
  T.eq(a:get(1, 1, 1), 100, "a copy: writing to it leaves a alone")
end)

T.test("slicing, transposing and reshaping a big array allocate no buffer", function()
  -- array buffers count in collectgarbage("count"): one copy would add 31250 kB
  local big = array.zeros(4000000)
  local views = {}
  collectgarbage(); collectgarbage("stop")
  local kb0 = collectgarbage("count")
  for _ = 1, 100 do
    views[#views + 1] = big[{{2, -2}}]
    views[#views + 1] = big:reshape(2, -1)
    views[#views + 1] = big:reshape(2, -1).T
  end
  local grew = collectgarbage("count") - kb0
  collectgarbage("restart")
  T.ok(grew < 3000, string.format("300 views took %.0f kB", grew))
end)

T.test("assignment broadcasts through every index form", function()
  local a = array.zeros({3, 4}, "int64")
  a[2] = 1
  a[{":", 4}] = array{7, 8, 9}
  a[{{1, 3, 2}, {1, 2}}] = array{{5, 6}}
  a[{3, 3}] = 4
  T.eq(a:totable(), {{5, 6, 0, 7}, {1, 1, 1, 8}, {5, 6, 4, 9}})
  a[a:eq(1)] = -1
  T.eq(a[2]:totable(), {-1, -1, -1, 8})
  a[array{1, -1}] = 0
  T.eq(a:sum(), 5)
  a[":"] = 3
  T.eq(a:sum(), 36)
  local b = array{1, 2, 3, 4}
  b[{{1, 3}}] = b[{{2, 4}}]                       -- overlapping views
  T.eq(b:totable(), {2, 3, 4, 4})
  b[b:gt(3)] = array{10, 20}
  T.eq(b:totable(), {2, 3, 10, 20})
end)

T.test("ipairs and # walk the first axis", function()
  local a = array{10, 20, 30}
  local seen = {}
  for i, x in ipairs(a) do seen[i] = x end
  T.eq(seen, {10, 20, 30})
  T.eq(#array.zeros({5, 2}), 5)
  local rows = 0
  for _, row in ipairs(array.zeros({4, 2})) do rows = rows + 1; T.eq(row.shape, {2}) end
  T.eq(rows, 4)
end)

T.test("a view keeps its buffer alive after the base is dropped", function()
  local v
  do
    local a = array.range(1, 100000):astype("float64")
    v = a[{{99991, 100000}}]
  end
  collectgarbage(); collectgarbage()
  local junk = {}
  for i = 1, 100 do junk[i] = array.zeros(10000) + i end
  collectgarbage(); collectgarbage()
  T.eq(v:totable(), {99991, 99992, 99993, 99994, 99995, 99996, 99997, 99998, 99999, 100000})
end)

T.test("temporaries in a loop stay below 200 MB without collectgarbage()", function()
  if os.getenv("SANITIZE") == "1" then
    T.skip("AddressSanitizer's quarantine keeps freed memory resident")
  end
  local script = [[
    local a = array.zeros(1000000)
    for i = 1, 2000 do local t = a * 2 end
    for line in io.lines("/proc/self/status") do
      local kb = line:match("^VmHWM:%s+(%d+)")
      if kb then print(kb) end
    end
  ]]
  local out = T.run(T.gibbs .. " -", script)
  local kb = tonumber(out:match("(%d+)"))
  T.ok(kb and kb < 200 * 1024, "peak resident memory " .. tostring(kb) .. " kB")
end)

T.test("index arrays past the maximum rank are refused (issue 14 item 3)", function()
  local shape = {}
  for i = 1, 32 do shape[i] = 1 end
  local a = array.zeros(shape)
  local idx = array.ones({1, 1, 1}, "int64")
  T.raises(function() a[idx] = 0 end, "too many dimensions (34, at most 32)")
  T.raises(function() return a[idx] end, "too many dimensions (34, at most 32)")
  T.eq(a:sum(), 0)
end)

T.test("mask and index selection on every dtype and layout", function()
  for _, dt in ipairs{"float64", "float32", "int64", "bool"} do
    local base = array.range(1, 24):reshape(4, 6):astype(dt)
    for _, a in ipairs{base, base.T, base[{":", {6, 1, -1}}], base[{{1, 4, 2}, ":"}]} do
      local n1, n2 = a.shape[1], a.shape[2]
      -- a[idx] along axis 1, rows of several elements, negative indices
      local idx = array.new({n1, 1, -1, 2}, "int64")
      local t = a[idx]
      T.eq(t.shape, {4, n2})
      for r, i in ipairs{n1, 1, n1, 2} do
        for j = 1, n2 do T.eq(t:get(r, j), a:get(i, j)) end
      end
      -- a 1-D gather of single elements through a strided index array
      local row = a[{":", 1}]
      local ix = array.new({{1, 2}, {n1, 1}}, "int64")[{":", 1}]
      local g = row[ix]
      T.eq(g:totable(), {row:get(1), row:get(n1)})
      -- a full mask, and a mask over the leading axis
      local m = array.zeros({n1, n2}, "bool")
      local want = {}
      for i = 1, n1 do
        for j = 1, n2 do
          if (i + j) % 3 == 0 then m:set(i, j, true); want[#want + 1] = a:get(i, j) end
        end
      end
      T.eq(a[m]:totable(), want)
      local rm = array.new{true, false, true, false}
      if n1 == 4 then T.eq(a[rm].shape, {2, n2}) end
      -- assignment through both
      local c = a:copy()
      c[m] = 0
      T.eq(c[m]:any(), false)
      c[idx] = 1
      T.eq(c[array.new({1, 2, n1}, "int64")]:all(), true)
    end
  end
  local a = array.range(1, 5)
  T.raises(function() a[array.new({1, 9}, "int64")] = 0 end, "index 9 out of range for axis 1 of length 5")
  T.eq(a:totable(), {1, 2, 3, 4, 5})   -- nothing written before the bad index was found
end)

T.test("bad indices and shapes give clear errors", function()
  local a = array.zeros({3, 4})
  T.raises(function() return a[{4, 1}] end, "array indexing", "index 4 out of range for axis 1 of length 3")
  T.raises(function() return a[{1, -5}] end, "index -5 out of range for axis 2 of length 4")
  T.raises(function() return a[{1, 2, 3}] end, "3 indices given for an array of 2 dimensions")
  T.raises(function() return a[{{1, 9}}] end, "range {1, 9} out of range for axis 1 of length 3")
  T.raises(function() return a[{{1, 2, 0}}] end, "step must not be 0")
  T.raises(function() return a[{1.5}] end, "must be an integer")
  T.raises(function() return a[true] end, "cannot index an array with a boolean")
  T.raises(function() return a[array{true, false}] end, "mask of shape (2,) does not match")
  T.raises(function() return a[array{4}] end, "index 4 out of range for axis 1")
  T.raises(function() return a[array{1.5}] end, "bool (a mask) or int64")
  T.raises(function() a[{":", 1}] = array{1, 2} end, "array assignment", "shape (2,)", "shape (3,)")
  T.raises(function() a.shape = 3 end, "cannot set field 'shape'")
  T.raises(function() a:reshape(5, 2) end, "array:reshape", "(3, 4)", "(5, 2)")
  T.raises(function() a:reshape(-1, -1) end, "only one extent can be -1")
  T.raises(function() a:reshape(-1, 5) end, "cannot infer")
  T.raises(function() a:transpose{1, 1} end, "repeated")
  T.raises(function() a:squeeze(1) end, "extent 3, not 1")
  T.raises(function() a:item() end, "one element", "(3, 4)")
  T.raises(function() a:astype("complex") end, "unknown dtype 'complex'")
  T.raises(function() array.concat({}) end, "at least one array")
  T.raises(function() array.stack({array{1}, array{1, 2}}) end, "array.stack", "equal shapes")
  T.raises(function() array.range(1, 2, 0) end, "step must not be 0")
  T.raises(function() array.linspace(0, 1, -1) end, "n must be >= 0")
  T.raises(function() array.zeros({2 ^ 40, 2 ^ 40}) end, "array.zeros")
  T.raises(function() array.new{{1, 2}, {3}} end, "array.new")
  T.raises(function() array.full(2, "x") end, "fill value")
end)
