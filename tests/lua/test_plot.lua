-- plot: the exact text of small plots (pixels placed by hand-checked
-- arithmetic), histogram bins and counts as NumPy makes them, bars in
-- eighths, heatmap shades, sparklines, and the errors.
local T = require "testing"

local function lines(s)
  local t = {}
  for l in s:gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
end

-- Whether a line of text holds a braille dot.
local function has_dots(l)
  for _, c in utf8.codes(l) do if c > 0x2800 and c <= 0x28ff then return true end end
  return false
end

-- The braille bits of the character at column j of a canvas row (after
-- the left frame), or 0 for a blank.
local function cell_bits(row, j)
  local k = 0
  for _, c in utf8.codes(row) do
    k = k + 1
    if k == j then return c >= 0x2800 and c <= 0x28ff and c - 0x2800 or 0 end
  end
end

T.test("plot.line draws the exact text of a small plot", function()
  local s = plot.line({1, 2, 3, 2, 1}, {width = 10, height = 5, print = false})
  T.eq(s, table.concat({
    "  ┌──────────┐",
    "3 │    ⡰⢣    │",
    "  │   ⡰⠁ ⢣   │",
    "2 │  ⡰⠁   ⢣  │",
    "  │ ⡰⠁     ⢣ │",
    "1 │⡰⠁       ⢣│",
    "  └──────────┘",
    "  1    3     5",
  }, "\n") .. "\n")
  -- the first point (pixel 0, 19) is the bottom-left dot of cell (5, 1):
  -- bit 0x40; the peak (pixel 10, 0) the top-left dot of cell (1, 6): 0x01
  local L = lines(s)
  T.ok(cell_bits(L[6]:sub(6), 1) & 0x40 ~= 0, "first point")
  T.ok(cell_bits(L[2]:sub(6), 6) & 0x01 ~= 0, "peak")
end)

