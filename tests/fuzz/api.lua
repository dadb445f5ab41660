-- The API fuzzer: calls every public function and method of gibbs with
-- hostile arguments, and reports any call that crashes the process, trips
-- a sanitizer or hangs.  A Lua error is a correct answer to a bad argument;
-- a crash never is.
--
--   build/gibbs tests/fuzz/api.lua [--seed S] [--calls N | --seconds T]
--                                  [--only NAME] [--start I] [--chunk C]
--   build/gibbs tests/fuzz/api.lua --seed S --start I --calls 1 --show
--                 run call I of seed S in this process and print it as Lua
--   build/gibbs tests/fuzz/api.lua --list     the functions it calls
--
-- What it calls is found, not listed: every function of every gibbs module
-- (the non-standard global tables) and global function, and the methods and
-- metamethods of every kind of object those functions return (arrays,
-- generators, samplers, distributions, progress bars, ...), so a new
-- function is fuzzed without an edit here.  Its docs heading, when it has
-- one, names the parameters, which steer some arguments towards the right
-- type (a shape for "shape", a function for "f") so that calls get past the
-- first check; the rest are hostile: nil, wrong types, NaN, infinities,
-- extreme integers, empty, 0-d, strided, transposed and aliased arrays of
-- every dtype, strings with NUL bytes, deep and cyclic tables, options
-- tables with odd keys, callbacks that raise, stash their arguments or
-- collect garbage.
--
-- Call I of seed S depends on (S, I) alone: its arguments come from
-- math.randomseed(S, I) and the global state a call may change (the global
-- generator, print options, threads) is reset before it, so any call
-- replays by itself.
--
-- The driver (the default) runs the calls in chunks, each in a child
-- process started in a fresh temporary directory (every string argument is
-- free of '/' except paths into that directory, so files are written
-- nowhere else) under --time-limit and --mem-limit, with a timeout(1)
-- behind it.  When a child dies, trips a sanitizer or hangs, the driver
-- replays the call it was in alone to confirm it, records it with its
-- replay command, and goes on with the next call.  It prints the seed
-- first and ends with
--   fuzz: N calls, E errors raised, C of T functions covered (K returned), F findings
-- and exits with status 0 only when there were no findings.

local arg = arg
local opts = {calls = nil, seconds = nil, start = 1, chunk = 2000, only = nil}
do
  local i = 1
  while arg[i] do
    local a = arg[i]
    local function value()
      i = i + 1
      if arg[i] == nil then error("api.lua: " .. a .. " needs a value", 0) end
      return arg[i]
    end
    if a == "--seed" then opts.seed = math.tointeger(tonumber(value()))
    elseif a == "--calls" then opts.calls = math.tointeger(tonumber(value()))
    elseif a == "--seconds" then opts.seconds = tonumber(value())
    elseif a == "--start" then opts.start = math.tointeger(tonumber(value()))
    elseif a == "--chunk" then opts.chunk = math.tointeger(tonumber(value()))
    elseif a == "--only" then opts.only = value()
    elseif a == "--time-limit" then opts.time_limit = tonumber(value())
    elseif a == "--mem-limit" then opts.mem_limit = value()
    elseif a == "--budget" then opts.budget = tonumber(value())
    elseif a == "--rss-limit" then opts.rss_limit = tonumber(value())
    elseif a == "--child" then opts.child = true
    elseif a == "--show" then opts.show = true
    elseif a == "--list" then opts.list = true
    elseif a == "--quiet" then opts.quiet = true
    elseif a == "--in-tmp" then opts.in_tmp = true
    else error("api.lua: unknown option " .. a, 0) end
    i = i + 1
  end
end

-- Processes ---------------------------------------------------------------------

local seed = opts.seed or (os.time() * 1000 + math.floor(os.clock() * 1000)) % 1000000007

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
local function capture(cmd)
  local p = io.popen(cmd)
  local s = p:read("a")
  p:close()
  return (s:gsub("%s+$", ""))
end

local cwd = os.getenv("PWD") or capture("pwd")
local function absolute(p) return p:sub(1, 1) == "/" and p or (cwd .. "/" .. p) end

local interp_index = 0
while arg[interp_index - 1] do interp_index = interp_index - 1 end
local gibbs = absolute(arg[interp_index])
local script = absolute(arg[0])

-- The driver --------------------------------------------------------------------

