-- The command line: scripts, arg, -e, stdin, exit codes and error format.
local T = require "testing"
local G = T.gibbs

T.test("-e runs code and exits 0", function()
  local out, err, code = T.run(G .. " -e 'print(1 + 1)'")
  T.eq(out, "2\n"); T.eq(err, ""); T.eq(code, 0)
end)

T.test("a script gets arg and ...", function()
  local dir = T.tmpdir()
  local f = assert(io.open(dir .. "/s.lua", "w"))
  f:write("#!/usr/bin/env gibbs\nprint(arg[0] == ..., arg[1], arg[2], select('#', ...))\n")
  f:close()
  local out, _, code = T.run(G .. " " .. dir .. "/s.lua a b")
  os.execute("rm -rf " .. dir)
  T.eq(out, "false\ta\tb\t2\n"); T.eq(code, 0)
end)

T.test("an error prints gibbs: file:line: message and a traceback, exit 1", function()
  local _, err, code = T.run(G .. " -e 'local x = nil; x()'")
  T.eq(code, 1)
  T.ok(err:find("^gibbs: %(command line%):1: attempt to call"), err)
  T.ok(err:find("stack traceback:", 1, true), err)
end)

T.test("piped stdin with no script runs as a script", function()
  local out, _, code = T.run(G, "print(6 * 7)\n")
  T.eq(out, "42\n"); T.eq(code, 0)
end)

T.test("-v prints the version", function()
  local out, _, code = T.run(G .. " -v")
  T.ok(out:find("^gibbs %d+%.%d+%.%d+"), out); T.eq(code, 0)
end)

T.test("an unknown option is an error with usage", function()
  local _, err, code = T.run(G .. " --frobnicate")
  T.eq(code, 1); T.ok(err:find("unrecognised option '--frobnicate'", 1, true), err)
end)
