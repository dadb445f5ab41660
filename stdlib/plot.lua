-- Plots in the terminal: line and scatter plots on a braille canvas (each
-- character cell holds 2 x 4 dots), horizontal histograms and bar charts
-- drawn with eighth blocks, heatmaps in shades, and one-line sparklines.
-- Every plot is plain text (UTF-8), printed by default or returned as a
-- string with print = false; color = true adds ANSI colors per series.
local plot = {}

local BLOCKS = {"▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"}
local SPARKS = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}
local SHADES = {" ", "░", "▒", "▓", "█"}
local MISSING = "··"                         -- a heatmap cell with no finite value
local COLORS = {34, 31, 32, 33, 35, 36}      -- blue, red, green, yellow, magenta, cyan
local MAXBINS = 1000
-- the braille dot of pixel (dx, dy) in its cell: dots 1 2 3 7 down the left
-- column, 4 5 6 8 down the right
local DOT = {[0] = {[0] = 0x01, 0x02, 0x04, 0x40}, {[0] = 0x08, 0x10, 0x20, 0x80}}

-- Errors name the function, like those of the C modules, without a
-- position inside this file.
local function fail(fname, fmt, ...)
  error("plot." .. fname .. ": " .. string.format(fmt, ...), 0)
end

local function finite(x) return x == x and x > -math.huge and x < math.huge end

-- Input ----------------------------------------------------------------------------

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
    if v.dtype == "float64" or v.dtype == "float32" then return v:totable() end
    return v:astype("float64"):totable()       -- int64 and bool as floats
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
    if m.size == 0 then fail(fname, "the matrix is empty") end
    m = m:astype("float64"):totable()
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

-- Options --------------------------------------------------------------------------

local function int_check(lo) return function(v) return math.type(v) == "integer" and v >= lo and v <= 1000 end end
local function is_string(v) return type(v) == "string" end
local function is_bool(v) return type(v) == "boolean" end
local function is_table(v) return type(v) == "table" end

local OPTIONS = {
  width = {int_check(1), "an integer from 1 to 1000"},
  height = {int_check(1), "an integer from 1 to 1000"},
  title = {is_string, "a string"}, xlabel = {is_string, "a string"}, ylabel = {is_string, "a string"},
  xlim = {is_table, "{lo, hi}"}, ylim = {is_table, "{lo, hi}"}, range = {is_table, "{lo, hi}"},
  labels = {is_table, "a table of names"},
  color = {is_bool, "true or false"}, print = {is_bool, "true or false"},
  density = {is_bool, "true or false"},
  bins = {function(v) return math.type(v) == "integer" or type(v) == "string" end,
          "a count or a rule name"},
}

-- The options table of a call, checked against the names the function
-- takes (a misspelt name is an error, not silently ignored).
local function options(opts, fname, names, defaults)
  if opts ~= nil and type(opts) ~= "table" then
    fail(fname, "options must be a table (got %s)", type(opts))
  end
  opts = opts or {}
  local allowed = {}
  for _, n in ipairs(names) do allowed[n] = true end
  for k, v in pairs(opts) do
    if not allowed[k] then
      fail(fname, "unknown option %s (it takes %s)", tostring(k), table.concat(names, ", "))
    end
    if not OPTIONS[k][1](v) then
      fail(fname, "option %s must be %s (got %s)", k, OPTIONS[k][2], tostring(v))
    end
  end
  local o = {}
  for _, n in ipairs(names) do
    if opts[n] ~= nil then o[n] = opts[n] else o[n] = defaults[n] end
  end
  if o.print == nil then o.print = true end
  return o
end

-- Text -----------------------------------------------------------------------------

-- Display width of a string: East Asian wide characters take two columns,
-- combining marks none.
local function width_of(s)
  local w = 0
  for _, c in utf8.codes(s) do
    if (c >= 0x300 and c <= 0x36f) or (c >= 0x200b and c <= 0x200f) or (c >= 0xfe00 and c <= 0xfe0f) then
      w = w + 0
    elseif (c >= 0x1100 and c <= 0x115f) or (c >= 0x2e80 and c <= 0xa4cf) or
           (c >= 0xac00 and c <= 0xd7a3) or (c >= 0xf900 and c <= 0xfaff) or
           (c >= 0xfe30 and c <= 0xfe4f) or (c >= 0xff00 and c <= 0xff60) or
           (c >= 0xffe0 and c <= 0xffe6) or (c >= 0x1f300 and c <= 0x1faff) or
           (c >= 0x20000 and c <= 0x3fffd) then
      w = w + 2
    else
      w = w + 1
    end
  end
  return w
