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

T.test("-h prints the usage with every option", function()
  local out, _, code = T.run(T.gibbs .. " -h")
  T.eq(code, 0)
  for _, opt in ipairs({"-e", "-i", "-l", "-v", "--sandbox", "--mem-limit", "--time-limit", "--write-dir", "--read-dir", "--"}) do
    T.ok(out:find(opt, 1, true), "usage mentions " .. opt)
  end
end)

T.test("- runs standard input as the script, with arguments", function()
  local out, _, code = T.run(T.gibbs .. " - x y", "print(arg[0], #arg, arg[1], arg[2])")
  T.eq(code, 0)
  T.eq(out, "-\t2\tx\ty\n")
end)

T.test("-- ends the options: a script named like an option", function()
  local dir = T.tmpdir()
  local f = assert(io.open(dir .. "/-v", "w"))
  f:write("print('script ran', ...)\n")
  f:close()
  local out, _, code = T.run("cd " .. dir .. " && " .. (T.gibbs:sub(1, 1) == "/" and T.gibbs or os.getenv("PWD") .. "/" .. T.gibbs) .. " -- -v a")
  T.eq(code, 0)
  T.eq(out, "script ran\ta\n")
  os.execute("rm -rf " .. dir)
end)

T.test("a shebang line is skipped, so scripts can be executables", function()
  local dir = T.tmpdir()
  local path = dir .. "/s.lua"
  local f = assert(io.open(path, "w"))
  f:write("#!/usr/bin/env gibbs\nprint(array.range(1, 3):sum())\n")
  f:close()
  local out, err, code = T.run(T.gibbs .. " " .. path)
  T.eq(code, 0, err)
  T.eq(out, "6\n")
  os.execute("rm -rf " .. dir)
end)

T.test("-l requires a module into a global; -i runs the REPL after the script", function()
  local out, err, code = T.run(T.gibbs .. " -l help -e 'print(type(help.text))'")
  T.eq(code, 0, err)
  T.eq(out, "function\n")
  out, err, code = T.run(T.gibbs .. " -e 'x = 41' -i", "print(x + 1)\n")
  T.eq(code, 0, err)
  T.ok(out:find("42", 1, true), out)
end)

T.test("bad --mem-limit and --time-limit values are usage errors", function()
  for _, bad in ipairs({"--mem-limit 12Q", "--mem-limit -5", "--time-limit abc", "--time-limit -1", "--mem-limit"}) do
    local _, err, code = T.run(T.gibbs .. " " .. bad .. " -e ''")
    T.eq(code, 1, bad)
    T.ok(err ~= "", bad .. " explains itself")
  end
  local out, _, code = T.run(T.gibbs .. " --mem-limit 512M --time-limit 5 -e 'print(1)'")
  T.eq(code, 0)
  T.eq(out, "1\n")
  out, _, code = T.run(T.gibbs .. " --mem-limit 2G -e 'print(2)'")
  T.eq(out, "2\n")
end)

T.test("--mem-limit and --time-limit refuse non-finite, negative and malformed values, naming the option", function()
  local bad = {"nan", "NaN", "-nan", "nanM", "inf", "-inf", "Infinity", "infG", "1e400", "-1",
               "-0.5", "0", "-0", "abc", "12x", "''", "' '", "0x", "'5 '", "1.5.2"}
  for _, opt in ipairs({"--mem-limit", "--time-limit"}) do
    for _, v in ipairs(bad) do
      local what = opt .. " " .. v
      local out, err, code = T.run(T.gibbs .. " " .. what .. " -e 'print(\"RAN\")'")
      T.eq(code, 1, what)
      T.eq(out, "", what .. " must not run")
      T.ok(err:find("^gibbs: bad " .. opt:gsub("%-", "%%-")), what .. ": " .. err)
    end
  end
  local out, err, code = T.run(T.gibbs .. " --mem-limit 1e9 --time-limit 1e-1 -e 'print(3)'")
  T.eq(code, 0, err)
  T.eq(out, "3\n")
end)
