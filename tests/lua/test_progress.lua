-- Progress: nothing on stderr when it is not a terminal, the switch, and
-- the bar on a terminal (through util-linux's script) for work longer
-- than a second.
local T = require "testing"

local work = "local p = time.progress_bar(15, 'demo') for i = 1, 15 do time.sleep(0.1) p:step() end p:finish() print('done')"

T.test("nothing is printed when stderr is not a terminal", function()
  local out, err, code = T.run(T.gibbs .. " -e \"" .. work .. "\"")
  T.eq(code, 0, err)
  T.eq(out, "done\n")
  T.eq(err, "")
end)

T.test("time.progress switches reporting", function()
  local was = time.progress()
  T.eq(time.progress(false), false)
  T.eq(time.progress(true), true)
  time.progress(was)
  local p = time.progress_bar(2, "x")
  p:step(); p:step(); p:finish(); p:finish()           -- finishing twice is harmless
  T.raises(function() time.progress_bar(0) end, "time.progress_bar", "positive")
end)

T.test("a bar appears on a terminal after a second and is cleared", function()
  if os.execute("command -v script >/dev/null 2>&1") ~= true then T.skip("no script(1)") end
  local p = io.popen("timeout 20 script -qec \"" .. T.gibbs .. " -e \\\"" .. work .. "\\\"\" /dev/null 2>&1")
  local out = p:read("a")
  p:close()
  T.ok(out:find("demo       [", 1, true) and out:find("/s", 1, true), "a bar was drawn: " .. out)
  T.ok(out:find("done", 1, true), out)
  p = io.popen("GIBBS_PROGRESS=0 timeout 20 script -qec \"" .. T.gibbs .. " -e \\\"" .. work .. "\\\"\" /dev/null 2>&1")
  out = p:read("a")
  p:close()
  T.ok(not out:find("demo       [", 1, true), "GIBBS_PROGRESS=0 turns it off: " .. out)
end)