end

local function check_utf8(s, fname, what)
  if not utf8.len(s) then fail(fname, "%s is not valid UTF-8", what) end
  return s
end

local function center(s, width)
  local n = width_of(s)
  if n >= width then return s end
  return string.rep(" ", (width - n) // 2) .. s
end

local function right(s, width) return string.rep(" ", math.max(0, width - width_of(s))) .. s end

-- A value as text: integers exactly (below 10^15), NaN as nan, the rest
-- with p significant digits.
local function number_text(x, p)
  if x ~= x then return "nan" end
  if x == math.floor(x) and math.abs(x) < 1e15 then return string.format("%.0f", x) end
  return string.format("%." .. p .. "g", x)
end

-- Labels for a set of axis values: four significant digits, or more until
-- different values read differently; values that are only rounding noise
-- next to the span read 0.
local function labels(values, span)
  local out
  for p = 4, 17 do
    out = {}
    local seen, clash = {}, false
    for i, v in ipairs(values) do
      if span and math.abs(v) < span * 1e-9 then v = 0 end
      out[i] = v == 0 and "0" or number_text(v, p)
      if seen[out[i]] and seen[out[i]] ~= v then clash = true end
      seen[out[i]] = v
    end
    if not clash then return out end
  end
  return out
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

-- Scales ---------------------------------------------------------------------------

-- The fraction of the way from lo to hi at which x lies, without
-- overflowing when hi - lo exceeds the largest double.
local function fraction(lo, hi)
  local span = hi - lo
  if span < math.huge then return function(x) return (x - lo) / span end end
  local half = hi * 0.5 - lo * 0.5
  return function(x) return (x * 0.5 - lo * 0.5) / half end
end

-- The point a fraction t of the way from lo to hi, as safely.
local function between(lo, hi, t) return lo * (1 - t) + hi * t end

local function given_limits(given, fname, name)
  if type(given[1]) ~= "number" or type(given[2]) ~= "number" or not finite(given[1])
     or not finite(given[2]) or not (given[1] < given[2]) then
    fail(fname, "option %s must be {lo, hi} with finite lo < hi", name)
  end
  return given[1] + 0.0, given[2] + 0.0
end

-- The limits of a set of series: the finite minimum and maximum, widened
-- when they are equal so that the axis has a length.
local function limits(series, given, fname, name)
  if given ~= nil then return given_limits(given, fname, name) end
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
-- magnitude, so that the y labels read 1 and -1 rather than 0.99997
-- (values within 1e-5 of a step of a multiple count as on it, which
-- absorbs float32 rounding).
local function nice(lo, hi)
  local span = hi - lo
  if not (span > 0 and span < math.huge) then return lo, hi end
  local step = 10 ^ (math.floor(math.log(span, 10)) - 1)
  local a, b = math.floor(lo / step + 1e-5) * step, math.ceil(hi / step - 1e-5) * step
  if not (step > 0 and finite(a) and finite(b) and a < b) then return lo, hi end
  return a, b
end

-- Canvas ---------------------------------------------------------------------------

local function canvas(w, h)
  local c = {w = w, h = h, bits = {}, color = {}}
  for i = 1, w * h do c.bits[i], c.color[i] = 0, false end
  return c
end

-- Light pixel (px, py), integers from the top left inside the canvas.
local function set(c, px, py, color)
  local i = (py // 4) * c.w + px // 2 + 1
  c.bits[i] = c.bits[i] | DOT[px % 2][py % 4]
  c.color[i] = color
end

-- Bresenham's line between two pixels inside the canvas.
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

-- The part of the segment (x0, y0)-(x1, y1), in fractional pixels, inside
-- [xa, xb] x [ya, yb] (Liang-Barsky), or nil.
local function clip(x0, y0, x1, y1, xa, xb, ya, yb)
  local t0, t1, dx, dy = 0, 1, x1 - x0, y1 - y0
  for _, pq in ipairs{{-dx, x0 - xa}, {dx, xb - x0}, {-dy, y0 - ya}, {dy, yb - y0}} do
    local p, q = pq[1], pq[2]
    if p == 0 then
      if q < 0 then return nil end
    else
      local t = q / p
      if p < 0 then
        if t > t1 then return nil end
        if t > t0 then t0 = t end
      else
        if t < t0 then return nil end
        if t < t1 then t1 = t end
      end
    end
  end
  -- ends that are not cut stay exactly where they were
  local ax, ay = x0, y0
  if t0 > 0 then ax, ay = x0 + t0 * dx, y0 + t0 * dy end
  if t1 < 1 then return ax, ay, x0 + t1 * dx, y0 + t1 * dy end
  return ax, ay, x1, y1
end

-- The pixel of a clipped fractional coordinate (rounding can leave it a
-- hair outside the frame).
local function pixel(v, max) return math.max(0, math.min(max, math.floor(v + 0.5))) end

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
-- x labels at both ends and the middle, then the title, axis labels and
-- legend.
local function framed(c, o, xlo, xhi, ylo, yhi, legend)
  local yl = labels({yhi, between(ylo, yhi, 0.5), ylo}, yhi * 0.5 - ylo * 0.5)
  local ylabels = {[c.h] = yl[3]}
  if c.h >= 5 then ylabels[(c.h + 1) // 2] = yl[2] end
  ylabels[1] = yl[1]                           -- the top one when there is one row
  local margin = 0
  for _, s in pairs(ylabels) do margin = math.max(margin, #s) end
  local pad = string.rep(" ", margin + 1)
  local lines = {}
  if o.title then lines[#lines + 1] = pad .. center(o.title, c.w + 2) end
  if o.ylabel then lines[#lines + 1] = right(o.ylabel, margin + 1) end
  lines[#lines + 1] = pad .. "┌" .. string.rep("─", c.w) .. "┐"
  for r = 1, c.h do
    local left = ylabels[r] and right(ylabels[r], margin) .. " " or pad
    lines[#lines + 1] = left .. "│" .. row_text(c, r, o.color) .. "│"
  end
  lines[#lines + 1] = pad .. "└" .. string.rep("─", c.w) .. "┘"
  local xl = labels({xlo, between(xlo, xhi, 0.5), xhi}, xhi * 0.5 - xlo * 0.5)
  local room = c.w + 2 - #xl[1] - #xl[3]
  local axis = xl[1] .. string.rep(" ", math.max(1, room)) .. xl[3]
  if room >= #xl[2] + 4 then                   -- the middle label, centred on the middle column
    local at = (c.w + 2 - #xl[2]) // 2
    axis = xl[1] .. string.rep(" ", at - #xl[1]) .. xl[2] ..
           string.rep(" ", c.w + 2 - at - #xl[2] - #xl[3]) .. xl[3]
  end
  lines[#lines + 1] = pad .. axis
  if o.xlabel then lines[#lines + 1] = pad .. center(o.xlabel, c.w + 2) end
  for _, item in ipairs(legend or {}) do
    lines[#lines + 1] = pad .. paint("⣿", item.color, o.color) .. " " .. item.name
  end
  return lines
end

-- Line and scatter plots ----------------------------------------------------------

-- The series of plot.line and plot.scatter: (x, y [, opts]) or (y [, opts]),
-- with y one series or a table of them (then labels names them).
local function series_args(fname, a, b, c)
  local x, ys, opts
  if a == nil then fail(fname, "y must be an array or a table of numbers (got nil)") end
  if c ~= nil or is_array(b) or (type(b) == "table" and b[1] ~= nil) then
    x, ys, opts = a, b, c
  elseif type(b) == "table" and next(b) == nil and fname == "scatter" then
    x, ys = a, b                               -- scatter(x, {}): an empty y
  else
    ys, opts = a, b
  end
  if is_array(ys) and ys.ndim == 2 then
    if ys.shape[2] == 0 then fail(fname, "y has no columns") end
    local cols = {}
    for j = 1, ys.shape[2] do cols[j] = ys[{":", j}] end
    ys = cols
  elseif not (type(ys) == "table" and (type(ys[1]) == "table" or is_array(ys[1]))) then
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
    for i = 1, #list[1] do x[i] = i + 0.0 end
    for k, s in ipairs(list) do
      if #s ~= #x then fail(fname, "series %d has %d values but series 1 has %d", k, #s, #x) end
    end
  end
  return x, list, opts
end

local XY_OPTIONS = {"width", "height", "title", "xlabel", "ylabel", "xlim", "ylim", "labels",
                    "color", "print"}

local function xy_plot(fname, connect, ...)
  local x, list, opts = series_args(fname, ...)
  local o = options(opts, fname, XY_OPTIONS, {width = 60, height = 15, color = false})
  for _, s in ipairs{"title", "xlabel", "ylabel"} do if o[s] then check_utf8(o[s], fname, s) end end
  local xlo, xhi = limits({x}, o.xlim, fname, "xlim")
  local ylo, yhi = limits(list, o.ylim, fname, "ylim")
  if o.ylim == nil then ylo, yhi = nice(ylo, yhi) end
  local c = canvas(o.width, o.height)
  local pw, ph = 2 * o.width - 1, 4 * o.height - 1
  local fx, fy = fraction(xlo, xhi), fraction(ylo, yhi)
  -- pixel p covers [p - 1/2, p + 1/2) in fractional pixels
  local xa, xb, ya, yb = -0.5, pw + 0.4999, -0.5, ph + 0.4999
  local legend = {}
  for k, y in ipairs(list) do
    local color = COLORS[(k - 1) % #COLORS + 1]
    -- Consecutive points in one pixel column form a run: joined, they
    -- cover the column from the run's lowest to its highest pixel, so the
    -- run is drawn as that segment and joined to the next run by one line,
    -- the same pixels as a line per pair at a fraction of the cost when
    -- there are many more points than columns.  Segments that leave the
    -- canvas are clipped to it.
    local rx, rlo, rhi
    local function flush()
      if rx then for py = rlo, rhi do set(c, rx, py, color) end end
      rx = nil
    end
    local px, py                               -- the previous point, fractional pixels
    for i = 1, #x do
      local xi, yi = x[i], y[i]
      if not (finite(xi) and finite(yi)) then
        flush()                                -- NaN breaks a line
        px = nil
      else
        -- fractional pixels, y upwards (pixel rows count down), bounded so
        -- that far-off points still give clipping a finite direction
        local qx = math.max(-1e15, math.min(1e15, fx(xi) * pw))
        local qy = math.max(-1e15, math.min(1e15, fy(yi) * ph))
        local inside = qx >= xa and qx <= xb and qy >= ya and qy <= yb
        local nx, ny
        if inside then nx, ny = math.floor(qx + 0.5), ph - math.floor(qy + 0.5) end
        if inside and connect and nx == rx then
          if ny < rlo then rlo = ny elseif ny > rhi then rhi = ny end
        else
          flush()
          if connect and px then               -- the segment from the previous point
            local ax, ay, bx, by = clip(px, py, qx, qy, xa, xb, ya, yb)
            if ax then
              line(c, pixel(ax, pw), ph - pixel(ay, ph), pixel(bx, pw), ph - pixel(by, ph), color)
            end
          end
          if inside then rx, rlo, rhi = nx, ny, ny end
        end
        px, py = qx, qy
      end
    end
    flush()
    if o.labels and o.labels[k] ~= nil then
      legend[#legend + 1] = {name = tostring(o.labels[k]), color = color}
    end
  end
  return finish(framed(c, o, xlo, xhi, ylo, yhi, legend), o)
end

-- plot.line([x,] y [, opts]): y against x (default 1, 2, ...), joined.
function plot.line(...) return xy_plot("line", true, ...) end

-- plot.scatter(x, y [, opts]): the points alone.
function plot.scatter(...) return xy_plot("scatter", false, ...) end

-- Bars ---------------------------------------------------------------------------------

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
local function bar_rows(names, values, texts, o)
  local lw, full = 0, 0
  for i = 1, #values do
    lw = math.max(lw, width_of(names[i]))
    if values[i] == values[i] then full = math.max(full, values[i]) end
  end
  local lines = {}
  if o.title then lines[#lines + 1] = center(o.title, lw + o.width + 2) end
  for i = 1, #values do
    lines[#lines + 1] = right(names[i], lw) .. " ┤" ..
                        paint(bar(values[i], full, o.width), COLORS[1], o.color) .. " " .. texts[i]
  end
  if o.xlabel then lines[#lines + 1] = string.rep(" ", lw + 2) .. o.xlabel end
  return lines
end

-- plot.bar(values [, opts]): one horizontal bar per value, labelled by
-- opts.labels (default 1, 2, ...).
function plot.bar(values, opts)
  local v = numbers(values, "bar", "values")
  local o = options(opts, "bar", {"width", "title", "xlabel", "labels", "color", "print"},
                    {width = 40, color = false})
  local names, texts = {}, {}
  for i, x in ipairs(v) do
    if not (x >= 0 and x < math.huge) then
      fail("bar", "values[%d] is %s; bars need finite values >= 0", i, number_text(x, 6))
    end
    names[i] = o.labels and o.labels[i] ~= nil and check_utf8(tostring(o.labels[i]), "bar", "a label")
               or tostring(i)
    texts[i] = number_text(x, 6)
  end
  return finish(bar_rows(names, v, texts, o), o)
end

-- Histograms -------------------------------------------------------------------------

-- The bin width of a rule, as numpy.histogram_bin_edges computes it from
-- the n values v (those inside the range), and 0 when the rule gives none.
local function rule_width(rule, v, fname)
  local n = #v
  if n == 0 then return 0 end
  local lo, hi = math.huge, -math.huge
  for _, x in ipairs(v) do lo, hi = math.min(lo, x), math.max(hi, x) end
  local function sturges() return (hi - lo) / (math.log(n, 2) + 1) end
  local function fd()
    local a = array.new(v)                     -- quantiles as NumPy's (linear)
    return 2 * (a:quantile(0.75) - a:quantile(0.25)) * n ^ (-1 / 3)
  end
  if rule == "sturges" then return sturges() end
  if rule == "fd" then return fd() end
  if rule == "scott" then
    local m, s = 0, 0
    for _, x in ipairs(v) do m = m + x end
    m = m / n
    for _, x in ipairs(v) do s = s + (x - m) ^ 2 end
    return (24 * math.sqrt(math.pi) / n) ^ (1 / 3) * math.sqrt(s / n)
  end
  if rule == "auto" then
    local f, st = fd(), sturges()
    if f > 0 then return math.min(f, st) end
    return st
  end
  fail(fname, "option bins must be a count or \"auto\", \"fd\", \"scott\", \"sturges\" (got %s)",
       tostring(rule))
end

-- The counts and edges of numpy.histogram(x, bins, range): for plot.hist
-- and for plot.histogram.
local function histogram(fname, x, o)
  local all = numbers(x, fname, "x")
  local v = {}
  for _, t in ipairs(all) do if finite(t) then v[#v + 1] = t end end
  if #v == 0 then fail(fname, "no finite values") end
  local lo, hi
  if o.range then
    lo, hi = given_limits(o.range, fname, "range")
    local inside = {}
    for _, t in ipairs(v) do if t >= lo and t <= hi then inside[#inside + 1] = t end end
    v = inside
  else
    lo, hi = math.huge, -math.huge
    for _, t in ipairs(v) do lo, hi = math.min(lo, t), math.max(hi, t) end
    if lo == hi then lo, hi = lo - 0.5, hi + 0.5 end
  end
  local nb = o.bins
  if math.type(nb) == "integer" then
    if nb < 1 or nb > MAXBINS then fail(fname, "option bins must be 1 to %d (got %d)", MAXBINS, nb) end
  else
    local w = rule_width(nb, v, fname)
    local span = hi - lo
    nb = (w > 0 and span < math.huge) and math.ceil(span / w) or 1
    nb = math.max(1, math.min(MAXBINS, nb))    -- a text histogram of more bins is unreadable
  end
  -- the edges as numpy.linspace makes them; a value goes in bin
  -- floor((t - lo) / (hi - lo) nb), then moved by one if the edges say so
  local edges, frac, step = {}, fraction(lo, hi), (hi - lo) / nb
  for b = 0, nb - 1 do
    edges[b + 1] = step < math.huge and b * step + lo or between(lo, hi, b / nb)
  end
  edges[nb + 1] = hi
  local counts = {}
  for b = 1, nb do counts[b] = 0 end
  for _, t in ipairs(v) do
    if t >= lo and t <= hi then                -- the last bin is closed, as in NumPy
      local b = math.min(nb, math.floor(frac(t) * nb) + 1)
      if t < edges[b] then b = b - 1
      elseif b < nb and t >= edges[b + 1] then b = b + 1 end
      counts[b] = counts[b] + 1
    end
  end
  return counts, edges
end

-- plot.histogram(x [, opts]): the counts and edges plot.hist draws.
function plot.histogram(x, opts)
  local o = options(opts, "histogram", {"bins", "range"}, {bins = 10})
  return histogram("histogram", x, o)
end

-- plot.hist(x [, opts]): a horizontal histogram, one row per bin, with
-- numpy.histogram's edges and counts.
function plot.hist(x, opts)
  local o = options(opts, "hist", {"width", "title", "xlabel", "bins", "range", "density", "color",
                                   "print"}, {width = 40, bins = 10, density = false, color = false})
  local counts, edges = histogram("hist", x, o)
  local nb, inside = #counts, 0
  for _, c in ipairs(counts) do inside = inside + c end
  local edge_text = labels(edges, edges[nb + 1] * 0.5 - edges[1] * 0.5)
  local names, values, texts = {}, {}, {}
  for b = 1, nb do
    names[b] = "[" .. edge_text[b] .. ", " .. edge_text[b + 1] .. (b == nb and "]" or ")")
    if o.density then
      values[b] = counts[b] / (inside * (edges[b + 1] - edges[b]))
      texts[b] = number_text(values[b], 4)
    else
      values[b], texts[b] = counts[b], string.format("%d", counts[b])
    end
  end
  return finish(bar_rows(names, values, texts, o), o)
end

-- Heatmaps and sparklines -------------------------------------------------------------

-- plot.heatmap(m [, opts]): a matrix in five shades (or 24 grays with
-- color), two characters per cell, with row and column numbers; large
-- matrices are averaged in blocks.
function plot.heatmap(m, opts)
  local rows = matrix(m, "heatmap")
  local o = options(opts, "heatmap", {"width", "height", "title", "color", "print"},
                    {width = 60, height = 30, color = false})
  if o.width < 2 then fail("heatmap", "option width must be at least 2 (two characters per cell)") end
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
          if finite(rows[r][c]) then s, k = s + rows[r][c] / 1024, k + 1 end
        end
      end
      local mean = k > 0 and s / k * 1024 or false   -- scaled so that sums do not overflow
      cells[i][j] = mean
      if mean then lo, hi = math.min(lo, mean), math.max(hi, mean) end
    end
  end
  if lo > hi then fail("heatmap", "no finite values") end
  local frac = hi > lo and fraction(lo, hi)
  local function level(v, n)                   -- 1 .. n
    if not frac then return n end
    return math.min(n, math.floor(frac(v) * n) + 1)
  end
  -- row numbers (of the first matrix row in a cell row) on the left at the
  -- top, middle and bottom; column numbers under the first and last cells
  local ncr, ncc = #cells, #cells[1]
  local rowno = {[1] = "1", [ncr] = tostring((ncr - 1) * br + 1)}
  if ncr >= 5 then rowno[(ncr + 1) // 2] = tostring(((ncr + 1) // 2 - 1) * br + 1) end
  local margin = #tostring((ncr - 1) * br + 1)
  local pad = string.rep(" ", margin + 1)
  local lines = {}
  if o.title then
    lines[#lines + 1] = pad .. center(check_utf8(o.title, "heatmap", "title"), 2 * ncc)
  end
  for i = 1, ncr do
    local parts = {}
    for j = 1, ncc do
      local v = cells[i][j]
      if not v then parts[j] = MISSING
      elseif o.color then parts[j] = "\27[48;5;" .. (231 + level(v, 24)) .. "m  \27[0m"
      else parts[j] = string.rep(SHADES[level(v, #SHADES)], 2) end
    end
    lines[#lines + 1] = (rowno[i] and right(rowno[i], margin) .. " " or pad) .. table.concat(parts)
  end
  local last = tostring((ncc - 1) * bc + 1)
  lines[#lines + 1] = pad .. "1" .. (ncc > 1 and string.rep(" ", math.max(1, 2 * ncc - 2 - #last)) .. last or "")
  local scale = labels({lo, hi})
  lines[#lines + 1] = pad .. scale[1] .. " " .. (o.color and "(dark)" or table.concat(SHADES)) ..
                      " " .. scale[2] .. (o.color and " (light)" or "") ..
                      ((br > 1 or bc > 1) and string.format("  (%d x %d blocks averaged)", br, bc) or "")
  return finish(lines, o)
end

-- plot.sparkline(y): the values as one line of eighth-height blocks, a
-- string (NaN leaves a space).
function plot.sparkline(y)
  local v = numbers(y, "sparkline", "y")
  local lo, hi = math.huge, -math.huge
  for _, t in ipairs(v) do if finite(t) then lo, hi = math.min(lo, t), math.max(hi, t) end end
  local frac = hi > lo and fraction(lo, hi)
  local out = {}
  for i, t in ipairs(v) do
    if not finite(t) then out[i] = " "
    elseif not frac then out[i] = SPARKS[4]
    else out[i] = SPARKS[math.min(8, math.floor(frac(t) * 8) + 1)] end
  end
  return table.concat(out)
end

return plot
