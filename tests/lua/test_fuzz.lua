-- The API fuzzer (tests/fuzz/api.lua) on a fixed seed: a bounded number
-- of hostile calls of every function and method must end without a crash,
-- a sanitizer report or a hang.  `make fuzz` runs it for longer.
local T = require "testing"
local help = require "help"

local FUZZER = "tests/fuzz/api.lua"
-- fewer calls under the sanitizers, which are about ten times slower
local CALLS = os.getenv("SANITIZE") == "1" and 6000 or 30000

T.test("the fuzzer finds every documented function and method", function()
  local out, err, code = T.run(T.gibbs .. " " .. FUZZER .. " --list")
  T.eq(code, 0, err)
  local listed = {}
  for line in out:gmatch("[^\n]+") do
    listed[line:match("^skip ([^:]+):") or line] = true
  end
  local missing = {}
  for _, name in ipairs(help.names()) do
    local alias = help.alias(name)
    if not listed[name] and not (alias and listed[alias]) and (name:find("[.:]") or type(_G[name]) == "function") then
      missing[#missing + 1] = name
    end
  end
  T.ok(#missing == 0, "not fuzzed: " .. table.concat(missing, ", "))
end)

T.test(CALLS .. " fuzzed calls end without a crash, sanitizer report or hang", function()
  local t0 = os.time()
  local out, err, code = T.run(T.gibbs .. " " .. FUZZER .. " --seed 1 --calls " .. CALLS)
  print(string.format("# %s(%d s)", out:match("fuzz: %d+ calls.-\n") or "", os.time() - t0))
  T.eq(code, 0, out .. err)
  local calls, covered, total = out:match("fuzz: (%d+) calls, %d+ errors raised, (%d+) of (%d+) functions covered")
  T.eq(tonumber(calls), CALLS, "calls made")
  T.ok(tonumber(covered) >= 0.95 * tonumber(total), "functions covered: " .. tostring(covered) .. " of " .. tostring(total))
end)
