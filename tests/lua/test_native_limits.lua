-- Limits inside long native calls: a time limit stops a big matrix product
-- or sort while it runs, and the memory limit counts a kernel's scratch.
-- Each case prints how long the stop took; the bound is loose (the stop
-- must come, not come fast).  The data is made in earlier runs (each -e
-- chunk is a run with its own budget), so that the 1 s starts with the
-- call itself.
local T = require "testing"

local BOUND = 10   -- seconds: far above the 1 s limit, far below a hang

-- Run the chunks under --time-limit 1; the last one prints the clock and
-- makes the long call.  Returns the seconds from that call's start to the
-- end of the process, and stderr.
local function stop_time(chunks)
  local args = {}
  for i, c in ipairs(chunks) do
    if i == #chunks then c = "print(time.now()) io.stdout:flush() " .. c end
    args[#args + 1] = "-e '" .. c .. "'"
  end
  local out, err, code = T.run(T.gibbs .. " --time-limit 1 " .. table.concat(args, " "))
  local ended = time.now()
  T.eq(code, 1, "the run must fail: " .. out .. err)
  local started = tonumber(out:match("^(%S+)\n"))
  T.ok(started, "the long call was reached: " .. out .. err)
  return ended - started, err
end

-- 3e7 uniform numbers in the global a, made in runs of a third each.
local thirty_million = {
  "g = rng.new(1) a1 = g:uniform(1e7)", "a2 = g:uniform(1e7)", "a3 = g:uniform(1e7)",
  "a = array.concat{a1, a2, a3} a1, a2, a3 = nil, nil, nil"}

local function stops(what, chunks, call, fname)
  T.test(what .. " stops at a 1 s time limit", function()
    local all = {table.unpack(chunks)}
    all[#all + 1] = call
    local took, err = stop_time(all)
    print(string.format("    %s: stopped %.2f s after the call began", what, took))
    T.ok(err:find(fname .. ": time limit", 1, true), err)
    T.ok(took < BOUND, "took " .. took .. " s")
  end)
end

stops("linalg.matmul of 3000 x 3000", {"a = rng.new(1):uniform{3000, 3000}"},
      "linalg.matmul(a, a)", "linalg.matmul")
stops("a:dot(b) of float32 3000 x 3000", {"a = rng.new(1):uniform{3000, 3000}:astype(\"float32\")"},
      "a:dot(a)", "array:dot")
stops("argsort of 3e7", thirty_million, "a:argsort()", "array:argsort")
stops("sort of 3e7", thirty_million, "a:sort()", "array:sort")

T.test("argsort of 3e7 under --mem-limit 600M fails within the limit", function()
  -- the sort's scratch (keys, indices, pairs) is counted with the arrays
  local out, err, code = T.run(T.gibbs .. " --mem-limit 600M -e '" ..
    "local a = rng.new(1):uniform(3e7) " ..
    "local ok, e = pcall(a.argsort, a) print(e) " ..
    "for l in io.lines(\"/proc/self/status\") do " ..
    "  local kb = l:match(\"^VmHWM:%s*(%d+)\") if kb then print(\"peak\", kb) end end'")
  T.eq(code, 0, err)
  T.ok(out:find("array:argsort: memory limit", 1, true), out)
  local kb = tonumber(out:match("peak\t(%d+)"))
  print(string.format("    peak resident memory %.0f MB", kb / 1024))
  T.ok(kb < 700 * 1024, "peak " .. kb .. " kB")
end)
