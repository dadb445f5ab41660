-- The REPL on a pseudo-terminal (util-linux's `script` provides it):
-- printing, `_`, `;`, multi-line input, tab completion, the history file,
-- Ctrl-C in a Lua loop and in a native wait, and Ctrl-D.
local T = require "testing"

if os.execute("command -v script >/dev/null 2>&1") ~= true then
  T.test("the REPL on a terminal", function() T.skip("util-linux's script is not installed") end)
  return
end

local dir = T.tmpdir()

-- Feed steps (strings, or numbers meaning "wait that many seconds") to the
-- REPL on a terminal; returns what it printed, without escape sequences.
local function session(steps, history)
  local sh = {"("}
  for _, s in ipairs(steps) do
    if type(s) == "number" then sh[#sh + 1] = "sleep " .. s
    else
      -- a printf format: % and \ doubled, quotes and control bytes in octal
      local fmt = s:gsub("[%%\\'%c]", function(c)
        if c == "%" then return "%%" end
        if c == "\\" then return "\\\\" end
        return ("\\%03o"):format(c:byte())
      end)
      sh[#sh + 1] = "printf '" .. fmt .. "'"
    end
  end
  sh[#sh + 1] = ") | GIBBS_HISTORY=" .. history .. " timeout 30 script -qec " .. T.gibbs .. " /dev/null"
  local path = dir .. "/run.sh"
  local f = assert(io.open(path, "w"))
  f:write(table.concat(sh, "\n"), "\n")
  f:close()
  local p = io.popen("sh " .. path .. " 2>&1")
  local out = p:read("a")
  p:close()
  return (out:gsub("\r", ""):gsub("\27%[[?%d;]*[hlmK]", ""))
end

T.test("expressions print, statements do not, _ and ; work, chunks continue", function()
  local out = session({"1 + 1\n", "x = 3\n", "_ * 10\n", "print('quiet');\n", "2 + 2;\n",
                       "function f()\n", "return 7\n", "end\n", "f()\n", "{1, 'a'}\n",
                       "array{1, 2}\n", 0.3, "\4"}, dir .. "/h1")
  T.ok(out:find("\n2\n", 1, true), "1 + 1 prints 2: " .. out)
  T.ok(out:find("\n20\n", 1, true), "_ holds the last value")
  T.ok(not out:find("\n4\n", 1, true), "a trailing ; suppresses printing")
  T.ok(out:find(">> return 7", 1, true), "an incomplete chunk continues with >>")
  T.ok(out:find("\n7\n", 1, true), "the multi-line function runs")
  T.ok(out:find("array([1, 2], shape={2}, dtype=int64)", 1, true), "arrays print like NumPy")
end)

T.test("tab completes globals, module fields and methods", function()
  local out = session({"zz = array.ones(3)\n", 0.2, "linalg.cho\t\n", 0.2, "zz:su\t()\n", 0.2,
                       "prin\t('done')\n", 0.3, "\4"}, dir .. "/h2")
  T.ok(out:find("linalg.cholesky", 1, true), "module field completed: " .. out)
  T.ok(out:find("zz:sum()", 1, true) and out:find("\n3.0\n", 1, true), "method completed and run")
  T.ok(out:find("print('done')", 1, true) and out:find("\ndone\n", 1, true), "global completed")
end)

T.test("history persists in GIBBS_HISTORY", function()
  local h = dir .. "/h3"
  session({"40 + 2\n", 0.2, "\4"}, h)
  local f = io.open(h)
  local text = f and f:read("a") or ""
  if f then f:close() end
  T.ok(text:find("40 + 2", 1, true), "the line is in the history file: " .. text)
  local out = session({"\27[A\n", 0.3, "\4"}, h)        -- up arrow recalls it
  T.ok(out:find("\n42\n", 1, true), "the previous session's line is recalled: " .. out)
end)

T.test("Ctrl-C interrupts Lua and native loops and returns to the prompt; Ctrl-D exits", function()
  local out = session({"while true do end\n", 1, "\3", 0.5, "time.sleep(100)\n", 1, "\3", 0.5,
                       "print(6 * 7)\n", 0.3, "\4"}, dir .. "/h4")
  local _, n = out:gsub("interrupted", "")
  T.ok(n >= 2, "both runs interrupted: " .. out)
  T.ok(out:find("\n42\n", 1, true), "the REPL goes on after Ctrl-C")
end)

os.execute("rm -rf " .. dir)
