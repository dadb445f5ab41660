-- Plots in the terminal: line and scatter plots on a braille canvas (each
-- character cell holds 2 x 4 dots), horizontal histograms and bar charts
-- drawn with eighth blocks, heatmaps in shades, and one-line sparklines.
-- Every plot is plain text (UTF-8), printed by default or returned as a
-- string with print = false; color = true adds ANSI colors per series.
local plot = {}

local BLOCKS = {"▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"}
local SPARKS = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}
local SHADES = {" ", "░", "▒", "▓", "█"}
local COLORS = {34, 31, 32, 33, 35, 36}      -- blue, red, green, yellow, magenta, cyan
-- the braille dot of pixel (dx, dy) in its cell: dots 1 2 3 7 down the left
-- column, 4 5 6 8 down the right
local DOT = {[0] = {[0] = 0x01, 0x02, 0x04, 0x40}, {[0] = 0x08, 0x10, 0x20, 0x80}}

-- Errors name the function, like those of the C modules, without a
-- position inside this file.
local function fail(fname, fmt, ...)
  error("plot." .. fname .. ": " .. string.format(fmt, ...), 0)
end

local array_mt
local function is_array(v)
  if type(v) ~= "userdata" or not rawget(_G, "array") then return false end
  array_mt = array_mt or getmetatable(array.new{0})
  return getmetatable(v) == array_mt
end

-- The numbers of a 1-D array or a Lua sequence, as a Lua table of floats.
local function numbers(v, fname, what)
  if is_array(v) then
    if v.ndim ~= 1 then fail(fname, "%s must be 1-D (got %d dimensions)", what, v.ndim) end
    if v.size == 0 then fail(fname, "%s is empty", what) end
    if v.dtype ~= "bool" then return v:totable() end   -- numbers already
    v = v:totable()
  elseif type(v) ~= "table" then
    fail(fname, "%s must be an array or a table of numbers (got %s)", what, type(v))
  end
  local out = {}
  for i = 1, #v do
    local x = v[i]
    if type(x) == "boolean" then x = x and 1 or 0 end
    if type(x) ~= "number" then fail(fname, "%s[%d] is a %s, not a number", what, i, type(x)) end
    out[i] = x + 0.0
  end
  if #out == 0 then fail(fname, "%s is empty", what) end
  return out
end