if not opts.in_tmp and not (opts.list or opts.show or opts.child) then
  local tmp = capture("mktemp -d /tmp/gibbs-fuzz.XXXXXX")
  assert(tmp:match("^/tmp/gibbs%-fuzz%."), "mktemp failed")

  -- A chunk runs for about `budget` seconds; a call that takes more than
  -- `per_call` seconds meets the time limit and is run again alone.
  local budget = opts.budget or 5
  local per_call = opts.time_limit or 10
  local mem_limit = opts.mem_limit or "1G"
  local function bytes(size)
    local n, unit = size:match("^([%d.]+)([KMG]?)")
    return tonumber(n) * ({[""] = 1, K = 2^10, M = 2^20, G = 2^30})[unit]
  end
  -- past twice the limit and 512 MB, a child's peak memory was not counted
  -- by the limit (ASan's shadow and quarantine are not)
  local SMALL_MEM = "48M"
  local chunks = 0
  local total = opts.calls or (opts.seconds and math.maxinteger or 10000)
  local deadline = opts.seconds and os.time() + opts.seconds

  local function say(...)
    if not opts.quiet then io.stdout:write(string.format(...), "\n") io.stdout:flush() end
  end
  print(string.format("fuzz: seed %d (replay: %s %s --seed %d ...)", seed, arg[interp_index], arg[0], seed))
  io.stdout:flush()

  local ntargets          -- how many functions the children found

  -- Run calls [first, first + n) in a child; returns what became of it.
  local function run_child(first, n, limit, child_budget, mem)
    local cmd = string.format(
      "cd %s && ulimit -c 0 && timeout -k 5 %d %s --time-limit %g --mem-limit %s %s --child --in-tmp --seed %d --start %d --calls %d --rss-limit %d%s%s 2>%s/stderr",
      shell_quote(tmp), math.floor(limit + 20), shell_quote(gibbs), limit, mem, shell_quote(script),
      seed, first, n, math.floor(2 * bytes(mem) + 2^29), child_budget and (" --budget " .. child_budget) or "",
      opts.only and (" --only " .. shell_quote(opts.only)) or "", shell_quote(tmp))
    local p = io.popen(cmd)
    local res = {last = nil, cov = {}}
    for line in p:lines() do
      if line:sub(1, 3) == "@@ " then
        local i, name, e = line:match("^@@ (%d+) (%S+) (%d+)")
        res.last, res.name, res.errors_before = tonumber(i), name, tonumber(e)
      elseif line:sub(1, 6) == "@@cov " then
        local name, calls, oks = line:match("^@@cov (%S+) (%d+) (%d+)")
        if name then res.cov[name] = {tonumber(calls), tonumber(oks)} end
      elseif line:sub(1, 10) == "@@targets " then
        ntargets = tonumber(line:sub(11))
      elseif line:sub(1, 6) == "@@rss " then
        local i, name, peak = line:match("^@@rss (%d+) (%S+) (%d+)")
        res.rss = {index = tonumber(i), name = name, peak = tonumber(peak)}
      elseif line:sub(1, 7) == "@@done " then
        local c, e = line:match("^@@done (%d+) (%d+)")
        res.done, res.errors = tonumber(c), tonumber(e)
      end
    end
    local _, how, code = p:close()
    res.how, res.code = how, code
    local f = io.open(tmp .. "/stderr")
    res.stderr = f and f:read("a") or ""
    if f then f:close() end
    return res
  end

  -- What went wrong in a child that did not finish, or nil if it finished.
  local function failure(res)
    local err = res.stderr
    if err:find("AddressSanitizer", 1, true) or err:find("LeakSanitizer", 1, true) then return "sanitizer" end
    if err:find("runtime error:", 1, true) then return "sanitizer" end
    if res.done and res.how == "exit" and res.code == 0 then return nil end
    if res.how == "exit" and (res.code == 124 or res.code == 137) then return "hang" end
    if err:find("time limit", 1, true) then return "time limit" end
    if err:find("memory limit", 1, true) or err:find("not enough memory", 1, true) then return "memory limit" end
    if res.how == "signal" or (res.how == "exit" and res.code > 128) then return "crash" end
    return "error"
  end

  local findings, slow = {}, {}
  local calls, errors = 0, 0
  local cov = {}
  local function replay(i, mem)
    return string.format("%s%s %s --seed %d --start %d --calls 1 --show", arg[interp_index],
                         mem ~= mem_limit and (" --mem-limit " .. mem) or "", arg[0], seed, i)
  end
  local next_call = opts.start
  local last_report = os.time()
  local stop = total >= math.maxinteger - opts.start and math.maxinteger or opts.start + total
  while next_call < stop and (not deadline or os.time() < deadline) do
    local n = math.min(opts.chunk, stop - next_call)
    os.execute("rm -rf " .. shell_quote(tmp) .. "/* 2>/dev/null")
    -- one chunk in four runs under a small memory limit, so that the paths
    -- of failed allocations are taken too
    chunks = chunks + 1
    local mem = (chunks % 4 == 0 and not opts.mem_limit) and SMALL_MEM or mem_limit
    local res = run_child(next_call, n, budget + per_call, budget, mem)
    for name, c in pairs(res.cov) do
      local acc = cov[name] or {0, 0}
      cov[name] = {acc[1] + c[1], acc[2] + c[2]}
    end
    local what = failure(res)
    if res.rss then
      local r = res.rss
      findings[#findings + 1] = {index = r.index, name = r.name, what = "memory outside the limit"}
      say("fuzz: FINDING call %d (%s): peak memory %.0f MB under --mem-limit %s (or a call before it)",
          r.index, r.name, r.peak / 2^20, mem)
      say("  replay: %s", replay(r.index, mem))
    end
    if not what then
      calls, errors = calls + res.done, errors + res.errors
      next_call = next_call + res.done
    else
      local bad = res.last or next_call
      calls, errors = calls + (bad - next_call), errors + (res.errors_before or 0)
      -- the call alone: is it this call, and what does it do?
      local again = run_child(bad, 1, per_call)
      local what2 = failure(again)
      if what2 == nil and (what == "time limit" or what == "memory limit") then
        next_call = bad            -- the chunk as a whole ran out; go on from this call
      elseif what2 == "time limit" or what2 == "memory limit" then
        -- stopped by a limit, as it should be: slow, or big, but not a bug
        slow[#slow + 1] = {index = bad, name = res.name, what = what2}
        say("fuzz: call %d (%s) stopped by the %s: %s", bad, res.name or "?", what2, replay(bad, mem))
        calls, errors = calls + 1, errors + 1
        next_call = bad + 1
      else
        calls = calls + 1
        local excerpt = (what2 and again.stderr ~= "" and again.stderr or res.stderr):sub(1, 4000)
        findings[#findings + 1] = {index = bad, name = res.name, what = what2 or what, stderr = excerpt}
        say("fuzz: FINDING call %d (%s): %s%s", bad, res.name or "?", what2 or what,
            what2 and "" or " (only after the calls before it)")
        say("  replay: %s", replay(bad, mem))
        local shown = 0
        for line in excerpt:gmatch("[^\n]+") do
          if shown < 12 and (line:find("ERROR", 1, true) or line:find("runtime error", 1, true)
             or line:find("#%d ") or line:find("gibbs:", 1, true)) then
            say("  | %s", line:sub(1, 200))
            shown = shown + 1
          end
        end
        next_call = bad + 1
      end
    end
    if os.time() - last_report >= 60 then
      last_report = os.time()
      say("fuzz: %d calls, %d findings so far", calls, #findings)
    end
  end

  os.execute("rm -rf " .. shell_quote(tmp))

  local covered, returned = 0, 0
  for _, c in pairs(cov) do
    if c[1] > 0 then covered = covered + 1 end
    if c[2] > 0 then returned = returned + 1 end
  end
  print(string.format("fuzz: %d calls, %d errors raised, %d of %d functions covered (%d returned), %d stopped by a limit, %d findings",
                      calls, errors, covered, ntargets or 0, returned, #slow, #findings))
  os.exit(#findings == 0 and 0 or 1)
end

-- Calls write files where they like: every other mode runs in a fresh
-- temporary directory, this script started again there.
if not opts.in_tmp then
  local dir = capture("mktemp -d /tmp/gibbs-fuzz.XXXXXX")
  assert(dir:match("^/tmp/gibbs%-fuzz%."), "mktemp failed")
  local words = {shell_quote(gibbs)}
  for i = interp_index + 1, -1 do words[#words + 1] = shell_quote(arg[i]) end
  words[#words + 1] = shell_quote(script)
  for i = 1, #arg do words[#words + 1] = shell_quote(arg[i]) end
  local ok, how, code = os.execute("cd " .. shell_quote(dir) .. " && " .. table.concat(words, " ") .. " --in-tmp")
  os.execute("rm -rf " .. shell_quote(dir))
  os.exit(ok and 0 or (how == "exit" and code or 1))
end

-- The fuzz -------------------------------------------------------------------

local R = math.random
local function chance(p) return R() < p end
local function pick(t) return t[R(#t)] end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do if type(k) == "string" then keys[#keys + 1] = k end end
  table.sort(keys)
  return keys
end

-- Lua's own libraries and globals are not fuzzed.
local STANDARD = {}
for _, k in ipairs{"_G", "_VERSION", "arg", "assert", "collectgarbage", "coroutine", "debug",
                   "dofile", "error", "getmetatable", "io", "ipairs", "load", "loadfile", "math",
                   "next", "os", "package", "pairs", "pcall", "print", "rawequal", "rawget",
                   "rawlen", "rawset", "require", "select", "setmetatable", "string", "table",
                   "tonumber", "tostring", "type", "utf8", "warn", "xpcall", "fuzz_tick", "fuzz_stash"} do
  STANDARD[k] = true
end

-- Functions that are slow or block by design, whatever their arguments.
local SKIP = {
  ["time.sleep"] = "blocks for as long as it is asked",
}

-- Functions whose work grows with an integer argument by design (g:jump(k)
-- makes k jumps): their integers are kept below a bound.
local INT_CAP = {
  ["rng.jump"] = 100, ["g:jump"] = 100,
}

-- How a value is written as Lua, so that a call can be printed and replayed.
local function num_code(x)
  if x ~= x then return "(0/0)" end
  if x == math.huge then return "math.huge" end
  if x == -math.huge then return "-math.huge" end
  if math.type(x) == "integer" then
    if x == math.mininteger then return "math.mininteger" end
    return string.format("%d", x)
  end
  if x == math.floor(x) and math.abs(x) < 2^63 then
    return string.format("%.1f", x)
  end
  local s = string.format("%.17g", x)
  if tonumber(s) == x then return s end
  return string.format("%a", x)
end

local function quote(s) return (string.format("%q", s):gsub("\\\n", "\\n")) end

-- Numbers ---------------------------------------------------------------------

local SPECIAL_FLOATS = {0 / 0, math.huge, -math.huge, 0.0, -0.0, 1.0, -1.0, 0.5, 1e308, -1e308,
                        5e-324, 1e-300, 2.0^53, -(2.0^53), 2.0^63, 1e16, 1e300, 1e-16, 0.999999,
                        3.5, -2.5, 1e9}
local SPECIAL_INTS = {0, 1, -1, 2, 3, -2, math.maxinteger, math.mininteger, 1 << 53, (1 << 53) + 1,
                      -(1 << 53), 1 << 31, -(1 << 31), (1 << 31) - 1, (1 << 32) + 1, 1 << 62,
                      -(1 << 62), 1 << 32, 255, 65536}

local function small_int() return R(-2, 8) end

local function gen_int()
  if chance(0.7) then return small_int() end
  return pick(SPECIAL_INTS)
end

local function gen_float()
  local r = R()
  if r < 0.5 then return (R() * 2 - 1) * 10 ^ R(-2, 2) end
  if r < 0.6 then return R() end
  return pick(SPECIAL_FLOATS)
end

local function gen_number()
  if chance(0.4) then return gen_int() end
  return gen_float()
end

-- A probability-like number, mostly in [0, 1].
local function gen_prob()
  if chance(0.7) then return R() end
  return pick{0.0, 1.0, -0.1, 1.5, 0 / 0, math.huge, 1e-300, 1 - 1e-16}
end

-- A positive parameter (a scale, a rate, a count), sometimes not.
local function gen_param()
  if chance(0.6) then return R() * 5 + 0.1 end
  if chance(0.3) then return R(1, 10) end
  return pick(SPECIAL_FLOATS)
end

-- Strings ---------------------------------------------------------------------

local DTYPES = {"float64", "float32", "int64", "bool"}
local STRINGS = {"", "\0", "a\0b", "float64\0", "x", "nan", "inf", "-1", "1e999", " ", "\255\254",
                 "%s%s%n", "%d", "%.1000000000g", "%2147483647d", ":", "...", "int8", "complex128",
                 "max", "sum", "T", "shape", "dtype", "size", "ndim", "__index", "__gc", "float64",
                 "float32", "int64", "bool", ("x"):rep(300)}

-- Words: every quoted string and identifier of the docs, per entry and in all.
local help_ok, help = pcall(require, "help")
local ALL_WORDS, ALL_WORDS_SET = {}, {}
local function add_word(list, set, w)
  if not w:find("/", 1, true) and #w < 40 and not set[w] then
    set[w] = true
    list[#list + 1] = w
  end
end

local words_cache = {}
local function doc_words(name)
  if words_cache[name] ~= nil then return words_cache[name] end
  local text = help_ok and help.text(name)
  local list, set = {}, {}
  if text then
    for q in text:gmatch('"([^"\n]*)"') do add_word(list, set, q) end
    for w in text:gmatch("[%a_][%w_]*") do add_word(list, set, w) end
    for _, w in ipairs(list) do add_word(ALL_WORDS, ALL_WORDS_SET, w) end
  end
  words_cache[name] = #list > 0 and list or false
  return words_cache[name]
end

local function gen_string(words)
  local r = R()
  if r < 0.45 and words then return pick(words) end
  if r < 0.6 and #ALL_WORDS > 0 then return pick(ALL_WORDS) end
  if r < 0.9 then return pick(STRINGS) end
  local t = {}
  for i = 1, R(0, 12) do
    local c = R(0, 255)
    if c == 47 then c = 0 end                 -- never a '/'
    t[i] = string.char(c)
  end
  return table.concat(t)
end

-- Arrays ----------------------------------------------------------------------

local function gen_shape_dims()
  local r, ndim = R(), 1
  if r < 0.1 then ndim = 0 elseif r < 0.55 then ndim = 1 elseif r < 0.85 then ndim = 2
  elseif r < 0.95 then ndim = 3 else ndim = R(4, 6) end
  local dims, size = {}, 1
  for i = 1, ndim do
    local d
    if chance(0.06) then d = 0
    elseif ndim == 1 and chance(0.25) then d = R(1, 100)
    elseif chance(0.2) then d = 1
    else d = R(1, 6) end
    dims[i] = d
    size = size * d
  end
  if ndim == 2 and chance(0.3) then dims[2] = dims[1]; size = dims[1] * dims[1] end
  if size > 10000 then return {3} end
  return dims
end

local function element(dtype)
  if dtype == "bool" then return chance(0.5) end
  if dtype == "int64" then
    if chance(0.85) then return R(-3, 9) end
    return pick(SPECIAL_INTS)
  end
  if chance(0.85) then return math.floor((R() * 2 - 1) * 100 * 8) / 8 end
  return pick(SPECIAL_FLOATS)
end

local function dims_code(dims)
  local t = {}
  for i, d in ipairs(dims) do t[i] = tostring(d) end
  return "{" .. table.concat(t, ", ") .. "}"
end

-- A fresh array: every dtype, 0-d, empty, and often a strided, reversed or
-- transposed view rather than the contiguous array.
local function gen_array(dtype)
  dtype = dtype or pick(DTYPES)
  local dims = gen_shape_dims()
  local n = 1
  for _, d in ipairs(dims) do n = n * d end
  local vals, codes = {}, {}
  for i = 1, n do
    vals[i] = element(dtype)
    codes[i] = type(vals[i]) == "boolean" and tostring(vals[i]) or num_code(vals[i])
  end
  local code = string.format("array.new({%s}, %q):reshape(%s)", table.concat(codes, ", "), dtype, dims_code(dims))
  local ok, a = pcall(function() return array.new(vals, dtype):reshape(dims) end)
  if not ok then
    code = string.format("array.zeros(%s, %q)", dims_code(dims), dtype)
    a = array.zeros(dims, dtype)
  end
  if #dims >= 1 and dims[1] > 1 then
    local r = R()
    if r < 0.12 then a, code = a[{{1, -1, 2}}], code .. "[{{1, -1, 2}}]"
    elseif r < 0.2 then a, code = a[{{-1, 1, -1}}], code .. "[{{-1, 1, -1}}]"
    end
  end
  if #dims >= 2 and chance(0.15) then a, code = a.T, code .. ".T" end
  return a, code
end

-- A view of an earlier array argument: the same array, or one overlapping it.
local function alias_of(a, code)
  local r = R()
  if r < 0.5 or a.ndim == 0 then return a, code end
  if r < 0.7 and a.ndim >= 2 then return a.T, code .. ".T" end
  if a.shape[1] >= 2 then
    if r < 0.85 then return a[{{2, -1}}], code .. "[{{2, -1}}]" end
    return a[{{1, -2}}], code .. "[{{1, -2}}]"
  end
  return a, code
end

-- Callbacks: each counts its calls and stops a call that loops through it.
local CALLBACKS = {
  'function() error("fuzz callback raised") end',
  'function(...) return ... end',
  'function() return 0/0 end',
  'function() return nil end',
  'function(x) return x end',
  'function() return {} end',
  'function() return "x" end',
  'function() return math.huge, -math.huge end',
  'function() return 0.5 end',
  'function() return array.zeros{3} end',
  'function() error({}) end',
  'function() error(setmetatable({}, {__tostring = function() error("tostring raised") end})) end',
  'function() coroutine.yield(1) end',
  'function(...) fuzz_stash = table.pack(...) return 0.5 end',
  'function(...) collectgarbage() return 0.5 end',
  'function(x) if type(x) == "userdata" then x[1] = 0/0 end return 1 end',
  'function(x) return x and x.T end',
  'function(...) return select("#", ...) end',
}

local callback_calls = 0
local CALLBACK_BUDGET = 2000
function fuzz_tick()           -- luacheck: ignore (global on purpose: callbacks reach it)
  callback_calls = callback_calls + 1
  if callback_calls > CALLBACK_BUDGET then error("fuzz: callback budget spent", 0) end
end

local compiled_callbacks = {}
local function gen_function()
  local src = pick(CALLBACKS)
  local body = src:gsub("^function%((.-)%)", "function(%1) fuzz_tick()")
  local f = compiled_callbacks[body]
  if not f then
    f = assert(load("return " .. body, "=callback", "t"))()
    compiled_callbacks[body] = f
  end
  return f, body
end

-- The kinds of object and how to make one ------------------------------------

local kinds = {}          -- list of {name, prefix, mt, methods, makers}
local kind_of_mt = {}

-- Declared below: the argument generator, which objects also use.
local gen_value, gen_args

-- A fresh object of kind k: one of the calls that made one, with new
-- arguments half of the time, and sometimes put through a method first.
local function make_object(k, depth, lines)
  if k.mt == getmetatable(array.new{0}) and chance(0.85) then return gen_array() end
  local maker = pick(k.makers)
  local obj, code
  if depth < 2 and chance(0.5) then
    local args, codes = gen_args(maker.target, depth + 1, lines)
    local ok, o = pcall(maker.target.fn, table.unpack(args, 1, args.n))
    if ok and kind_of_mt[getmetatable(o)] == k then
      obj, code = o, string.format("%s(%s)", maker.target.expr, table.concat(codes, ", "))
    end
  end
  if not obj then
    obj = maker.target.fn(table.unpack(maker.args, 1, maker.args.n))
    code = string.format("%s(%s)", maker.target.expr, maker.code)
  end
  if depth < 2 and chance(0.12) and #k.method_targets > 0 then
    local m = pick(k.method_targets)
    local args, codes = gen_args(m, depth + 1, lines, obj, code)
    pcall(m.fn, table.unpack(args, 1, args.n))
    lines[#lines + 1] = "pcall(" .. m.expr .. ", " .. table.concat(codes, ", ") .. ")"
  end
  return obj, code
end

local function gen_object(depth, lines)
  local k = pick(kinds)
  return make_object(k, depth, lines)
end

-- Tables ----------------------------------------------------------------------

local function gen_numbers_table()
  local t, c = {}, {}
  local nested = chance(0.3)
  for i = 1, R(0, 8) do
    if nested then
      local row, rc = {}, {}
      for j = 1, (chance(0.85) and 3 or R(0, 4)) do row[j] = gen_number(); rc[j] = num_code(row[j]) end
      t[i], c[i] = row, "{" .. table.concat(rc, ", ") .. "}"
    else
      t[i] = gen_number(); c[i] = num_code(t[i])
    end
  end
  return t, "{" .. table.concat(c, ", ") .. "}"
end

local function gen_deep()
  local depth = pick{40, 200, 3000}
  local t = {1}
  for _ = 1, depth do t = {t} end
  return t, string.format("(function() local t = {1} for _ = 1, %d do t = {t} end return t end)()", depth)
end

local function gen_cyclic()
  local t = {1, 2}
  t[3] = t
  return t, "(function() local t = {1, 2} t[3] = t return t end)()"
end

local function gen_hostile_table()
  local r = R()
  if r < 0.25 then
    return setmetatable({1, 2, 3}, {__index = function() error("__index raised") end}),
      'setmetatable({1, 2, 3}, {__index = function() error("__index raised") end})'
  elseif r < 0.5 then
    return setmetatable({}, {__len = function() return math.maxinteger end}),
      "setmetatable({}, {__len = function() return math.maxinteger end})"
  elseif r < 0.7 then
    return {1, nil, 3, n = 3}, "{1, nil, 3, n = 3}"
  elseif r < 0.85 then
    return {[1.5] = 1, [-1] = 2, [0] = 3, [true] = 4, ["\0"] = 5}, '{[1.5] = 1, [-1] = 2, [0] = 3, [true] = 4, ["\\0"] = 5}'
  end
  return setmetatable({}, {__pairs = function() error("__pairs raised") end, __index = function(_, k) return k end}),
    'setmetatable({}, {__pairs = function() error("__pairs raised") end, __index = function(_, k) return k end})'
end

-- An options table: keys from the function's docs, and odd ones.
local function gen_options(words, depth, lines)
  local t, c = {}, {}
  for _ = 1, R(0, 3) do
    local key = words and chance(0.8) and pick(words) or gen_string(nil)
    local v, vc = gen_value(nil, words, depth + 1, lines)
    if v ~= nil and t[key] == nil then
      t[key] = v
      c[#c + 1] = "[" .. quote(key) .. "] = " .. vc
    end
  end
  if chance(0.1) then
    local odd = pick{{1, "[1] = 1"}, {true, "[true] = 1"}, {2.5, "[2.5] = 1"}}
    t[odd[1]] = 1
    c[#c + 1] = odd[2]
  end
  return t, "{" .. table.concat(c, ", ") .. "}"
end

-- A shape: an integer or a table of them, sometimes hostile.
local function gen_shape()
  if chance(0.3) then
    local n = chance(0.8) and R(0, 12) or pick(SPECIAL_INTS)
    return n, num_code(n)
  end
  local dims = chance(0.8) and gen_shape_dims() or {}
  if chance(0.2) then dims[#dims + 1] = pick(SPECIAL_INTS) end
  if chance(0.05) then dims[#dims + 1] = pick{0 / 0, 2.5, -0.0} end
  if chance(0.03) then
    for i = #dims + 1, 40 do dims[i] = 1 end
  end
  local codes = {}
  for i, d in ipairs(dims) do codes[i] = num_code(d) end
  return dims, "{" .. table.concat(codes, ", ") .. "}"
end

-- An index for a[...]: integers, ranges, ":", masks and index arrays.
local function gen_index(depth, lines)
  local r = R()
  if r < 0.3 then local i = gen_int() return i, num_code(i) end
  if r < 0.4 then return ":", '":"' end
  if r < 0.55 then
    local a, ac = gen_array(chance(0.5) and "int64" or "bool")
    return a, ac
  end
  local t, c = {}, {}
  for i = 1, R(0, 4) do
    local x = R()
    if x < 0.5 then t[i] = gen_int(); c[i] = num_code(t[i])
    elseif x < 0.65 then t[i] = ":"; c[i] = '":"'
    else
      local rg, rc = {}, {}
      for j = 1, R(0, 3) do rg[j] = gen_int(); rc[j] = num_code(rg[j]) end
      t[i], c[i] = rg, "{" .. table.concat(rc, ", ") .. "}"
    end
  end
  return t, "{" .. table.concat(c, ", ") .. "}"
end

-- Any value; hint (a parameter name from the docs) steers the choice.
local HINTS = {
  shape = "shape", dims = "shape", size = "shape",
  dtype = "dtype",
  opts = "options", spec = "options", options = "options",
  f = "function", fn = "function", cdf = "function", statistic = "function", func = "function",
  k = "int", n = "int", m = "int", axis = "int", i = "int", j = "int", lag = "int", order = "int",
  num = "int", ddof = "int", token = "int", seed = "int", lo = "number", hi = "number",
  p = "prob", q = "prob", probability = "prob", threshold = "prob", eps = "prob", alpha = "param",
  T = "param", scale = "param", lam = "param", df = "param", mean = "number", std = "param",
  sigma = "param", loc = "number", a = "array", b = "array", x = "array", y = "array",
  v = "array", logits = "array", logprobs = "array", values = "array", t = "table", list = "list",
  out = "array", mask = "array", cov = "array", state = "table", w = "array", z = "array",
  key = "index", g = "object", s = "object", sampler = "object",
}

local function gen_list(depth, lines)
  local t, c = {}, {}
  for i = 1, R(0, 4) do
    t[i], c[i] = gen_array(chance(0.8) and "float64" or nil)
  end
  return t, "{" .. table.concat(c, ", ") .. "}"
end

function gen_value(hint, words, depth, lines)
  local kind = hint and HINTS[hint]
  if kind and chance(0.75) then
    if kind == "shape" then return gen_shape()
    elseif kind == "dtype" then local s = chance(0.8) and pick(DTYPES) or gen_string(words) return s, quote(s)
    elseif kind == "options" then return gen_options(words, depth, lines)
    elseif kind == "function" then return gen_function()
    elseif kind == "int" then local n = gen_int() return n, num_code(n)
    elseif kind == "prob" then local p = gen_prob() return p, num_code(p)
    elseif kind == "param" then local p = gen_param() return p, num_code(p)
    elseif kind == "number" then local x = gen_number() return x, num_code(x)
    elseif kind == "array" then return gen_array()
    elseif kind == "table" then return gen_numbers_table()
    elseif kind == "list" then return gen_list(depth, lines)
    elseif kind == "index" then return gen_index(depth, lines)
    elseif kind == "object" and #kinds > 0 and depth < 2 then return gen_object(depth, lines)
    end
  end
  local r = R()
  if r < 0.08 then return nil, "nil"
  elseif r < 0.12 then local b = chance(0.5) return b, tostring(b)
  elseif r < 0.3 then local x = gen_number() return x, num_code(x)
  elseif r < 0.4 then local s = gen_string(words) return s, quote(s)
  elseif r < 0.65 then return gen_array()
  elseif r < 0.72 then return gen_numbers_table()
  elseif r < 0.78 then return gen_options(words, depth, lines)
  elseif r < 0.82 then return gen_function()
  elseif r < 0.86 then return gen_shape()
  elseif r < 0.9 and #kinds > 0 and depth < 2 then return gen_object(depth, lines)
  elseif r < 0.93 then return gen_hostile_table()
  elseif r < 0.95 then return gen_deep()
  elseif r < 0.96 then return gen_cyclic()
  elseif r < 0.98 then return gen_index(depth, lines)
  end
  return coroutine.create(function() end), "coroutine.create(function() end)"
end

-- The parameter names in a docs heading: "array.eye(n [, m [, k [, dtype]]])"
-- gives {"n", "m", "k", "dtype"}; "n | a" gives either; "..." repeats.
local function heading_params(name)
  local text = help_ok and help.text(name)
  local heading = text and text:match("^([^\n]*)")
  local inside = heading and heading:match("%((.*)%)")
  if not inside then return nil end
  local params = {}
  for p in inside:gsub("[%[%]]", ""):gmatch("[^,]+") do
    p = p:match("^%s*(.-)%s*$")
    if p ~= "" then params[#params + 1] = p end
  end
  return params
end

-- The arguments of one call of target t: a list with n, and their code.
-- lines receives statements that must run before (objects put through a
-- method first).
function gen_args(t, depth, lines, self, self_code)
  local args, codes = {n = 0}, {}
  local params = t.params
  local nparams
  if params and chance(0.8) then
    nparams = #params
    if chance(0.3) then nparams = R(0, nparams) end
  else
    nparams = R(0, 5)
  end
  local i0 = 0
  if t.kind then                                     -- a method or metamethod: self first
    local s, sc = self, self_code
    if not s then
      if chance(0.9) then s, sc = make_object(t.kind, depth, lines)
      else s, sc = gen_value(nil, t.words, depth, lines) end
    end
    args[1], codes[1], i0 = s, sc, 1
  end
  local arrays = {}
  if args[1] ~= nil and getmetatable(args[1]) == t.kind_array_mt then arrays[1] = 1 end
  for j = 1, nparams do
    local p = params and params[j] or nil
    if p == "..." then p = params[j - 1] end
    if p and p:find("|", 1, true) then
      local alts = {}
      for alt in p:gmatch("[^|%s]+") do alts[#alts + 1] = alt end
      p = pick(alts)
    end
    local pname = p and p:match("^[%w_]+")
    local v, c
    if #arrays > 0 and chance(0.12) then           -- the same array again, or a view of it
      local src = pick(arrays)
      v, c = alias_of(args[src], "a" .. src)
    else
      v, c = gen_value(pname, t.words, depth, lines)
    end
    if t.int_cap and type(v) == "number" and not (math.abs(v) <= t.int_cap) then
      v = R(0, t.int_cap)
      c = num_code(v)
    end
    args[i0 + j], codes[i0 + j] = v, c
    if type(v) == "userdata" and getmetatable(v) == t.kind_array_mt then arrays[#arrays + 1] = i0 + j end
  end
  args.n = i0 + nparams
  return args, codes
end

-- Enumerate the targets ----------------------------------------------------------

local targets = {}

local function add_target(name, fn, expr, kind)
  local words = doc_words(name) or (kind and kind.words) or nil
  local t = {name = name, fn = fn, expr = expr, kind = kind, words = words, int_cap = INT_CAP[name],
             params = heading_params(name), calls = 0, oks = 0}
  targets[#targets + 1] = t
  return t
end

local array_mt = getmetatable(array.new{0})

-- Module functions, then the kinds of object they make, found by calling
-- each with a few plain argument lists.
local module_targets = {}
for _, g in ipairs(sorted_keys(_G)) do
  local v = rawget(_G, g)
  if not STANDARD[g] and type(v) == "table" then
    for _, k in ipairs(sorted_keys(v)) do
      if type(v[k]) == "function" then
        local name = g .. "." .. k
        if not SKIP[name] then module_targets[#module_targets + 1] = add_target(name, v[k], name) end
      end
    end
  elseif not STANDARD[g] and type(v) == "function" then
    module_targets[#module_targets + 1] = add_target(g, v, g)
  end
end

local prefixes = {}
if help_ok then
  for _, m in ipairs(help.method_tables()) do prefixes[m.methods] = m.prefix end
end

local function silence(f, ...)
  local p, w = print, io.write
  print = function(...) for i = 1, select("#", ...) do tostring((select(i, ...))) end end
  io.write = function(...) for i = 1, select("#", ...) do tostring((select(i, ...))) end return io.stdout end
  local r = table.pack(pcall(f, ...))
  print, io.write = p, w
  return table.unpack(r, 1, r.n)
end

local PROBES = {
  {args = {n = 0}, code = ""},
  {args = {3, n = 1}, code = "3"},
  {args = {3, 0.5, n = 2}, code = "3, 0.5"},
  {args = {{seed = 0}, n = 1}, code = "{seed = 0}"},
  {args = {{1, 2, 3}, n = 1}, code = "{1, 2, 3}"},
}

for _, t in ipairs(module_targets) do
  if not t.name:find("^time%.") or t.name == "time.progress_bar" then
    for _, probe in ipairs(PROBES) do
      local ok, obj = silence(t.fn, table.unpack(probe.args, 1, probe.args.n))
      local mt = ok and (type(obj) == "userdata" or type(obj) == "table") and getmetatable(obj)
      if type(mt) == "table" and mt.__name then
        local k = kind_of_mt[mt]
        if not k then
          local methods = type(mt.__methods) == "table" and mt.__methods
                          or type(mt.__index) == "table" and mt.__index or {}
          local prefix = prefixes[methods] or tostring(mt.__name):gsub("%W", "_")
          k = {name = mt.__name, prefix = prefix, mt = mt, methods = methods, makers = {},
               method_targets = {}}
          kinds[#kinds + 1] = k
          kind_of_mt[mt] = k
        end
        k.makers[#k.makers + 1] = {target = t, args = probe.args, code = probe.code}
        local ex = t.expr .. "(" .. probe.code .. ")"
        if not k.example or (t.expr:find("%.new$") and not k.example:find("%.new%(")) then k.example = ex end
      end
    end
  end
end
table.sort(kinds, function(a, b) return a.prefix < b.prefix end)

for _, k in ipairs(kinds) do
  local mtexpr = "getmetatable(" .. k.example .. ")"
  local methods_field = k.methods == k.mt.__methods and "__methods" or "__index"
  for _, m in ipairs(sorted_keys(k.methods)) do
    if type(k.methods[m]) == "function" then
      local t = add_target(k.prefix .. ":" .. m, k.methods[m], mtexpr .. "." .. methods_field .. "." .. m, k)
      t.kind_array_mt = array_mt
      k.method_targets[#k.method_targets + 1] = t
    end
  end
  for _, m in ipairs(sorted_keys(k.mt)) do
    if type(k.mt[m]) == "function" then
      local t = add_target(k.prefix .. ":" .. m, k.mt[m], mtexpr .. "." .. m, k)
      t.kind_array_mt = array_mt
      if m == "__index" or m == "__newindex" then t.params = {"key", "v"}
      elseif m ~= "__gc" and m ~= "__tostring" and m ~= "__len" and m ~= "__unm" and m ~= "__bnot" then
        t.params = {"b"}
      end
      k.method_targets[#k.method_targets + 1] = t
    end
  end
end
for _, t in ipairs(targets) do t.kind_array_mt = array_mt end

local chosen = targets
if opts.only then
  chosen = {}
  for _, t in ipairs(targets) do if t.name == opts.only then chosen[#chosen + 1] = t end end
  if #chosen == 0 then
    for _, t in ipairs(targets) do
      if t.name:find(opts.only, 1, true) then chosen[#chosen + 1] = t end
    end
  end
  if #chosen == 0 then error("api.lua: no function matches --only " .. opts.only, 0) end
end

if opts.list then
  for _, t in ipairs(chosen) do print(t.name) end
  for _, name in ipairs(sorted_keys(SKIP)) do print("skip " .. name .. ": " .. SKIP[name]) end
  return
end

-- One call ---------------------------------------------------------------------


local defaults = {
  print = array.get_printoptions and array.get_printoptions(),
  threads = linalg.get_num_threads and linalg.get_num_threads(),
  progress = time.progress and time.progress(),
}

local function reset_globals(i)
  if defaults.print then array.set_printoptions(defaults.print) end
  if defaults.threads then linalg.set_num_threads(defaults.threads) end
  if defaults.progress ~= nil then time.progress(false) end
  rng.seed((seed * 1000003 + i) % (1 << 62))
  fuzz_stash = nil
  callback_calls = 0
end

-- What the call returned, and what a callback kept, is used once more:
-- printed and summed, which reads every element.
local function touch(v)
  if type(v) == "userdata" or type(v) == "table" then
    tostring(v)
    if getmetatable(v) == array_mt then pcall(array.sum, v) end
  end
end

local fuzz_errors = 0        -- errors raised so far in this process

local function run_call(i)
  math.randomseed(seed, i)
  local t = pick(chosen)
  if not opts.show then
    io.stdout:write("@@ ", i, " ", t.name, " ", fuzz_errors, "\n")
  else
    io.stdout:write(string.format("-- call %d of seed %d: %s\n", i, seed, t.name))
  end
  io.stdout:flush()
  local lines = {}
  local args, codes = gen_args(t, 0, lines)
  local in_coroutine = chance(0.05)       -- where a callback's yield is possible
  reset_globals(i)
  local text
  if opts.show then
    local out = {"local n = 0 function fuzz_tick() n = n + 1 if n > " .. CALLBACK_BUDGET ..
                 " then error('fuzz: callback budget spent', 0) end end"}
    for _, l in ipairs(lines) do out[#out + 1] = l end
    local names = {}
    for j = 1, args.n do
      out[#out + 1] = string.format("local a%d = %s", j, codes[j])
      names[j] = "a" .. j
    end
    out[#out + 1] = string.format("return pcall(%s%s)", in_coroutine and ("coroutine.wrap(" .. t.expr .. ")") or t.expr,
                                  args.n > 0 and (", " .. table.concat(names, ", ")) or "")
    text = table.concat(out, "\n")
    io.stdout:write(text, "\n")
    io.stdout:flush()
  end
  t.calls = t.calls + 1
  local r = table.pack(silence(in_coroutine and coroutine.wrap(t.fn) or t.fn, table.unpack(args, 1, args.n)))
  if r[1] then t.oks = t.oks + 1 else fuzz_errors = fuzz_errors + 1 end
  silence(function()
    for j = 2, math.min(r.n, 4) do touch(r[j]) end
    if type(fuzz_stash) == "table" then
      for j = 1, math.min(fuzz_stash.n or 0, 4) do touch(fuzz_stash[j]) end
    end
  end)
  if opts.show then
    io.stdout:write("-- ", r[1] and "returned" or ("raised: " .. tostring(r[2])), "\n")
  end
  return r[1], t
end

-- The child: run calls in this process --------------------------------------

-- The peak resident memory of this process, in bytes (Linux).
local function peak_rss()
  local f = io.open("/proc/self/status")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  local kb = s:match("VmHWM:%s*(%d+)")
  return kb and tonumber(kb) * 1024
end

if opts.child or opts.show then
  local first, n = opts.start, opts.calls or 1
  -- a call that takes the process past the memory limit and then some has
  -- allocated outside the limit's account
  local rss_limit = opts.rss_limit
  local errors, done = 0, 0
  local out = io.stdout
  local clock = time and time.now or os.clock
  local stop_at = opts.budget and clock() + opts.budget
  for i = first, first + n - 1 do
    if stop_at and clock() > stop_at then break end
    local ok, t = run_call(i)
    done = done + 1
    if rss_limit then
      local peak = peak_rss()
      if peak and peak > rss_limit then
        out:write("@@rss ", i, " ", t.name, " ", peak, "\n")
        rss_limit = math.huge
      end
    end
    if not ok then errors = errors + 1 end
    if opts.show or i % 64 == 0 then collectgarbage() end
  end
  if not opts.show then
    out:write("@@targets ", #chosen, "\n")
    for _, t in ipairs(chosen) do
      if t.calls > 0 then out:write("@@cov ", t.name, " ", t.calls, " ", t.oks, "\n") end
    end
    out:write("@@done ", done, " ", errors, "\n")
  end
  return
end

