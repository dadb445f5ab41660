-- gibbs's test runner: every Lua test file and every C test program, each in
-- its own process (a crash fails that file, not the run), as many at once as
-- there are cores (GIBBS_JOBS=n to choose), then the files' results in a fixed
-- order and one line
--   N passed, N failed[, N skipped]
-- and exit status 1 when anything failed.
--   build/gibbs tests/run.lua [pattern]
local build = os.getenv("GIBBS_BUILD") or "build"
local gibbs = build .. "/gibbs"
local pattern = arg[1]
local sanitize = os.getenv("SANITIZE") == "1"

local function lines(cmd)
  local out = {}
  local p = io.popen(cmd)
  for line in p:lines() do out[#out + 1] = line end
  p:close()
  return out
end

local function quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local jobs = {}
local function add(name, cmd)
  if not pattern or name:find(pattern, 1, true) then jobs[#jobs + 1] = {name = name, cmd = cmd} end
end
local lua_files = lines("ls tests/lua/test_*.lua 2>/dev/null")
table.sort(lua_files)
for _, f in ipairs(lua_files) do
  add(f, string.format("LUA_PATH='tests/?.lua;;' GIBBS_BUILD=%s %s %s", build, gibbs, f))
end
local c_tests = lines("ls " .. build .. "/tests/test_* 2>/dev/null")
table.sort(c_tests)
for _, f in ipairs(c_tests) do add(f, string.format("GIBBS_BUILD=%s %s", build, f)) end

-- The slowest files start first, so that the others share the remaining
-- cores meanwhile and the run ends when the slowest does.
local SLOW = {["tests/lua/test_sample.lua"] = 1, ["tests/lua/test_array_core.lua"] = 2}
local order = {}
for i = 1, #jobs do order[i] = i end
table.sort(order, function(a, b)
  local ra, rb = SLOW[jobs[a].name] or #jobs + a, SLOW[jobs[b].name] or #jobs + b
  return ra < rb
end)

local njobs = tonumber(os.getenv("GIBBS_JOBS") or lines("nproc 2>/dev/null")[1]) or 1
njobs = math.max(1, math.floor(njobs))
local tmp = lines("mktemp -d")[1]

-- Each job writes its output to a file, its exit status to the pipe, and
-- then a marker file that says the status is there to read.
local function start(job, i)
  local base = tmp .. "/" .. i
  job.done = base .. ".done"
  job.t0 = time.now()
  -- a hung test is killed, and counts as a failure (sanitized builds run
  -- several times slower, so they get longer)
  job.pipe = io.popen(string.format("timeout -k 5 %d sh -c %s >%s.out 2>&1; echo $?; : >%s",
    sanitize and 900 or 300, quote(job.cmd), base, job.done))
  job.outfile = base .. ".out"
end

local function finish(job)
  job.code = tonumber(job.pipe:read("a"):match("%d+")) or -1
  job.pipe:close()
  job.secs = time.now() - job.t0
  local f = io.open(job.outfile)
  job.out = f and f:read("a") or ""
  if f then f:close() end
end

local passed, failed, skipped = 0, 0, 0

local function report(job)
  local np, nf, ns = 0, 0, 0
  local failures = {}
  local current
  for line in job.out:gmatch("[^\n]*") do
    if line:match("^ok ") then np = np + 1; current = nil
    elseif line:match("^skip ") then ns = ns + 1; current = nil
    elseif line:match("^FAIL ") then
      nf = nf + 1
      current = {line}
      failures[#failures + 1] = current
    elseif current and line:match("^    ") then
      current[#current + 1] = line
    end
  end
  if job.code ~= 0 and nf == 0 then
    nf = nf + 1
    failures[#failures + 1] = {"FAIL " .. job.name .. ": exited with status " .. job.code ..
      (job.code == 124 and " (timed out)" or "") .. "\n" .. job.out:sub(-2000)}
  end
  passed, failed, skipped = passed + np, failed + nf, skipped + ns
  print(string.format("%-4s %-40s %d passed, %d failed%s  (%.1f s)", nf > 0 and "FAIL" or "ok",
    job.name, np, nf, ns > 0 and (", " .. ns .. " skipped") or "", job.secs))
  for _, f in ipairs(failures) do print("  " .. table.concat(f, "\n  ")) end
  io.stdout:flush()
end

local t0 = time.now()
local started, running, printed = 0, {}, 0
while printed < #jobs do
  while #running < njobs and started < #jobs do
    started = started + 1
    local i = order[started]
    start(jobs[i], i)
    running[#running + 1] = jobs[i]
  end
  time.sleep(0.05)
  for k = #running, 1, -1 do
    local f = io.open(running[k].done)
    if f then
      f:close()
      finish(running[k])
      table.remove(running, k)
    end
  end
  -- results in listing order, each as soon as those before it are in
  while printed < #jobs and jobs[printed + 1].out do
    printed = printed + 1
    report(jobs[printed])
  end
end
os.execute("rm -rf " .. quote(tmp))

print(string.format("(%.0f s, %d at a time%s)", time.now() - t0, njobs, sanitize and ", sanitizers on" or ""))
print(string.format("%d passed, %d failed%s", passed, failed,
  skipped > 0 and (", " .. skipped .. " skipped") or ""))
os.exit(failed == 0 and passed > 0 and 0 or 1)
