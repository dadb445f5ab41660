-- Readable printing of Lua values for the REPL and pp().
local pretty = {}

local function is_identifier(s)
  return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil
end

local function key_order(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

-- A one-line or indented rendering of v; tables nested deeper than depth
-- or seen before are shown by address.
function pretty.format(v, opts)
  opts = opts or {}
  local maxdepth = opts.depth or 4
  local maxitems = opts.items or 50
  local seen = {}
  local function fmt(x, depth, indent)
    local t = type(x)
    if t == "string" then return string.format("%q", x) end
    if t ~= "table" or getmetatable(x) and getmetatable(x).__tostring then
      if t == "number" and math.type(x) == "float" then
        return string.format("%.17g", x):match("^-?%d+$") and string.format("%.1f", x)
               or string.format("%.14g", x)
      end
      return tostring(x)
    end
    if seen[x] or depth > maxdepth then return tostring(x) end
    seen[x] = true
    local parts, n = {}, #x
    for i = 1, math.min(n, maxitems) do parts[#parts + 1] = fmt(x[i], depth + 1, indent .. "  ") end
    if n > maxitems then parts[#parts + 1] = "... (" .. n .. " items)" end
    local keys = {}
    for k in pairs(x) do
      if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
    end
    table.sort(keys, key_order)
    for i, k in ipairs(keys) do
      if i > maxitems then parts[#parts + 1] = "..."; break end
      local ks = is_identifier(k) and k or "[" .. fmt(k, depth + 1, indent) .. "]"
      parts[#parts + 1] = ks .. " = " .. fmt(x[k], depth + 1, indent .. "  ")
    end
    seen[x] = nil
    local one = "{" .. table.concat(parts, ", ") .. "}"
    if #one <= 78 - #indent then return one end
    return "{\n" .. indent .. "  " .. table.concat(parts, ",\n" .. indent .. "  ") .. "\n" .. indent .. "}"
  end
  return fmt(v, 1, "")
end

-- Print each value on its own line, as the REPL does with results.
function pretty.repl_print(...)
  local n = select("#", ...)
  for i = 1, n do
    print(pretty.format((select(i, ...))))
  end
end

return pretty
