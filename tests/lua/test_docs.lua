-- The manual and the code cannot drift apart: every public function of
-- every module (and every method of arrays, generators and samplers) has a
-- reference section in docs/, every section names something that exists,
-- and every ```lua example in docs/ runs without error, each in a fresh
-- environment.
local T = require "testing"
local help = require "help"

local MODULES = {"array", "entropy", "linalg", "plot", "rng", "sample", "special", "stats", "time"}

-- A name counts as documented under its own heading or, for functions that
-- are both methods and module functions, under the other form.
local function documented()
  local set = {}
  for _, name in ipairs(help.names()) do
    set[name] = true
    local alias = help.alias(name)
    if alias then set[alias] = true end
  end
  return set
end

T.test("every public function and method has a docs section", function()
  local doc, missing = documented(), {}
  for _, m in ipairs(MODULES) do
    for k, v in pairs(_G[m]) do
      if type(v) == "function" and not doc[m .. "." .. k] then missing[#missing + 1] = m .. "." .. k end
    end
  end
  for _, mt in ipairs(help.method_tables()) do
    for k, v in pairs(mt.methods) do
      if type(v) == "function" and not doc[mt.prefix .. ":" .. k] then
        missing[#missing + 1] = mt.prefix .. ":" .. k
      end
    end
  end
  table.sort(missing)
  T.ok(#missing == 0, "undocumented: " .. table.concat(missing, ", "))
end)

T.test("every docs section names an existing function", function()
  local methods = {}
  for _, mt in ipairs(help.method_tables()) do methods[mt.prefix] = mt.methods end
  local stale = {}
  for _, name in ipairs(help.names()) do
    local mod, fn = name:match("^([%w_]+)%.([%w_]+)$")
    local obj, meth = name:match("^(%a):([%w_]+)$")
    local ok
    if mod then ok = type(rawget(_G, mod)) == "table" and _G[mod][fn] ~= nil
    elseif obj then ok = methods[obj] and methods[obj][meth] ~= nil
    else ok = rawget(_G, name) ~= nil end
    if not ok then stale[#stale + 1] = name end
  end
  T.ok(#stale == 0, "documented but missing: " .. table.concat(stale, ", "))
end)

T.test("help finds functions, methods and modules without the debug library", function()
  T.ok(help.text(array.zeros):find("array.zeros", 1, true), "help(array.zeros)")
  T.ok(help.text("array.zeros"):find("```lua", 1, true), "an example is shown")
  T.ok(help.text(array.new{1}.sum):find("a:sum", 1, true), "help(a.sum)")
  T.ok(help.text(linalg):find("linalg", 1, true), "help(linalg)")
  T.ok(help.text():find("array", 1, true), "help() lists modules")
  local text, err = help.text(print)
  T.ok(text == nil and err:find("no help"), "an undocumented function says so")
end)

-- Run every example block of every page.
local files = require "gibbs.files"
for _, path in ipairs(files.list("docs/")) do
  local text = files.read(path)
  local lines, blocks, heading = {}, {}, path
  for l in (text .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = l end
  local i = 1
  while i <= #lines do
    local h = lines[i]:match("^#+%s+(.*)")
    if h then heading = h end
    if lines[i] == "```lua" then
      local code, start = {}, i
      i = i + 1
      while i <= #lines and lines[i] ~= "```" do code[#code + 1] = lines[i]; i = i + 1 end
      blocks[#blocks + 1] = {heading = heading, line = start, code = table.concat(code, "\n")}
    end
    i = i + 1
  end
  if #blocks > 0 then
    T.test(path .. ": " .. #blocks .. " examples run", function()
      for _, b in ipairs(blocks) do
        -- the examples' printing is kept out of the test log, but every
        -- argument still goes through tostring, as print would
        local env = setmetatable({print = function(...)
          for j = 1, select("#", ...) do tostring((select(j, ...))) end
        end}, {__index = _G})
        local f, err = load(b.code, "=" .. path .. ":" .. b.line, "t", env)
        if not f then error(path .. ", " .. b.heading .. ": " .. err, 0) end
        local write = io.write                 -- plots print through io.write
        io.write = env.print
        local ok, e = pcall(f)
        io.write = write
        if not ok then error(path .. ", " .. b.heading .. ": " .. tostring(e), 0) end
      end
    end)
  end
end
