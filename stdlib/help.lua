-- help(): the help texts, read from the reference pages in docs/ (compiled
-- into the program), so that help and the manual cannot drift apart.
--
-- A reference page docs/<module>.md documents each public function under a
-- level-3 heading that starts with its full name:
--
--   ### array.zeros(shape [, dtype])
--   ### a:sum([axis [, keepdims]])        (methods of arrays are "a:name")
--
-- followed by its description and a ```lua example block (the tests run
-- every example).
local files = require "gibbs.files"

local help = {}

-- Every documented entry: name -> {heading, body, page}.
local index

local function page_entries(path, text)
  local entries, order = {}, {}
  local current
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    local heading = line:match("^###%s+(.-)%s*$")
    if heading then
      local name = heading:match("^([%w_%.:]+)")
      current = {heading = heading, lines = {}, page = path}
      if name then
        entries[name] = current
        order[#order + 1] = name
      end
    elseif line:match("^#") then
      current = nil
    elseif current then
      current.lines[#current.lines + 1] = line
    end
  end
  for _, e in pairs(entries) do
    e.body = table.concat(e.lines, "\n"):gsub("^%s+", ""):gsub("%s+$", "")
    e.lines = nil
  end
  return entries, order
end

local function build_index()
  if index then return index end
  index = {entries = {}, pages = {}}
  for _, path in ipairs(files.list("docs/")) do
    local text = files.read(path)
    local title = text:match("^#%s+([^\n]+)") or path
    local entries, order = page_entries(path, text)
    local module = path:match("^docs/(.-)%.md$")
    index.pages[module] = {path = path, title = title, order = order, text = text}
    for name, e in pairs(entries) do index.entries[name] = e end
  end
  return index
end

-- The method tables of gibbs's object types, with the prefix their
-- reference pages use ("a:sum", "g:normal", "s:sample").  They are found
-- through a sample object's metatable, so the debug library (absent in the
-- sandbox) is not needed.
local function method_tables()
  local out = {}
  local function add(prefix, make, field)
    local ok, obj = pcall(make)
    local mt = ok and getmetatable(obj)
    local t = type(mt) == "table" and mt[field]
    if type(t) == "table" then out[#out + 1] = {prefix = prefix, methods = t} end
  end
  if rawget(_G, "array") then add("a", function() return array.new{0} end, "__methods") end
  if rawget(_G, "rng") then add("g", function() return rng.new(0) end, "__index") end
  if rawget(_G, "sample") then add("s", function() return sample.chain{seed = 0} end, "__methods") end
  if rawget(_G, "stats") then add("d", function() return stats.normal() end, "__index") end
  return out
end
help.method_tables = method_tables

-- The public name of a value: "array.zeros", "a:sum", or a module name.
local function name_of(v)
  for modname, mod in pairs(package.loaded) do
    if mod == v and type(v) == "table" and modname ~= "_G" then return modname end
  end
  for modname, mod in pairs(package.loaded) do
    if type(mod) == "table" and modname ~= "_G" and modname ~= "package" then
      for k, f in pairs(mod) do
        if f == v and type(k) == "string" then return modname .. "." .. k end
      end
    end
  end
  for _, m in ipairs(method_tables()) do
    for k, f in pairs(m.methods) do
      if f == v then return m.prefix .. ":" .. k end
    end
  end
  for k, f in pairs(_G) do
    if f == v and type(k) == "string" then return k end
  end
  return nil
end

local function render(e)
  return e.heading .. "\n\n" .. e.body .. "\n"
end

local function module_summary(module)
  local ix = build_index()
  local page = ix.pages[module]
  if not page then return nil end
  local out = {page.title, "", "Functions (help \"name\" for one of them):"}
  for _, name in ipairs(page.order) do
    out[#out + 1] = "  " .. ix.entries[name].heading
  end
  out[#out + 1] = "\nThe manual page: " .. page.path
  return table.concat(out, "\n")
end

local function overview()
  local ix = build_index()
  local names = {}
  for name in pairs(ix.pages) do names[#names + 1] = name end
  table.sort(names)
  local out = {"gibbs: Lua 5.4 for information-theoretic and stochastic analysis.", "",
               "Modules and topics (help \"name\"):"}
  for _, name in ipairs(names) do
    out[#out + 1] = string.format("  %-12s %s", name, ix.pages[name].title:gsub("^[^:]*:%s*", ""))
  end
  out[#out + 1] = "\nhelp(f) for a function, e.g. help(array.zeros) or help \"a:sum\"."
  return table.concat(out, "\n")
end

-- The help text of x (a function, a module table, or a name), or nil and
-- a message.
function help.text(x)
  local ix = build_index()
  if x == nil then return overview() end
  local name = type(x) == "string" and x or name_of(x)
  if not name then
    return nil, "no help for this " .. type(x) .. " (not a public function or module)"
  end
  if name:match("^array:") then name = "a:" .. name:sub(7) end
  if ix.entries[name] then return render(ix.entries[name]) end
  local alias = help.alias(name)
  if alias and ix.entries[alias] then return render(ix.entries[alias]) end
  local summary = module_summary(name)
  if summary then return summary end
  -- a global function documented under its own name, e.g. help
  return nil, "no help for '" .. name .. "'"
end

function help.help(x)
  local text, err = help.text(x)
  print(text or err)
end

-- Methods that are also module functions are documented once, under either
-- form: a:exp and array.exp, g:normal and rng.normal.
local owners = {a = "array", g = "rng"}
function help.alias(name)
  local obj, f = name:match("^(%a):([%w_]+)$")
  if obj and owners[obj] then return owners[obj] .. "." .. f end
  local mod, g = name:match("^([%w_]+)%.([%w_]+)$")
  for o, m in pairs(owners) do
    if m == mod then return o .. ":" .. g end
  end
  return nil
end

-- Every documented name, for tests and completion.
function help.names()
  local ix = build_index()
  local names = {}
  for name in pairs(ix.entries) do names[#names + 1] = name end
  table.sort(names)
  return names
end

-- The entries of one page in the order written: {name, heading, body}.
function help.page(module)
  local ix = build_index()
  local page = ix.pages[module]
  if not page then return nil end
  local out = {}
  for _, name in ipairs(page.order) do
    local e = ix.entries[name]
    out[#out + 1] = {name = name, heading = e.heading, body = e.body}
  end
  return out
end

return help
