-- gibbs's test runner: every Lua test file and every C test program, each in
-- its own process (a crash fails that file, not the run), then one line
--   N passed, N failed[, N skipped]
-- and exit status 1 when anything failed.
--   build/gibbs tests/run.lua [pattern]
local build = os.getenv("GIBBS_BUILD") or "build"
local gibbs = build .. "/gibbs"
local pattern = arg[1]
local sanitize = os.getenv("SANITIZE") == "1"

local function list(cmd)
  local files = {}
  local p = io.popen(cmd)
  for line in p:lines() do files[#files + 1] = line end
  p:close()
  table.sort(files)
  return files
end

local jobs = {}
for _, f in ipairs(list("ls tests/lua/test_*.lua 2>/dev/null")) do
  jobs[#jobs + 1] = {name = f, cmd = string.format(
    "LUA_PATH='tests/?.lua;;' GIBBS_BUILD=%s %s %s", build, gibbs, f)}
end
for _, f in ipairs(list("ls " .. build .. "/tests/test_* 2>/dev/null")) do
  jobs[#jobs + 1] = {name = f, cmd = string.format("GIBBS_BUILD=%s %s", build, f)}
end

local passed, failed, skipped = 0, 0, 0
local t0 = os.time()
for _, job in ipairs(jobs) do
  if not pattern or job.name:find(pattern, 1, true) then
    -- a hung test is killed, and counts as a failure
    local p = io.popen(string.format("timeout -k 5 300 sh -c %q 2>&1; echo \"exit $?\"", job.cmd))
    local out = p:read("a")
    p:close()
    local np, nf, ns = 0, 0, 0
    local failures = {}
    local code = tonumber(out:match("exit (%d+)\n?$")) or -1
    out = out:gsub("exit %d+\n?$", "")
    local current
    for line in out:gmatch("[^\n]*") do
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
    if code ~= 0 and nf == 0 then
      nf = nf + 1
      failures[#failures + 1] = {"FAIL " .. job.name .. ": exited with status " .. code ..
        (code == 124 and " (timed out)" or "") .. "\n" .. out:sub(-2000)}
    end
    passed, failed, skipped = passed + np, failed + nf, skipped + ns
    print(string.format("%-4s %-40s %d passed, %d failed%s", nf > 0 and "FAIL" or "ok",
      job.name, np, nf, ns > 0 and (", " .. ns .. " skipped") or ""))
    for _, f in ipairs(failures) do print("  " .. table.concat(f, "\n  ")) end
    io.stdout:flush()
  end
end
print(string.format("(%d s%s)", os.time() - t0, sanitize and ", sanitizers on" or ""))
print(string.format("%d passed, %d failed%s", passed, failed,
  skipped > 0 and (", " .. skipped .. " skipped") or ""))
os.exit(failed == 0 and passed > 0 and 0 or 1)
