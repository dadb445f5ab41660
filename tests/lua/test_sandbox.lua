-- The sandbox (--sandbox, and the embedding option): every escape the
-- contract lists is tried and must be refused; the memory limit and the
-- time limit end runaway scripts with clear errors.
local T = require "testing"

local function sandboxed(code, extra)
  return T.run(T.gibbs .. " --sandbox " .. (extra or "") .. " -", code)
end

-- The script must fail (or report refusal itself) and never print ESCAPED.
local function refused(what, code, expect)
  T.test("sandbox refuses " .. what, function()
    local out, err, code_ = sandboxed(code .. "\nprint('ESCAPED')")
    T.ok(not out:find("ESCAPED", 1, true), what .. " was allowed: " .. out .. err)
    if expect then T.ok((out .. err):find(expect, 1, true), "message: " .. out .. err) end
    T.ok(code_ ~= 0 or out:find("REFUSED", 1, true), "exit status " .. tostring(code_))
  end)
end

refused("os.execute", 'os.execute("true")', "execute")
refused("io.popen", 'io.popen("ls")', "popen")
refused("os.exit", 'os.exit(0)', "exit")
refused("os.tmpname", 'os.tmpname()', "tmpname")
refused("package.loadlib", 'package.loadlib("libc.so.6", "puts")', "loadlib")
refused("C modules through require", 'require("socket.core")', "not found")
refused("the debug library", 'local d = require("debug"); d.getinfo(1)', "debug")
refused("the debug global", 'debug.sethook()', "debug")
refused("bytecode through load",
        'local f, e = load(string.dump(function() end)); if not f then print("REFUSED " .. e) os = nil error("refused") end')
refused("bytecode through load with mode b", 'assert(load(string.dump(function() end), "x", "b"))')
refused("writing files with io.open", 'io.open("/tmp/gibbs_sandbox_test", "w")', "not allowed")
refused("appending with io.open", 'io.open("/tmp/gibbs_sandbox_test", "a")', "not allowed")
refused("read-write with io.open", 'io.open("/tmp/gibbs_sandbox_test", "r+")', "not allowed")
refused("io.output to a file", 'io.output("/tmp/gibbs_sandbox_test")', "not allowed")
refused("os.remove", 'os.remove("/tmp/gibbs_sandbox_test")', "not allowed")
refused("os.rename", 'os.rename("/tmp/a", "/tmp/b")', "not allowed")
refused("array.save", 'array.save("/tmp/gibbs_sandbox_test.npy", array{1})', "not allowed")
refused("array.savetxt", 'array.savetxt("/tmp/gibbs_sandbox_test.txt", array{1})', "not allowed")

T.test("--write-dir allows one directory and nothing outside it", function()
  local dir = T.tmpdir()
  local out, err, code = sandboxed(
    'local f = assert(io.open("' .. dir .. '/ok.txt", "w")); f:write("x"); f:close()\n' ..
    'array.save("' .. dir .. '/a.npy", array{1, 2})\n' ..
    'print(pcall(io.open, "' .. dir .. '/../escape.txt", "w"))\n' ..
    'print(pcall(array.save, "' .. dir .. '/../escape.npy", array{1}))',
    "--write-dir " .. dir)
  T.eq(code, 0, err)
  T.ok(io.open(dir .. "/ok.txt") and io.open(dir .. "/a.npy"), "files inside are written")
  T.ok(not out:find("true", 1, true), "../ escapes are refused: " .. out)
  local link = dir .. "/link"
  os.execute("ln -s /tmp " .. link)
  out = sandboxed('print(pcall(io.open, "' .. link .. '/escaped.txt", "w"))', "--write-dir " .. dir)
  T.ok(out:find("false", 1, true) and out:find("not allowed", 1, true), "a symlink out is refused: " .. out)
  os.execute("rm -rf " .. dir)
end)

T.test("reading files and the error handler's traceback still work", function()
  local out, err, code = sandboxed('print(io.open("tests/testing.lua"):read("l") ~= nil)')
  T.eq(code, 0, err)
  T.eq(out, "true\n")
  _, err, code = sandboxed('error("boom")')
  T.eq(code, 1)
  T.ok(err:find("boom", 1, true) and err:find("traceback", 1, true), err)
end)

T.test("the memory limit ends an allocation-hungry script with 'not enough memory'", function()
  local _, err, code = T.run(T.gibbs .. " --mem-limit 64M -e " ..
    "'local t = {} for i = 1, 1e6 do t[i] = string.rep(\"x\", 1000) .. i end'")
  T.eq(code, 1)
  T.ok(err:find("not enough memory", 1, true), err)
  _, err, code = T.run(T.gibbs .. " --mem-limit 64M -e 'local a = array.zeros(1e8)'")
  T.eq(code, 1)
  T.ok(err:find("not enough memory", 1, true), err)
  local out
  out, err, code = T.run(T.gibbs .. " --mem-limit 64M -e " ..
    "'print(pcall(array.zeros, 1e8)); print(array.zeros(1000):sum())'")
  T.eq(code, 0, err)
  T.ok(out:find("not enough memory", 1, true) and out:find("\n0.0\n", 1, true), "the state keeps working: " .. out)
end)

T.test("the time limit ends endless Lua loops and native loops", function()
  local _, err, code = T.run(T.gibbs .. " --time-limit 0.5 -e 'while true do end'")
  T.eq(code, 1)
  T.ok(err:find("time limit", 1, true), err)
  _, err, code = T.run(T.gibbs .. " --time-limit 0.5 -e 'time.sleep(30)'")
  T.eq(code, 1)
  T.ok(err:find("interrupted", 1, true) or err:find("time limit", 1, true), err)
end)
