-- Calls that tests/fuzz/api.lua found crashing the process or tripping a
-- sanitizer (most only show under `make SANITIZE=1 test`), each as the
-- fuzzer made it, and what it must do instead.
local T = require "testing"

-- seed 101, call 262094: a range step of math.mininteger was negated
T.test("a[{{lo, hi, step}}] with extreme integers is an error or a view, no overflow", function()
  local a = array.new({1e300, 96, 13.125, -66.75, -56.875, -69.125}, "float32"):reshape{1, 6}
  local ok, err = pcall(function() return a[{{4294967296, 4, math.mininteger}}] end)
  T.ok(not ok and err:find("out of range", 1, true), err)
  local v = array{1, 2, 3}
  T.eq(v[{{-1, 1, math.mininteger}}]:totable(), {3})
  T.eq(v[{{1, -1, math.maxinteger}}]:totable(), {1})
  T.eq(v[{{1, 3, math.mininteger}}]:totable(), {})
  ok, err = pcall(function() return v[{{math.mininteger, math.maxinteger}}] end)
  T.ok(not ok and err:find("out of range", 1, true), err)
  local m = array.zeros{2, 3}
  m[{{2, 1, math.mininteger}, {1, 3, math.maxinteger}}] = 7
  T.eq(m:totable(), {{0, 0, 0}, {7, 0, 0}})
end)
