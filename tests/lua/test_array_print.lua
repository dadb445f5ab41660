-- Printing arrays: the element text and layout match NumPy's
-- (tests/fixtures/make_array_print.py), the shape and dtype are shown, big
-- arrays are summarised from the elements shown, and the print options work.
local T = require "testing"
local F = dofile("tests/fixtures/array_print.lua")

local function body(text)
  return text:match("^array%((.*),%s+shape={[%d, ]*}, dtype=%a+%d*%)$")
end

T.test("element text and layout match NumPy (" .. #F .. " arrays)", function()
  for _, c in ipairs(F) do
    local a = assert(load("return " .. c.lua, "=" .. c.lua, "t", {array = array}))()
    local text = tostring(a)
    local got = body(text)
    T.ok(got, c.lua .. ": not of the form array(..., shape=..., dtype=...): " .. text)
    if got ~= c.body then
      error(c.lua .. ":\nexpected\n" .. c.body .. "\ngot\n" .. got, 0)
    end
  end
end)

T.test("shape and dtype are visible; 0-d and empty arrays print", function()
  T.eq(tostring(array{{1, 2}}), "array([[1, 2]], shape={1, 2}, dtype=int64)")
  T.eq(tostring(array.zeros({0, 3})), "array([], shape={0, 3}, dtype=float64)")
  T.eq(tostring(array.zeros({}, "float32")), "array(0., shape={}, dtype=float32)")
end)

T.test("a summary of a huge array formats only the elements shown", function()
  -- as NumPy: values the summary leaves out choose no width or notation
  local a = array.ones(1000000)
  a[500000] = -1e300
  a[500001] = 0 / 0
  T.eq(body(tostring(a)), "[1., 1., 1., ..., 1., 1., 1.]")
  local m = array.ones({1000, 1000}, "int64")
  m[{500, 500}] = -123456789
  T.eq(body(tostring(m)), "[[1, 1, 1, ..., 1, 1, 1],\n" ..
    string.rep("       [1, 1, 1, ..., 1, 1, 1],\n", 2) .. "       ...,\n" ..
    string.rep("       [1, 1, 1, ..., 1, 1, 1],\n", 2) .. "       [1, 1, 1, ..., 1, 1, 1]]")
end)

T.test("print options: precision, threshold, edgeitems, linewidth, suppress", function()
  local saved = array.get_printoptions()
  T.eq(saved, {precision = 8, threshold = 1000, edgeitems = 3, linewidth = 75, suppress = false})
  array.set_printoptions{precision = 3}
  T.eq(body(tostring(array{1 / 3})), "[0.333]")
  array.set_printoptions{threshold = 5, edgeitems = 1}
  T.eq(body(tostring(array.range(1, 10))), "[ 1, ..., 10]")
  array.set_printoptions{suppress = true, threshold = 1000, precision = 8}
  T.eq(body(tostring(array{1e-5, 1})), "[0.00001, 1.     ]")
  array.set_printoptions(saved)
  T.eq(array.get_printoptions(), saved)
  T.raises(function() array.set_printoptions{precision = -1} end, "array.set_printoptions", "precision")
  T.raises(function() array.set_printoptions{linewidth = 5} end, "linewidth")
  T.raises(function() array.set_printoptions{precison = 3} end, "unknown option 'precison'")
  T.raises(function() array.set_printoptions{suppress = 1} end, "option suppress must be a boolean")
end)
