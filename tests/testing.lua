-- The assertions and the output protocol of gibbs's Lua tests.
--
--   local T = require "testing"
--   T.test("zeros has the shape it was given", function()
--     T.eq(array.zeros{2, 3}.shape, {2, 3})
--   end)
--
-- Each test prints one line: "ok NAME", "FAIL NAME: message" or
-- "skip NAME: reason".  tests/run.lua counts them.
local T = {}

local function show(v)
  if type(v) == "table" and getmetatable(v) == nil then
    local parts = {}
    for i = 1, #v do parts[i] = show(v[i]) end
    for k, x in pairs(v) do
      if math.type(k) ~= "integer" or k < 1 or k > #v then
        parts[#parts + 1] = tostring(k) .. "=" .. show(x)
      end
    end
    return "{" .. table.concat(parts, ", ") .. "}"
  elseif type(v) == "string" then
    return string.format("%q", v)
  end
  return tostring(v)
end
T.show = show

local function fail(msg, level)
  error(msg, (level or 1) + 2)
end

local function deep_eq(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then
    return type(a) == "number" and type(b) == "number" and a ~= a and b ~= b
  end
  for k, v in pairs(a) do if not deep_eq(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

-- Equal values, or tables equal element by element (NaN equals NaN).
function T.eq(got, want, what)
  if not deep_eq(got, want) then
    fail(string.format("%sexpected %s, got %s", what and what .. ": " or "", show(want), show(got)))
  end
end

function T.ok(cond, what)
  if not cond then fail(what or "condition is false") end
end

-- |got - want| <= atol + rtol * |want|, elementwise for (nested) tables.
function T.near(got, want, rtol, atol, what)
  rtol, atol = rtol or 1e-12, atol or 0
  local function walk(g, w, path)
    if type(w) == "table" then
      if type(g) ~= "table" or #g ~= #w then
        fail(string.format("%sshape differs at %s: expected %s, got %s",
             what and what .. ": " or "", path, show(w), show(g)), 2)
      end
      for i = 1, #w do walk(g[i], w[i], path .. "[" .. i .. "]") end
      return
    end
    if type(g) ~= "number" then
      fail(string.format("%sexpected a number at %s, got %s", what and what .. ": " or "", path, show(g)), 2)
    end
    if w ~= w then
      if g == g then fail(string.format("%sexpected NaN at %s, got %.17g", what and what .. ": " or "", path, g), 2) end
      return
    end
    if w == g then return end
    local err = math.abs(g - w)
    if not (err <= atol + rtol * math.abs(w)) then
      fail(string.format("%s%s: expected %.17g, got %.17g (error %.3g, tolerance %.3g)",
           what and what .. ": " or "", path, w, g, err, atol + rtol * math.abs(w)), 2)
    end
  end
  walk(got, want, "value")
end

-- f() must raise an error whose message contains each of the given
-- plain substrings; returns the message.
function T.raises(f, ...)
  local ok, err = pcall(f)
  if ok then fail("expected an error, but the call succeeded") end
  err = tostring(err)
  for _, s in ipairs({...}) do
    if not err:find(s, 1, true) then
      fail(string.format("error message %q does not contain %q", err, s))
    end
  end
  return err
end

local counts = {passed = 0, failed = 0, skipped = 0}
T.counts = counts

function T.test(name, f)
  local ok, err = xpcall(f, function(e)
    if type(e) == "table" and e.skip then return e end
    return debug and debug.traceback(tostring(e), 2) or tostring(e)
  end)
  if ok then
    counts.passed = counts.passed + 1
    print("ok " .. name)
  elseif type(err) == "table" and err.skip then
    counts.skipped = counts.skipped + 1
    print("skip " .. name .. ": " .. err.reason)
  else
    counts.failed = counts.failed + 1
    print("FAIL " .. name .. ": " .. tostring(err):gsub("\n", "\n    "))
  end
  io.stdout:flush()
end

-- Inside a test: stop it and count it as skipped.
function T.skip(reason)
  error({skip = true, reason = reason}, 0)
end

-- Paths and helpers for tests that run the gibbs program itself.
T.build = os.getenv("GIBBS_BUILD") or "build"
T.gibbs = T.build .. "/gibbs"

function T.tmpdir()
  local p = io.popen("mktemp -d")
  local d = p:read("l")
  p:close()
  return d
end

-- Run a shell command; returns its stdout, stderr and exit code.
function T.run(cmd, input)
  local dir = T.tmpdir()
  local full = string.format("%s >%s/out 2>%s/err", cmd, dir, dir)
  if input then
    local f = assert(io.open(dir .. "/in", "w"))
    f:write(input)
    f:close()
    full = full .. " <" .. dir .. "/in"
  else
    full = full .. " </dev/null"
  end
  local _, _, code = os.execute(full)
  local function slurp(name)
    local f = io.open(dir .. "/" .. name)
    local s = f and f:read("a") or ""
    if f then f:close() end
    return s
  end
  local out, err = slurp("out"), slurp("err")
  os.execute("rm -rf " .. dir)
  return out, err, code
end

return T
