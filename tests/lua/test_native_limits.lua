-- Limits inside long native calls: a time limit stops a big matrix product
-- or sort while it runs, and the memory limit counts a kernel's scratch.
-- Each case prints how long the stop took; the bound is loose (the stop
-- must come, not come fast).  The data is made here and loaded in an
-- earlier run (each -e chunk is a run with its own budget), so that the
-- limit starts with the call itself.
local T = require "testing"

local LIMIT = 3    -- seconds each run may take: loading a part of the data
                   -- takes far less, even on a loaded machine
local BOUND = 20   -- seconds: far above the limit, far below a hang
local dir = T.tmpdir()

-- Run `call` on the array a, loaded from the files (one run each, then
-- joined), under --time-limit LIMIT.  Returns the seconds from the call's
-- start to the end of the process, and stderr.
local function stop_time(files, call)
  local runs, parts = {}, {}
  for i, file in ipairs(files) do
    runs[i] = "-e 'p" .. i .. " = array.load(\"" .. file .. "\")'"
    parts[i] = "p" .. i
  end
  local join = "a = array.concat{" .. table.concat(parts, ", ") .. "} " ..
               table.concat(parts, ", ") .. " = nil"
  local out, err, code = T.run(T.gibbs .. " --time-limit " .. LIMIT .. " " .. table.concat(runs, " ") ..
    " -e '" .. join .. "' -e 'print(time.now()) io.stdout:flush() " .. call .. "'")
  local ended = time.now()
  T.eq(code, 1, "the run must fail: " .. out .. err)
  local started = tonumber(out:match("^(%S+)\n"))
  T.ok(started, "the long call was reached: " .. out .. err)
  return ended - started, err
end

-- a saved in parts of at most 1e7 elements along the first axis
local function saved(name, a)
  local files, rows = {}, a.shape[1]
  local step = math.max(1, 10000000 // (a.size // rows))
  for i = 1, rows, step do
    files[#files + 1] = dir .. "/" .. name .. i .. ".npy"
    array.save(files[#files], a[{{i, math.min(rows, i + step - 1)}}])
  end
  return files
end

local square = saved("square", rng.new(1):random{3000, 3000})
local square32 = saved("square32", rng.new(1):random{3000, 3000}:astype("float32"))
local thirty_million = saved("long", rng.new(1):random(3e7))

local sanitized = os.getenv("SANITIZE") == "1"

local function stops(what, files, call, fname)
  T.test(what .. " stops at a time limit", function()
    -- under the sanitizers loading the data alone can take the second
    if sanitized then T.skip("sanitized build: too slow for the budget of each step") end
    local took, err = stop_time(files, call)
    print(string.format("    %s: stopped %.2f s after the call began", what, took))
    T.ok(err:find(fname .. ": time limit", 1, true), err)
    T.ok(took < BOUND, "took " .. took .. " s")
  end)
end

stops("linalg.matmul of 3000 x 3000", square, "for _ = 1, 20 do linalg.matmul(a, a) end",
      "linalg.matmul")
stops("a:dot(b) of float32 3000 x 3000", square32, "for _ = 1, 20 do a:dot(a) end", "array:dot")
-- one call may take less than the limit on a quiet machine: a loop of them
-- passes the limit inside one, and the error names the sort only when
-- the sort itself saw the limit (between calls the Lua hook would say so)
stops("argsort of 3e7", thirty_million, "for _ = 1, 20 do a:argsort() end", "array:argsort")
stops("sort of 3e7", thirty_million, "for _ = 1, 20 do a:sort() end", "array:sort")

T.test("argsort of 3e7 under --mem-limit 600M fails within the limit", function()
  -- the sort's scratch (keys, indices, pairs) is counted with the arrays
  local out, err, code = T.run(T.gibbs .. " --mem-limit 600M -e '" ..
    "local a = rng.new(1):random(3e7) " ..
    "local ok, e = pcall(a.argsort, a) print(e) " ..
    "for l in io.lines(\"/proc/self/status\") do " ..
    "  local kb = l:match(\"^VmHWM:%s*(%d+)\") if kb then print(\"peak\", kb) end end'")
  T.eq(code, 0, err)
  T.ok(out:find("array:argsort: memory limit", 1, true), out)
  local kb = tonumber(out:match("peak\t(%d+)"))
  print(string.format("    peak resident memory %.0f MB", kb / 1024))
  T.ok(kb < 700 * 1024, "peak " .. kb .. " kB")
end)

T.test("savetxt: width and precision of fmt are bounded, so one number stays small and quick", function()
  -- under 64M these grew to 3.9 GB, or ran 14 s, inside snprintf
  local out, err, code = T.run(T.gibbs .. " --mem-limit 64M -e '" ..
    "print(pcall(array.savetxt, \"" .. dir .. "/a.txt\", array{1.5}, {fmt = \"%.1000000000g\"})) " ..
    "print(pcall(array.savetxt, \"" .. dir .. "/a.txt\", array{1}, {fmt = \"%2147483647d\"}))'")
  T.eq(code, 0, err)
  T.ok(out:find("array.savetxt: fmt precision must be at most 100, got '%.1000000000g'", 1, true), out)
  T.ok(out:find("array.savetxt: fmt width must be at most 100, got '%2147483647d'", 1, true), out)
  T.raises(function() array.savetxt(dir .. "/a.txt", array{1}, {fmt = "%101d"}) end, "fmt width must be at most 100")
  T.raises(function() array.savetxt(dir .. "/a.txt", array{1}, {fmt = "%.101e"}) end, "fmt precision must be at most 100")
  T.raises(function() array.savetxt(dir .. "/a.txt", array{1}, {fmt = "%d%d"}) end, "fmt must be one printf conversion")
  T.raises(function() array.savetxt(dir .. "/a.txt", array{1}, {fmt = "%*d"}) end, "fmt must be one printf conversion")
  T.raises(function() array.savetxt(dir .. "/a.txt", array{1}, {fmt = "%" .. ("-"):rep(40) .. "d"}) end,
           "fmt must be at most 32 characters")
  -- the widest allowed numbers are written whole: 309 digits, a point, 100 decimals
  array.savetxt(dir .. "/a.txt", array{-1.5e308, 2.5}, {fmt = "%-+#100.100f"})
  local lines = {}
  for l in io.lines(dir .. "/a.txt") do lines[#lines + 1] = l end
  T.eq(#lines[1], 1 + 309 + 1 + 100)
  T.eq(tonumber(lines[1]), -1.5e308)
  T.eq(#lines[2], 1 + 1 + 1 + 100)
  T.eq(tonumber(lines[2]), 2.5)
  -- int64 values are printed whole by %d and %i (they were cut to 32 bits)
  array.savetxt(dir .. "/a.txt", array.new({math.mininteger, 2^40}, "int64"), {fmt = "%100d"})
  lines = {}
  for l in io.lines(dir .. "/a.txt") do lines[#lines + 1] = l end
  T.eq(lines, {string.rep(" ", 80) .. tostring(math.mininteger), string.rep(" ", 87) .. "1099511627776"})
end)

for _, files in ipairs({square, square32, thirty_million}) do
  for _, f in ipairs(files) do os.remove(f) end
end
os.remove(dir)
