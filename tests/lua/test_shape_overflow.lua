-- Shape and index arithmetic at the ends of int64: a length, offset or
-- multiple that does not fit is an error naming the function, or the
-- exact answer; never a wrapped shape (UBSan halts the sanitized build on
-- any signed overflow, so these also run clean there).
local T = require "testing"

local MIN, MAX = math.mininteger, math.maxinteger

T.test("array.range: a range of more than 2^63 - 1 elements is an error", function()
  T.raises(function() return array.range(MIN, MAX) end, "array.range: range too long")
  T.raises(function() return array.range(MAX, MIN, -1) end, "array.range: range too long")
  T.raises(function() return array.range(-1, MAX) end, "array.range: range too long")
  -- the widest ranges that fit in few elements are exact
  local r = array.range(MIN, MAX, MAX)
  T.eq(r:totable(), {MIN, MIN + MAX, MIN + 2 * MAX})
  T.eq(array.range(MAX, MIN, MIN):totable(), {MAX, -1})
  T.eq(array.range(MAX - 2, MAX):totable(), {MAX - 2, MAX - 1, MAX})
end)

T.test("array.concat: a joined length past 2^63 - 1 is an error", function()
  local z = array.zeros({0, 2^62})
  T.raises(function() return array.concat({z, z, z, z}, 2) end,
           "array.concat: the result is too long along axis 2")
  T.raises(function() return array.concat({z, z}, 2) end, "too long")
  T.eq(array.concat({z, z}, 1).shape, {0, 2^62})
end)

T.test("array.eye: a diagonal far outside the matrix leaves it zero", function()
  for _, k in ipairs({MAX, MIN, MAX - 1, MIN + 1, 3, -3}) do
    T.eq(array.eye(3, 3, k):sum(), 0.0, "k = " .. k)
  end
  T.eq(array.eye(3, 4, 1):totable(), {{0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}})
  T.eq(array.eye(3, 2, -1):totable(), {{0, 0}, {1, 0}, {0, 1}})
end)

T.test("array.diag: an offset beyond int64 is an error, or an empty diagonal", function()
  local v = array{1, 2, 3}
  T.raises(function() return array.diag(v, MIN) end, "array.diag: k = " .. MIN .. " is too far")
  T.raises(function() return array.diag(v, MAX) end, "too far from the main diagonal")
  local m = array.eye(3)
  T.eq(array.diag(m, MIN).shape, {0})
  T.eq(array.diag(m, MAX).shape, {0})
  T.eq(array.diag(m, 3).shape, {0})
  T.eq(array.diag(array{{1, 2, 3}, {4, 5, 6}}, -1):totable(), {4})
  T.eq(array.diag(array{1, 2}, -1):totable(), {{0, 0, 0}, {1, 0, 0}, {0, 2, 0}})
end)

T.test("array.round: int64 extremes to negative digits are exact", function()
  local x = array.new({MAX, MIN, MAX - 60, MIN + 50, MIN + 60}, "int64")
  T.eq(array.round(x, -2):totable(), {MAX - 7, MIN + 8, MAX - 107, MIN + 8, MIN + 108})
  local E = 9000000000000000000
  T.eq(array.round(x, -18):totable(), {E, -E, E, -E, -E})
  -- halves go to the even multiple, on both sides of zero
  T.eq(array.round(array.new({150, 250, -150, -250}, "int64"), -2):totable(), {200, 200, -200, -200})
end)
