-- How memory behaves in the loops users write: dead temporaries of array
-- expressions are reclaimed as the loop goes, without collectgarbage calls,
-- measured through the state's byte count (collectgarbage("count")).
local T = require "testing"

T.test("temporaries of d = a * b + c stay bounded without collectgarbage", function()
  local n = 1000000                                  -- 8 MB per array
  local g = rng.new(1)
  local a, b, c = g:standard_normal(n), g:standard_normal(n), g:standard_normal(n)
  local d, peak = nil, 0
  for _ = 1, 200 do
    d = a * b + c
    peak = math.max(peak, collectgarbage("count") / 1024)
  end
  -- live: four arrays (32 MB); the pace lets 64 MB of new buffers
  -- accumulate between collections.  Without it the count reached 237 MB.
  T.ok(peak < 128, string.format("peak %.0f MB", peak))
  T.near(d:get(1), a:get(1) * b:get(1) + c:get(1), 1e-15)
end)

T.test("views keep their buffer alive after the original is dropped", function()
  local v
  do
    local big = array.range(1, 2000000)
    v = big[{{1999991, 2000000}}]
  end
  for _ = 1, 20 do local _ = array.ones(2000000) * 2 end   -- collections happen
  T.eq(v:totable(), {1999991, 1999992, 1999993, 1999994, 1999995,
                     1999996, 1999997, 1999998, 1999999, 2000000})
end)