-- The rows of a 2-D array or a table of equal-length tables.
local function matrix(m, fname)
  if is_array(m) then
    if m.ndim ~= 2 then fail(fname, "the matrix must be 2-D (got %d dimensions)", m.ndim) end
    m = m:totable()
  elseif type(m) ~= "table" then
    fail(fname, "the matrix must be a 2-D array or a table of rows (got %s)", type(m))
  end
  if #m == 0 then fail(fname, "the matrix is empty") end
  local rows = {}
  for i = 1, #m do
    rows[i] = numbers(m[i], fname, "row " .. i)
    if #rows[i] ~= #rows[1] then
      fail(fname, "row %d has %d values but row 1 has %d", i, #rows[i], #rows[1])
    end
  end
  return rows
end

local function finite(x) return x == x and x > -math.huge and x < math.huge end

local function option(opts, name, default, fname, check)
  local v = opts[name]
  if v == nil then return default end
  if check and not check(v) then fail(fname, "option %s has a bad value (%s)", name, tostring(v)) end
  return v
end

local function positive_int(v) return math.type(v) == "integer" and v >= 1 and v <= 1000 end
local function is_string(v) return type(v) == "string" end

local function common(opts, fname, width, height)
  if opts ~= nil and type(opts) ~= "table" then
    fail(fname, "options must be a table (got %s)", type(opts))
  end
  opts = opts or {}
  return {
    width = option(opts, "width", width, fname, positive_int),
    height = option(opts, "height", height, fname, positive_int),
    title = option(opts, "title", nil, fname, is_string),
    xlabel = option(opts, "xlabel", nil, fname, is_string),
    ylabel = option(opts, "ylabel", nil, fname, is_string),
    color = option(opts, "color", false, fname, function(v) return type(v) == "boolean" end),
    print = option(opts, "print", true, fname, function(v) return type(v) == "boolean" end),
  }, opts
end

-- A number for an axis label: four significant digits, and 0 for what is
-- only rounding noise next to the axis's span.
local function label(x, span)
  if x == 0 or (span and math.abs(x) < span * 1e-9) then return "0" end
  return string.format("%.4g", x)
end

local function paint(text, color, on)
  if not on or not color then return text end
  return "\27[" .. color .. "m" .. text .. "\27[0m"
end

local function finish(lines, o)
  local s = table.concat(lines, "\n") .. "\n"
  if not o.print then return s end
  io.write(s)
end

local function center(s, width)
  local n = utf8.len(s) or #s
  if n >= width then return s end
  return string.rep(" ", (width - n) // 2) .. s
end

-- The limits of a set of series: the finite minimum and maximum, widened
-- when they are equal so that the axis has a length.
local function limits(series, given, fname, name)
  if given ~= nil then
    if type(given) ~= "table" or type(given[1]) ~= "number" or type(given[2]) ~= "number"
       or not (given[1] < given[2]) then
      fail(fname, "option %s must be {lo, hi} with lo < hi", name)
    end
    return given[1], given[2]
  end
  local lo, hi = math.huge, -math.huge
  for _, s in ipairs(series) do
    for _, v in ipairs(s) do
      if finite(v) then lo, hi = math.min(lo, v), math.max(hi, v) end
    end
  end
  if lo > hi then fail(fname, "no finite values to plot") end
  if lo == hi then
    local d = lo == 0 and 1 or math.abs(lo) * 0.5
    lo, hi = lo - d, hi + d
  end
  return lo, hi
end

-- Limits widened to the next multiples of a tenth of the span's order of
-- magnitude, so that the y labels read 1 and -1 rather than 0.99997.
local function nice(lo, hi)
  local step = 10 ^ (math.floor(math.log(hi - lo, 10)) - 1)
  return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
end

-- Canvas ------------------------------------------------------------------------

local function canvas(w, h)
  local c = {w = w, h = h, bits = {}, color = {}}
  for i = 1, w * h do c.bits[i], c.color[i] = 0, false end
  return c
end

-- Light pixel (px, py), 0-based from the top left, in the given color.
local function set(c, px, py, color)
  if px < 0 or py < 0 or px >= 2 * c.w or py >= 4 * c.h then return end
  local i = (py // 4) * c.w + px // 2 + 1
  c.bits[i] = c.bits[i] | DOT[px % 2][py % 4]
  c.color[i] = color
end

-- Bresenham's line from pixel (x0, y0) to (x1, y1).
local function line(c, x0, y0, x1, y1, color)
  local dx, dy = math.abs(x1 - x0), -math.abs(y1 - y0)
  local sx, sy = x0 < x1 and 1 or -1, y0 < y1 and 1 or -1
  local err = dx + dy
  while true do
    set(c, x0, y0, color)
    if x0 == x1 and y0 == y1 then return end
    local e2 = 2 * err
    if e2 >= dy then err = err + dy; x0 = x0 + sx end
    if e2 <= dx then err = err + dx; y0 = y0 + sy end
  end
end

local function row_text(c, r, on)
  local parts = {}
  for j = 1, c.w do
    local i = (r - 1) * c.w + j
    local b = c.bits[i]
    parts[j] = b == 0 and " " or paint(utf8.char(0x2800 + b), c.color[i], on)
  end
  return table.concat(parts)
end

-- The framed canvas with y labels at the top, middle and bottom rows and
-- x labels at both ends, then the title, axis labels and legend.
local function framed(c, o, xlo, xhi, ylo, yhi, legend)
  local span = yhi - ylo
  local ylabels = {[c.h] = label(ylo, span)}
  ylabels[1] = label(yhi, span)                -- the top one when there is one row
  if c.h >= 5 then ylabels[(c.h + 1) // 2] = label((ylo + yhi) / 2, span) end
  local margin = 0
  for _, s in pairs(ylabels) do margin = math.max(margin, #s) end
  local pad = string.rep(" ", margin + 1)
  local lines = {}
  if o.title then lines[#lines + 1] = pad .. center(o.title, c.w + 2) end
  if o.ylabel then lines[#lines + 1] = pad:sub(#o.ylabel + 1) .. o.ylabel end
  lines[#lines + 1] = pad .. "┌" .. string.rep("─", c.w) .. "┐"
  for r = 1, c.h do
    local yl = ylabels[r]
    local left = yl and string.rep(" ", margin - #yl) .. yl .. " " or pad
    lines[#lines + 1] = left .. "│" .. row_text(c, r, o.color) .. "│"
  end
  lines[#lines + 1] = pad .. "└" .. string.rep("─", c.w) .. "┘"
  local xl, xr = label(xlo, xhi - xlo), label(xhi, xhi - xlo)
  local gap = math.max(1, c.w + 2 - #xl - #xr)
  lines[#lines + 1] = pad .. xl .. string.rep(" ", gap) .. xr
  if o.xlabel then lines[#lines + 1] = pad .. center(o.xlabel, c.w + 2) end
  for _, item in ipairs(legend or {}) do
    lines[#lines + 1] = pad .. paint("⣿", item.color, o.color) .. " " .. item.name
  end
  return lines
end

-- The series of plot.line and plot.scatter: (x, y [, opts]) or (y [, opts]),
-- with y one series or a table of them (then labels names them).
local function series_args(fname, a, b, c)
  local x, ys, opts
  local function is_series_list(v)
    return type(v) == "table" and not is_array(v) and (type(v[1]) == "table" or is_array(v[1]))
  end
  if b == nil or (not is_array(b) and (type(b) ~= "table" or b[1] == nil)) then  -- (y, opts)
    ys, opts = a, b
  else
    x, ys, opts = a, b, c
  end
  if is_array(ys) and ys.ndim == 2 then
    local cols = {}
    for j = 1, ys.shape[2] do cols[j] = ys[{":", j}] end
    ys = cols
  elseif not is_series_list(ys) then
    ys = {ys}
  end
  local list = {}
  for k, s in ipairs(ys) do list[k] = numbers(s, fname, #ys > 1 and "series " .. k or "y") end
  if x ~= nil then
    x = numbers(x, fname, "x")
    for k, s in ipairs(list) do
      if #s ~= #x then fail(fname, "x has %d values but %s has %d", #x,
                            #list > 1 and "series " .. k or "y", #s) end
    end
  else
    x = {}
    for i = 1, #list[1] do x[i] = i end
    for k, s in ipairs(list) do
      if #s ~= #x then fail(fname, "series %d has %d values but series 1 has %d", k, #s, #x) end
    end
  end
  return x, list, opts
end

local function xy_plot(fname, connect, ...)
  local x, list, opts = series_args(fname, ...)
  local o
  o, opts = common(opts, fname, 60, 15)
  local labels = option(opts, "labels", nil, fname, function(v) return type(v) == "table" end)
  local xlo, xhi = limits({x}, opts.xlim, fname, "xlim")
  local ylo, yhi = limits(list, opts.ylim, fname, "ylim")
  if opts.ylim == nil then ylo, yhi = nice(ylo, yhi) end
  local c = canvas(o.width, o.height)
  local pw, ph = 2 * o.width - 1, 4 * o.height - 1
  local legend = {}
  local sx, sy = pw / (xhi - xlo), ph / (yhi - ylo)
  for k, y in ipairs(list) do
    local color = COLORS[(k - 1) % #COLORS + 1]
    -- Consecutive points in one pixel column form a run: joined, they
    -- cover the column from the run's lowest to its highest pixel, so the
    -- run is drawn as that segment and joined to the next run by one line,
    -- the same pixels as a line per pair at a fraction of the cost when
    -- there are many more points than columns.
    local rx, rlo, rhi, rlast
    local function flush()
      if rx then for py = rlo, rhi do set(c, rx, py, color) end end
    end
    for i = 1, #x do
      local xi, yi = x[i], y[i]
      if finite(xi) and finite(yi) then
        local nx = math.floor((xi - xlo) * sx + 0.5)
        local ny = ph - math.floor((yi - ylo) * sy + 0.5)
        if nx == rx and connect then
          if ny < rlo then rlo = ny elseif ny > rhi then rhi = ny end
        else
          flush()
          if connect and rx then line(c, rx, rlast, nx, ny, color) end
          rx, rlo, rhi = nx, ny, ny
        end
        rlast = ny
      else
        flush()                                -- NaN breaks a line
        rx = nil
      end
    end
    flush()
    if labels and labels[k] then legend[#legend + 1] = {name = tostring(labels[k]), color = color} end
  end
  return finish(framed(c, o, xlo, xhi, ylo, yhi, legend), o)
end

-- plot.line([x,] y [, opts]): y against x (default 1, 2, ...), joined.
function plot.line(...) return xy_plot("line", true, ...) end

-- plot.scatter(x, y [, opts]): the points alone.
function plot.scatter(...) return xy_plot("scatter", false, ...) end

-- Bars --------------------------------------------------------------------------

-- A bar of value v on a scale where full is width cells, in eighths.
local function bar(v, full, width)
  if not (v > 0) or full <= 0 then return "" end
  local eighths = math.floor(v / full * width * 8 + 0.5)
  local s = string.rep("█", eighths // 8)
  if eighths % 8 > 0 then s = s .. BLOCKS[eighths % 8] end
  if s == "" then s = BLOCKS[1] end            -- a nonzero value shows
  return s
end

-- Rows "label ┤bar value", the labels right-aligned.
local function bar_rows(labels, values, o, fmt)
  local lw, full = 0, 0
  for i = 1, #values do
    lw = math.max(lw, utf8.len(labels[i]) or #labels[i])
    full = math.max(full, values[i])
  end
  local lines = {}
  if o.title then lines[#lines + 1] = center(o.title, lw + o.width + 2) end
  for i = 1, #values do
    local l = labels[i]
    lines[#lines + 1] = string.rep(" ", lw - (utf8.len(l) or #l)) .. l .. " ┤" ..
                        paint(bar(values[i], full, o.width), COLORS[1], o.color) .. " " ..
                        fmt(values[i])
  end
  if o.xlabel then lines[#lines + 1] = string.rep(" ", lw + 2) .. o.xlabel end
  return lines
end

-- plot.bar(values [, opts]): one horizontal bar per value, labelled by
-- opts.labels (default 1, 2, ...).
function plot.bar(values, opts)
  local v = numbers(values, "bar", "values")
  local o
  o, opts = common(opts, "bar", 40, 15)
  local labels = option(opts, "labels", nil, "bar", function(t) return type(t) == "table" end)
  local names = {}
  for i, x in ipairs(v) do
    if not (x >= 0 and x < math.huge) then
      fail("bar", "values[%d] is %s; bars need finite values >= 0", i, tostring(x))
    end
    names[i] = labels and labels[i] ~= nil and tostring(labels[i]) or tostring(i)
  end
  return finish(bar_rows(names, v, o, label), o)
end

-- Bin rules as NumPy's histogram_bin_edges names them.

local function bin_count(rule, v, lo, hi, fname)
  if math.type(rule) == "integer" then
    if rule < 1 or rule > 1000 then fail(fname, "option bins must be 1 to 1000 (got %d)", rule) end
    return rule
  end
  local n = #v
  local sturges = math.ceil(math.log(n, 2)) + 1
  if rule == "sturges" then return sturges end
  local width
  if rule == "scott" then
    local m, s = 0, 0
    for _, x in ipairs(v) do m = m + x end
    m = m / n
    for _, x in ipairs(v) do s = s + (x - m) ^ 2 end
    width = (24 * math.sqrt(math.pi) / n) ^ (1 / 3) * math.sqrt(s / n)
  elseif rule == "fd" or rule == "auto" then
    local a = array.new(v)                     -- quantiles as NumPy's (linear)
    width = 2 * (a:quantile(0.75) - a:quantile(0.25)) / n ^ (1 / 3)
  else
    fail(fname, "option bins must be a count or \"auto\", \"fd\", \"scott\", \"sturges\" (got %s)",
         tostring(rule))
  end
  if rule == "auto" then
    if width > 0 then return math.max(sturges, math.ceil((hi - lo) / width)) end
    return sturges
  end
  if not (width > 0) then return 1 end
  return math.min(1000, math.max(1, math.ceil((hi - lo) / width)))
end

-- plot.hist(x [, opts]): a horizontal histogram, one row per bin.
function plot.hist(x, opts)
  local all = numbers(x, "hist", "x")
  local o
  o, opts = common(opts, "hist", 40, 15)
  local v = {}
  for _, t in ipairs(all) do if finite(t) then v[#v + 1] = t end end
  if #v == 0 then fail("hist", "no finite values") end
  local lo, hi = limits({v}, opts.range, "hist", "range")
  local nb = bin_count(option(opts, "bins", 10, "hist"), v, lo, hi, "hist")
  local density = option(opts, "density", false, "hist", function(b) return type(b) == "boolean" end)
  local counts, inside = {}, 0
  for b = 1, nb do counts[b] = 0 end
  for _, t in ipairs(v) do
    if t >= lo and t <= hi then                -- the last bin is closed, as in NumPy
      local b = math.min(nb, math.floor((t - lo) / (hi - lo) * nb) + 1)
      counts[b] = counts[b] + 1
      inside = inside + 1
    end
  end
  local names, values = {}, {}
  for b = 1, nb do
    local e0, e1 = lo + (hi - lo) * (b - 1) / nb, lo + (hi - lo) * b / nb
    names[b] = "[" .. label(e0, hi - lo) .. ", " .. label(e1, hi - lo) .. (b == nb and "]" or ")")
    values[b] = density and counts[b] / (inside * (hi - lo) / nb) or counts[b]
  end
  local fmt = density and label or function(c) return string.format("%d", c) end
  return finish(bar_rows(names, values, o, fmt), o)
end

-- plot.heatmap(m [, opts]): a matrix in five shades (or 24 grays with
-- color), two characters per cell; large matrices are averaged in blocks.
function plot.heatmap(m, opts)
  local rows = matrix(m, "heatmap")
  local o
  o, opts = common(opts, "heatmap", 60, 30)
  local nr, nc = #rows, #rows[1]
  local br, bc = math.ceil(nr / o.height), math.ceil(nc / (o.width // 2))
  local cells = {}
  local lo, hi = math.huge, -math.huge
  for i = 1, math.ceil(nr / br) do
    cells[i] = {}
    for j = 1, math.ceil(nc / bc) do
      local s, k = 0, 0
      for r = (i - 1) * br + 1, math.min(nr, i * br) do
        for c = (j - 1) * bc + 1, math.min(nc, j * bc) do
          if finite(rows[r][c]) then s, k = s + rows[r][c], k + 1 end
        end
      end
      cells[i][j] = k > 0 and s / k or nil
      if k > 0 then lo, hi = math.min(lo, s / k), math.max(hi, s / k) end
    end
  end
  if lo > hi then fail("heatmap", "no finite values") end
  local function level(v, n)                   -- 1 .. n
    if hi == lo then return n end
    return math.min(n, math.floor((v - lo) / (hi - lo) * n) + 1)
  end
  local lines = {}
  if o.title then lines[#lines + 1] = center(o.title, 2 * #cells[1]) end
  for i = 1, #cells do
    local parts = {}
    for j = 1, #cells[i] do
      local v = cells[i][j]
      if v == nil then parts[j] = "  "
      elseif o.color then parts[j] = "\27[48;5;" .. (231 + level(v, 24)) .. "m  \27[0m"
      else parts[j] = string.rep(SHADES[level(v, #SHADES)], 2) end
    end
    lines[#lines + 1] = table.concat(parts)
  end
  local scale = {}
  for k = 1, #SHADES do scale[k] = SHADES[k] end
  lines[#lines + 1] = label(lo) .. " " .. (o.color and "(dark)" or table.concat(scale)) ..
                      " " .. label(hi) .. (o.color and " (light)" or "") ..
                      ((br > 1 or bc > 1) and string.format("  (%d x %d blocks averaged)", br, bc) or "")
  return finish(lines, o)
end

-- plot.sparkline(y): the values as one line of eighth-height blocks, a
-- string (NaN leaves a space).
function plot.sparkline(y)
  local v = numbers(y, "sparkline", "y")
  local lo, hi = math.huge, -math.huge
  for _, t in ipairs(v) do if finite(t) then lo, hi = math.min(lo, t), math.max(hi, t) end end
  local out = {}
  for i, t in ipairs(v) do
    if not finite(t) then out[i] = " "
    elseif hi == lo then out[i] = SPARKS[4]
    else out[i] = SPARKS[math.min(8, math.floor((t - lo) / (hi - lo) * 8) + 1)] end
  end
  return table.concat(out)
end

return plot
