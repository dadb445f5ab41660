-- The sandbox (--sandbox, and the embedding option): every line of its
-- promise (docs/cli.md, "The sandbox") is tried by an escape attempt that
-- must be refused, and what it allows must work; the memory limit and the
-- time limit end runaway scripts with clear errors.
local T = require "testing"

local function sandboxed(code, extra)
  return T.run(T.gibbs .. " --sandbox " .. (extra or "") .. " -", code)
end

-- The script must fail (or report refusal itself) and never print ESCAPED.
local function refused(what, code, expect, extra)
  T.test("sandbox refuses " .. what, function()
    local out, err, code_ = sandboxed(code .. "\nprint('ESCAPED')", extra)
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
refused("C modules on package.cpath", 'package.cpath = "' .. T.build .. '/?.so"; require("gibbs")', "not found")
refused("os.getenv", 'print(os.getenv("HOME"))', "getenv")
refused("os.setlocale", 'os.setlocale("C")', "setlocale")
refused("io.tmpfile", 'io.tmpfile():write("x")', "tmpfile")
refused("the debug library", 'local d = require("debug"); d.getinfo(1)', "debug")
refused("the debug global", 'debug.sethook()', "debug")
refused("bytecode through load",
        'local f, e = load(string.dump(function() end)); if not f then print("REFUSED " .. e) os = nil error("refused") end')
refused("bytecode through load with mode b", 'assert(load(string.dump(function() end), "x", "b"))')
-- A file of bytecode (string.dump) in the write directory, then every way
-- of loading it.
local function bytecode_file(dir)
  return 'local f = assert(io.open("' .. dir .. '/evil.lua", "w"))\n' ..
    'f:write(string.dump(function() print("bytecode executed") end)); f:close()\n'
end

T.test("no loading path runs bytecode: require, loadfile, dofile", function()
  local dir = T.tmpdir()
  local out, err, code = sandboxed(bytecode_file(dir) ..
    'local function show(how, ...) print(how, (tostring(...):gsub("\\n", " "))) end\n' ..
    'package.path = "' .. dir .. '/?.lua"\n' ..
    'show("require", select(2, pcall(require, "evil")))\n' ..
    'show("loadfile", select(2, loadfile("' .. dir .. '/evil.lua")))\n' ..
    'show("dofile", select(2, pcall(dofile, "' .. dir .. '/evil.lua")))\n' ..
    'show("searcher", select(2, pcall(package.searchers[2], "evil")))',
    "--write-dir " .. dir)
  os.execute("rm -rf " .. dir)
  T.eq(code, 0, err)
  T.ok(not out:find("bytecode executed", 1, true), out)
  for _, how in ipairs{"require", "loadfile", "dofile", "searcher"} do
    T.ok(out:find(how .. "\t[^\n]*binary chunk"), how .. " refuses: " .. out)
  end
end)

T.test("chunks from load see the sandbox's globals", function()
  local out, err, code = sandboxed('print(load("return print")() == print)\n' ..
    'print(load("x = 1; return x")(), x)\n' ..
    'print(load("return y", "c", "t", {y = 2})())\n' ..
    'print(pcall(load("return print", "c", "t", nil)))')
  T.eq(code, 0, err)
  T.eq(out, "true\n1\t1\n2\nfalse\t" .. '[string "c"]:1: attempt to index a nil value (upvalue \'_ENV\')\n')
end)

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

-- Names in the write directory that lead outside it: a symbolic link to a
-- file, a dangling one, a hard link, a linked directory.
T.test("no writer follows a link out of the write directory", function()
  local dir, outside = T.tmpdir(), T.tmpdir()
  local target = outside .. "/target.txt"
  local f = assert(io.open(target, "w")); f:write("original"); f:close()
  os.execute(string.format("ln -s %s %s/link; ln -s %s/new.txt %s/dangling; ln %s %s/hard; ln -s %s %s/sub",
                           target, dir, outside, dir, target, dir, outside, dir))
  local attempts = {
    'io.open(D .. "/link", "w")', 'io.open(D .. "/link", "a")', 'io.open(D .. "/link", "r+")',
    'io.open(D .. "/link", "w+b")', 'io.output(D .. "/link")', 'io.open(D .. "/dangling", "w")',
    'io.open(D .. "/hard", "w")', 'io.open(D .. "/hard", "a")', 'io.output(D .. "/hard")',
    'array.save(D .. "/link", array{1})', 'array.savetxt(D .. "/link", array{1})',
    'array.save(D .. "/dangling", array{1})', 'os.remove(D .. "/link")',
    'os.rename(D .. "/link", D .. "/moved")', 'io.open(D .. "/sub/new.txt", "w")',
    'array.save(D .. "/sub/new.npy", array{1})', 'array.savetxt(D .. "/sub/new.txt", array{1})',
  }
  for _, a in ipairs(attempts) do
    local out, err, code = sandboxed('D = "' .. dir .. '"\n' ..
      'local f = assert(' .. a .. ')\n' ..
      'if io.type(f) == "file" then f:write("ESCAPED"); f:close() end\n' ..
      'io.write("ESCAPED")', "--write-dir " .. dir)
    T.ok(code ~= 0 and not out:find("ESCAPED", 1, true), a .. " was allowed: " .. out .. err)
    T.ok(err:find("not allowed", 1, true), a .. ": " .. err)
  end
  f = assert(io.open(target)); T.eq(f:read("a"), "original", "the target is intact"); f:close()
  local p = io.popen("ls -A " .. outside)
  T.eq(p:read("a"), "target.txt\n", "nothing new outside")
  p:close()
  -- writing in place still works for a plain file, every mode
  local out, err, code = sandboxed('D = "' .. dir .. '"\n' ..
    'for _, m in ipairs{"w", "a", "r+", "w+", "a+b"} do\n' ..
    '  local f = assert(io.open(D .. "/plain.txt", m)); f:write(m); f:close()\n' ..
    'end\n' ..
    'io.output(D .. "/out.txt"); io.write("via io.output"); io.close()\n' ..
    'print(io.open(D .. "/plain.txt"):read("a"), io.open(D .. "/out.txt"):read("a"))\n' ..
    'print(pcall(io.open, D .. "/plain.txt", "rw"))',
    "--write-dir " .. dir)
  T.eq(code, 0, err)
  T.ok(out:find("^w%+a%+b\tvia io.output\nfalse\t[^\n]*invalid mode"), out)
  os.execute("rm -rf " .. dir .. " " .. outside)
end)

-- Lua runs finalizers with hooks off: no limit could stop one that loops.
local function bounded(code, extra)
  return T.run("timeout -k 1 10 " .. T.gibbs .. " --sandbox --time-limit 2 " .. (extra or "") .. " -", code)
end
local LOOP = "function() while true do end end"

T.test("sandbox refuses __gc in metatables set by scripts", function()
  for _, mt in ipairs({"{__gc = " .. LOOP .. "}", "{__gc = setmetatable({}, {__call = " .. LOOP .. "})}",
                       "{__gc = false}", "{__index = {}, __gc = print}"}) do
    local out, err, code = bounded("print(pcall(setmetatable, {}, " .. mt .. "))\n" ..
      "setmetatable({}, " .. mt .. ")\ncollectgarbage()\nprint('ESCAPED')")
    T.eq(code, 1, mt .. ": " .. err)
    T.ok(out:find("^false\tsetmetatable: __gc is not allowed in the sandbox\n$"), mt .. ": " .. out)
    T.ok(err:find("setmetatable: __gc is not allowed in the sandbox", 1, true), err)
  end
end)

T.test("sandbox: the metatables of built-in objects are read-only views", function()
  for _, obj in ipairs({"io.stdout", "array{1}", "rng.new(1)", "sample.chain{seed = 1}", "stats.normal()"}) do
    local out, err, code = bounded("local mt = getmetatable(" .. obj .. ")\n" ..
      "print(pcall(function() mt.__gc = " .. LOOP .. " end))\n" ..
      "rawset(mt, '__gc', " .. LOOP .. ")\n" ..
      "for i = 1, 3 do local x = " .. obj .. " end\n" ..
      "local f = io.open('tests/testing.lua'); f = nil\n" ..
      "collectgarbage(); collectgarbage()\nprint('ended')", "--read-dir tests")
    T.eq(code, 0, obj .. ": " .. err)
    T.ok(out:find("^false\t[^\n]*read%-only\nended\n$"), obj .. ": " .. out)
  end
  -- the views still serve what scripts and help read from them
  local out, err, code = bounded("local a, b = array{1}, array{2}\n" ..
    "print(getmetatable(a) == getmetatable(b), getmetatable(a).__name, type(getmetatable(a).__index))\n" ..
    "local n = 0 for k in pairs(getmetatable(a).__methods) do n = n + 1 end\n" ..
    "local m = 0 for k in pairs(getmetatable(a)) do m = m + 1 end\n" ..
    "print(n > 10, m > 5, getmetatable(getmetatable(a)))\n" ..
    "print(getmetatable('').__index == string, getmetatable(setmetatable({}, {x = 1})).x)\n" ..
    "help('a:cumsum')")
  T.eq(code, 0, err)
  T.ok(out:find("^true\tarray\tfunction\ntrue\ttrue\tfalse\ntrue\t1\n.*a:cumsum"), out)
end)

-- Every reader, on a path: each must be refused outside the readable
-- directories and work inside them.
local READERS = {
  'return assert(io.open(P)):read("a")', 'return assert(io.open(P, "rb")):read("a")',
  'return io.lines(P)()', 'io.input(P); return io.read("a")', 'return assert(loadfile(P))',
  'return dofile(P)', 'return array.load(P)', 'return array.loadtxt(P)',
}

-- Try each reader on path in one sandboxed process; one line each,
-- "READ" or the error.
local function attempt(readers, path, extra)
  local code = {'P = "' .. path .. '"',
    'local function try(f) local ok, e = pcall(f); print(ok and "READ" or (tostring(e):gsub("\\n", " "))) end'}
  for _, r in ipairs(readers) do code[#code + 1] = 'try(function() ' .. r .. ' end)' end
  local out, err, status = sandboxed(table.concat(code, "\n"), extra)
  T.eq(status, 0, err)
  local lines = {}
  for l in out:gmatch("[^\n]*\n") do lines[#lines + 1] = l:sub(1, -2) end
  T.eq(#lines, #readers, out)
  return lines
end

T.test("sandbox: no reads without a read directory, and none outside one", function()
  local dir, other = T.tmpdir(), T.tmpdir()
  os.execute(string.format("echo 'return 1' > %s/f.lua; cp %s/f.lua %s/f.lua; ln -s %s/f.lua %s/out; " ..
    "ln -s %s/f.lua %s/in; mkdir %s/sub", dir, dir, other, other, dir, dir, dir, dir))
  local cases = {
    {"/etc/passwd", ""}, {"/etc/passwd", "--read-dir " .. dir},
    {other .. "/f.lua", "--read-dir " .. dir}, {dir .. "/f.lua", ""},
    {dir .. "/../" .. other:match("[^/]+$") .. "/f.lua", "--read-dir " .. dir},
    {dir .. "/out", "--read-dir " .. dir}, {dir .. "/sub/../out", "--read-dir " .. dir},
    {dir .. "/f.lua", "--read-dir " .. dir .. "/sub"}, {dir .. "/f.lua", "--write-dir " .. dir .. "/sub"},
  }
  for _, c in ipairs(cases) do
    for i, got in ipairs(attempt(READERS, c[1], c[2])) do
      T.ok(got:find("sandbox: reading '" .. c[1] .. "' is not allowed", 1, true),
           READERS[i] .. " of " .. c[1] .. " with '" .. c[2] .. "': " .. got)
    end
  end
  -- a missing file outside reads as a refusal, not as "no such file"
  local got = attempt({READERS[1]}, "/etc/no-such-file", "--read-dir " .. dir)[1]
  T.ok(got:find("not allowed", 1, true), got)
  -- inside a read directory, or the write directory, everything reads
  for _, extra in ipairs({"--read-dir " .. dir, "--read-dir /nonexistent-but-fine --read-dir " .. dir,
                          "--write-dir " .. dir, "--read-dir " .. dir .. "/sub --read-dir " .. dir}) do
    extra = extra:gsub("/nonexistent%-but%-fine", other)
    for _, path in ipairs({dir .. "/f.lua", dir .. "/in", dir .. "/sub/../f.lua"}) do
      local lua_readers = {table.unpack(READERS, 1, 6)}
      for i, got in ipairs(attempt(lua_readers, path, extra)) do
        T.eq(got, "READ", lua_readers[i] .. " of " .. path .. " with " .. extra)
      end
    end
  end
  local out = sandboxed('array.save("' .. dir .. '/a.npy", array{1, 2}); array.savetxt("' .. dir .. '/a.txt", array{3})\n' ..
    'print(array.load("' .. dir .. '/a.npy"):sum(), array.loadtxt("' .. dir .. '/a.txt"):sum())',
    "--write-dir " .. dir)
  T.eq(out, "3\t3.0\n")
  -- reading standard input stays allowed
  out = T.run(T.gibbs .. " --sandbox -e 'print(loadfile()())'", "return 42\n")
  T.eq(out, "42\n")
  os.execute("rm -rf " .. dir .. " " .. other)
end)

T.test("sandbox: require finds the built-in modules and Lua files in the readable directories only", function()
  local dir, other = T.tmpdir(), T.tmpdir()
  os.execute(string.format("echo 'return \"mine\"' > %s/mine.lua; echo 'return \"theirs\"' > %s/theirs.lua",
                           dir, other))
  local path = 'package.path = "' .. dir .. '/?.lua;' .. other .. '/?.lua"\n'
  local out, err, code = sandboxed(path ..
    'print(require("mine"), require("help") ~= nil, require("plot") ~= nil, require("array") == array)\n' ..
    'print(require("string") == string, require("gibbs.files") ~= nil)\n' ..
    'print(package.searchpath("theirs", package.path))\n' ..
    'print(package.searchpath("mine", package.path))\n' ..
    'print(pcall(require, "theirs"))', "--read-dir " .. dir)
  T.eq(code, 0, err)
  local lines = {}
  for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
  T.eq(lines[1], "mine\ttrue\ttrue\ttrue")
  T.eq(lines[2], "true\ttrue")
  T.eq(lines[3], "nil\tno file '" .. dir .. "/theirs.lua'")
  T.eq(lines[4], "\tno file '" .. other .. "/theirs.lua'")
  T.eq(lines[5], dir .. "/mine.lua")
  T.ok(out:find("false\tmodule 'theirs' not found:", 1, true), out)
  T.ok(not out:find("theirs\n", 1, true), out)
  os.execute("rm -rf " .. dir .. " " .. other)
end)

T.test("--read-dir and --write-dir must name directories", function()
  for _, opt in ipairs({"--read-dir", "--write-dir"}) do
    local out, err, code = T.run(T.gibbs .. " --sandbox " .. opt .. " /nonexistent -e 'print(1)'")
    T.eq(code, 1)
    T.eq(out, "")
    T.ok(err:find(opt .. " '/nonexistent': not a directory", 1, true), err)
  end
end)

T.test("what the sandbox allows works", function()
  local dir = T.tmpdir()
  local script = dir .. "/script.lua"
  local f = assert(io.open(script, "w"))
  f:write([[
local co = coroutine.wrap(function(x) coroutine.yield(x + 1) end)
local t = {3, 1, 2}; table.sort(t)
assert(co(1) == 2 and t[1] == 1 and utf8.len("été") == 3 and math.floor(2.5) == 2)
assert(("abc"):upper() == "ABC" and string.format("%5.2f", 1) == " 1.00")
assert(load("return 1 + 1")() == 2 and pcall(error, "x") == false)
assert(os.time() > 0 and os.clock() >= 0 and os.date("%Y") and os.difftime(2, 1) == 1)
assert(collectgarbage("count") > 0 and select("#", 1, 2) == 2)
for _, m in ipairs({"array", "linalg", "rng", "sample", "special", "stats", "entropy", "time"}) do
  assert(type(_G[m]) == "table", m)
end
assert(linalg.det(array.eye(3)) == 1 and rng.new(1):standard_normal(3).size == 3)
io.write(io.read("l"), "\n"); io.stderr:write("to stderr\n"); print(#arg, arg[1])
help("array.zeros")
]])
  f:close()
  local out, err, code = T.run(T.gibbs .. " --sandbox " .. script .. " x", "from stdin\n")
  T.eq(code, 0, err)
  T.ok(out:find("^from stdin\n1\tx\n.*array.zeros"), out)
  T.eq(err, "to stderr\n")
  os.execute("rm -rf " .. dir)
end)

T.test("the error handler's traceback still works", function()
  local _, err, code = sandboxed('error("boom")')
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