T.test("plot.line on many points lights the pixels of a line per pair", function()
  -- the reference: Bresenham's line between every consecutive pair, into
  -- a bit grid, from the same pixel coordinates (plot.line joins runs of
  -- points in one pixel column instead)
  local W, H, n = 12, 4, 400
  local g = rng.new(7)
  local y = (g:standard_normal(n) + array.linspace(0, 8, n)):totable()
  local ylo, yhi = -4, 12
  local pw, ph = 2 * W - 1, 4 * H - 1
  local bits = {}
  local function set(px, py)
    local i = (py // 4) * W + px // 2 + 1
    local dot = ({[0] = {[0] = 0x01, 0x02, 0x04, 0x40}, {[0] = 0x08, 0x10, 0x20, 0x80}})[px % 2][py % 4]
    bits[i] = (bits[i] or 0) | dot
  end
  local function pix(i)
    return math.floor((i - 1) / (n - 1) * pw + 0.5), ph - math.floor((y[i] - ylo) / (yhi - ylo) * ph + 0.5)
  end
  for i = 2, n do
    local x0, y0 = pix(i - 1)
    local x1, y1 = pix(i)
    local dx, dy = math.abs(x1 - x0), -math.abs(y1 - y0)
    local sx, sy = x0 < x1 and 1 or -1, y0 < y1 and 1 or -1
    local err = dx + dy
    while true do
      set(x0, y0)
      if x0 == x1 and y0 == y1 then break end
      local e2 = 2 * err
      if e2 >= dy then err = err + dy; x0 = x0 + sx end
      if e2 <= dx then err = err + dx; y0 = y0 + sy end
    end
  end
  local L = lines(plot.line(y, {width = W, height = H, ylim = {ylo, yhi}, print = false}))
  local differ = 0
  for r = 1, H do
    local row = L[r + 1]:match("│(.*)│")
    for j = 1, W do
      if cell_bits(row, j) ~= (bits[(r - 1) * W + j] or 0) then differ = differ + 1 end
    end
  end
  T.eq(differ, 0, "cells that differ")
end)

T.test("plot.scatter puts each point on its own dot", function()
  -- a 1 x 1 canvas is 2 x 4 dots: (0, 0) bottom left (0x40), (1, 1) top right (0x08)
  local L = lines(plot.scatter({0, 1}, {0, 1}, {width = 1, height = 1, ylim = {0, 1}, print = false}))
  T.eq(L[2], "1 │" .. utf8.char(0x2800 + 0x48) .. "│")
  -- NaN and infinities are left out; a NaN breaks a line
  local s = plot.line({1, 0 / 0, 1, 1}, {width = 4, height = 1, ylim = {0, 2}, print = false})
  local row = lines(s)[2]
  T.eq(cell_bits(row:sub(6), 2), 0, "no line through the NaN")
end)

T.test("plot.line: series, 2-D arrays, legends, colors and titles", function()
  local x = array.linspace(0, 1, 50)
  local m = array.stack({x, x * x}, 2)
  local s = plot.line(m, {labels = {"x", "x^2"}, color = true, title = "T", xlabel = "X", ylabel = "Y",
                          print = false})
  T.ok(s:find("\27[34m", 1, true) and s:find("\27[31m", 1, true), "one color per series")
  T.ok(s:find("x^2", 1, true) and s:find("T", 1, true) and s:find("X", 1, true), "legend, title, label")
  local plain = plot.line(x, {x, x * x}, {print = false})
  T.ok(not plain:find("\27", 1, true), "no escapes without color")
  T.eq(#lines(plain), 15 + 3, "height rows, two frame lines, x labels")
  for _, l in ipairs(lines(plain)) do
    T.ok(utf8.len(l) <= 60 + 2 + 6, "width")
  end
  -- y limits widen to round numbers; x limits are the data's
  local L = lines(plot.line(x, x:sin(), {height = 5, print = false}))
  T.ok(L[2]:match("^%s*0%.85 ") ~= nil, "sin(1) = 0.841 rounded up to 0.85: " .. L[2])
  T.ok(L[#L]:match("1$") ~= nil and L[#L]:match("^%s+0 ") ~= nil, "x labels 0 and 1")
end)

T.test("plot.hist: NumPy's bins and counts", function()
  -- 0..99 in 10 bins: 10 each; 100 more in a closed last bin
  local t = {}
  for i = 0, 100 do t[#t + 1] = i end
  local L = lines(plot.hist(t, {print = false}))
  T.eq(#L, 10)
  for b = 1, 9 do T.ok(L[b]:match(" 10$") ~= nil, L[b]) end
  T.ok(L[10]:match("^%[90, 100%] ┤.* 11$") ~= nil, L[10])
  -- range leaves values out; density integrates to 1
  L = lines(plot.hist({1, 2, 3, 4, 100}, {bins = 2, range = {0, 4}, density = true, print = false}))
  local d1, d2 = tonumber(L[1]:match(" (%S+)$")), tonumber(L[2]:match(" (%S+)$"))
  T.near((d1 + d2) * 2, 1, 1e-12)
  T.near(d1, 0.125, 1e-12)                      -- 1 of 4 inside, width 2
end)

T.test("plot.histogram equals numpy.histogram: counts and edges, bit for bit", function()
  -- tests/fixtures/make_plot.py: fixed counts and every rule, with and
  -- without a range, on data with values on the edges and constant data
  local F = dofile("tests/fixtures/plot.lua")
  local bad = {}
  for _, c in ipairs(F.hist) do
    local counts, edges = plot.histogram(F.data[c.data], {bins = c.bins, range = c.range})
    local ok = #counts == #c.counts and #edges == #c.edges
    for i = 1, #c.counts do ok = ok and counts[i] == c.counts[i] end
    for i = 1, #c.edges do ok = ok and edges[i] == c.edges[i] end
    if not ok then bad[#bad + 1] = c.data .. " " .. tostring(c.bins) end
  end
  T.eq(#bad, 0, table.concat(bad, ", "))
  -- a rule never makes more than 1000 rows, whatever the outliers
  local x = rng.new(4):standard_normal(1000):totable()
  x[#x + 1] = 1e9
  T.eq(#plot.histogram(x, {bins = "auto"}), 1000)
end)

T.test("plot.bar draws bars in eighths of a character", function()
  local L = lines(plot.bar({1, 2, 1.5, 0}, {labels = {"a", "bb", "c", "d"}, width = 8, print = false}))
  T.eq(L[1], " a ┤████ 1")
  T.eq(L[2], "bb ┤████████ 2")
  T.eq(L[3], " c ┤██████ 1.5")
  T.eq(L[4], " d ┤ 0")
  L = lines(plot.bar({1, 16}, {width = 1, print = false}))
  T.eq(L[1], "1 ┤▏ 1", "a small nonzero value still shows")
end)

T.test("plot.heatmap shades from the smallest value to the largest", function()
  local L = lines(plot.heatmap({{0, 1}, {2, 3}}, {print = false}))
  T.eq(L[1], "1   ░░")
  T.eq(L[2], "2 ▓▓██")
  T.eq(L[3], "  1 2", "column numbers under the first and last cells")
  T.eq(L[4], "  0  ░▒▓█ 3")
  -- large matrices are averaged in blocks
  local big = array.zeros{100, 100}
  L = lines(plot.heatmap(big + 1, {width = 20, height = 10, print = false}))
  T.eq(#L, 10 + 2)
  T.ok(L[#L]:find("10 x 10 blocks averaged", 1, true), L[#L])
  T.ok(L[10]:match("^91 ") and L[11]:match("91$"), "the first matrix row and column of the last cells")
end)

T.test("plot.sparkline", function()
  T.eq(plot.sparkline({1, 2, 3, 5, 8, 0 / 0, 3, 1}), "▁▂▃▅█ ▃▁")
  T.eq(plot.sparkline(array.new{2, 2}), "▄▄")
end)

T.test("segments that leave the canvas are clipped, not walked", function()
  -- a spike far above ylim: the line goes up to the top edge and comes back
  local s = plot.line({1, 2, 1e30, 1}, {ylim = {0, 3}, width = 12, height = 4, print = false})
  T.ok(has_dots(lines(s)[2]), "the spike reaches the top row")
  T.ok(plot.line({0, 1e9}, {0, 1}, {xlim = {0, 1}, print = false}) ~= nil)
  -- the visible part of a clipped diagonal is the diagonal of the canvas
  local a = plot.line({0, 2}, {0, 2}, {xlim = {0, 1}, ylim = {0, 1}, width = 8, height = 4, print = false})
  local b = plot.line({0, 1}, {0, 1}, {xlim = {0, 1}, ylim = {0, 1}, width = 8, height = 4, print = false})
  T.eq(a, b)
  -- a segment passing outside entirely draws nothing
  local c = plot.line({-5, 5}, {5, 6}, {xlim = {0, 1}, ylim = {0, 1}, width = 4, height = 2, print = false})
  T.ok(not has_dots(c), "nothing drawn")
end)

T.test("extreme values: no overflow, no wrapped integers, readable labels", function()
  local L = lines(plot.line({1e308, -1e308}, {height = 5, print = false}))
  T.ok(L[2]:find("1e+308", 1, true) and L[4]:find("0", 1, true) and L[6]:find("-1e+308", 1, true),
       "labels of a span beyond the largest double")
  T.ok(plot.line({5e-324, 1e-323}, {print = false}) ~= nil, "subnormal span")
  T.ok(plot.line(array.new({math.maxinteger, math.mininteger}, "int64"), {print = false}) ~= nil)
  T.eq(plot.sparkline({-1e308, 0, 1e308}), "▁▅█")
  local _, edges = plot.histogram({-1e308, 1e308}, {bins = 2})
  T.eq(edges[2], 0.0)
  -- labels get the digits it takes to tell them apart; integers print whole
  L = lines(plot.line({1013.2, 1013.5, 1013.9, 1013.4}, {height = 5, ylim = {1013.2, 1013.9},
                                                          print = false}))
  T.ok(L[1 + 1]:match("^1013%.9 ") and L[1 + 5]:match("^1013%.2 "), L[2] .. " / " .. L[6])
  L = lines(plot.hist({1000, 1000.5, 1001}, {bins = 5, print = false}))
  T.eq(L[1]:match("%[(.-)%)"), "1000, 1000.2")
  T.ok(plot.bar({12345, 67890}, {print = false}):find("67890", 1, true), "bar values exact")
end)

T.test("heatmap cells without a finite value show as dots and keep their place", function()
  local L = lines(plot.heatmap({{1, 0 / 0, 3}, {4, 5, 6}}, {print = false}))
  T.eq(L[1], "1   ··▒▒")
  T.eq(L[2], "2 ▓▓████")
end)

T.test("labels use display width: wide characters take two columns", function()
  local L = lines(plot.bar({1, 2}, {labels = {"日本", "ab"}, width = 4, print = false}))
  T.eq(L[1], "日本 ┤██ 1")
  T.eq(L[2], "  ab ┤████ 2")
end)

T.test("plots print by default", function()
  local out = {}
  local write = io.write
  io.write = function(s) out[#out + 1] = s end
  local ok, r = pcall(plot.bar, {1})
  io.write = write
  T.ok(ok, tostring(r))
  T.eq(r, nil)
  T.eq(out[1], "1 ┤████████████████████████████████████████ 1\n")
end)

T.test("bad input gives errors that name the function", function()
  T.raises(function() plot.line({}) end, "plot.line", "y is empty")
  T.raises(function() plot.line({1, 2}, {1, 2, 3}) end, "plot.line", "x has 2 values but y has 3")
  T.raises(function() plot.line({1, "a"}) end, "plot.line", "y[2] is a string")
  T.raises(function() plot.line({1, 2}, {width = -3}) end, "plot.line", "option width")
  T.raises(function() plot.line({1, 2}, {ylim = {2, 1}}) end, "option ylim")
  T.raises(function() plot.line({0 / 0, 0 / 0}) end, "no finite values")
  T.raises(function() plot.line(array.zeros{2, 2, 2}) end, "must be 1-D")
  T.raises(function() plot.scatter(5, {1}) end, "plot.scatter", "an array or a table")
  T.raises(function() plot.hist({1, 2}, {bins = 0}) end, "plot.hist", "bins")
  T.raises(function() plot.hist({1, 2}, {bins = "magic"}) end, "plot.hist", "sturges")
  T.raises(function() plot.bar({1, -1}) end, "plot.bar", "values[2]")
  T.raises(function() plot.heatmap({{1, 2}, {3}}) end, "plot.heatmap", "row 2 has 1 values")
  T.raises(function() plot.line({1, 2}, "wide") end, "plot.line", "options must be a table")
  T.raises(function() plot.line() end, "plot.line", "got nil")
  T.raises(function() plot.line(array.zeros{3, 0}) end, "plot.line", "no columns")
  T.raises(function() plot.line({1, 2, 3}, {}, {print = false}) end, "plot.line", "y is empty")
  T.raises(function() plot.line({1, 2}, {xlim = {0, math.huge}}) end, "option xlim", "finite")
  T.raises(function() plot.line({1, 2}, {colour = true}) end, "unknown option colour")
  T.raises(function() plot.line({1, 2}, {height = 5.0}) end, "an integer from 1 to 1000")
  T.raises(function() plot.hist({1, 2}, {range = {0, math.huge}}) end, "option range", "finite")
  T.raises(function() plot.heatmap({{1, 2}}, {width = 1}) end, "plot.heatmap", "width")
  T.raises(function() plot.bar({1}, {height = 3}) end, "plot.bar", "unknown option height")
end)
