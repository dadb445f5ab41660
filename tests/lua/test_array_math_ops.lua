-- Operators and module forms: broadcasting, the out argument, promotion
-- of Lua scalars, results from scalars only, threads, and every error.
-- (Values of the operations themselves are in test_array_math_fixtures.)
local T = require "testing"

local function vals(a) return a:totable() end

T.test("operators between arrays, with numbers on either side", function()
  local a = array.new({1, 2, 3}, "float64")
  local b = array.new({4, 5, 6}, "float64")
  T.eq(vals(a + b), {5.0, 7.0, 9.0})
  T.eq(vals(b - a), {3.0, 3.0, 3.0})
  T.eq(vals(0.5 * a), {0.5, 1.0, 1.5})
  T.eq(vals(a * 0.5), {0.5, 1.0, 1.5})
  T.eq(vals(1 / array.new{1, 2, 4}), {1.0, 0.5, 0.25})
  T.eq(vals(2 ^ array.new{1, 2, 3}), {2, 4, 8})
  T.eq(vals(array.new{1, 2, 3} ^ 2), {1, 4, 9})
  T.eq(vals(-a), {-1.0, -2.0, -3.0})
  T.eq(vals(7 // array.new{2, -2}), {3, -4})
  T.eq(vals(7 % array.new{2, -2}), {1, -1})
  T.eq(vals(array.new{-7.5, 7.5} // 2), {-4.0, 3.0})
  T.eq(vals(array.new{-7.5, 7.5} % 2), {0.5, 1.5})
end)

T.test("a * b + c keeps shape and dtype", function()
  local a = array.ones({2, 3}) * 2
  local r = a * a + 1
  T.eq(r.shape, {2, 3})
  T.eq(r.dtype, "float64")
  T.eq(vals(r), {{5.0, 5.0, 5.0}, {5.0, 5.0, 5.0}})
end)

T.test("NumPy broadcasting", function()
  local m = array.new({{1, 2, 3}, {4, 5, 6}})
  T.eq(vals(m + array.new{10, 20, 30}), {{11, 22, 33}, {14, 25, 36}})
  T.eq(vals(m * array.new{{1}, {-1}}), {{1, 2, 3}, {-4, -5, -6}})
  local col, row = array.new{{1}, {2}}, array.new{10, 20, 30}
  T.eq((col + row).shape, {2, 3})
  T.eq(vals(col + row), {{11, 21, 31}, {12, 22, 32}})
  T.eq((array.zeros({2, 1, 3}) + array.ones({4, 1})).shape, {2, 4, 3})
  local empty = array.zeros({0, 3}) + array.new{1, 2, 3}
  T.eq(empty.shape, {0, 3})
  local zero_d = array.new(5) + array.new{1, 2}
  T.eq(vals(zero_d), {6, 7})
end)

T.test("a shape mismatch names both shapes", function()
  local err = T.raises(function() return array.zeros({2, 3}) + array.zeros(4) end,
                       "array.add", "(2, 3)", "(4,)", "broadcast")
  T.ok(err:find("test_array_math_ops.lua", 1, true), "error points at the caller: " .. err)
  T.raises(function() return array.lt(array.zeros(2), array.zeros(3)) end, "array.lt", "(2,)", "(3,)")
  T.raises(function() return array.where(array.zeros(2, "bool"), array.zeros(3), 0) end,
           "array.where", "(2,)", "(3,)")
end)

T.test("module forms return out, which may have another dtype", function()
  local a, b = array.new{1.5, 2.5}, array.new{1, 2}
  local out = array.zeros(2)
  T.eq(array.add(a, b, out) == out, true)
  T.eq(vals(out), {2.5, 4.5})
  local f32 = array.zeros(2, "float32")
  array.mul(a, b, f32)
  T.eq(vals(f32), {1.5, 5.0})
  local fi = array.zeros(2)
  array.add(b, b, fi)                       -- int64 result into float64
  T.eq(vals(fi), {2.0, 4.0})
  local lt = array.zeros(2, "int64")
  array.lt(a, 2, lt)                        -- bool result into int64
  T.eq(vals(lt), {1, 0})
  local e = array.zeros(2)
  T.eq(array.exp(array.new{0, 0}, e) == e, true)
  T.eq(vals(e), {1.0, 1.0})
  local m = array.zeros({2, 2})
  array.add(array.new{1, 2}, array.new{{10}, {20}}, m)
  T.eq(vals(m), {{11.0, 12.0}, {21.0, 22.0}})
end)

T.test("out must be an array of the broadcast shape and a same_kind dtype", function()
  local a = array.new{1.5, 2.5}
  T.raises(function() array.add(a, a, array.zeros(2, "int64")) end,
           "array.add", "float64", "int64", "same_kind")
  T.raises(function() array.exp(array.new{1, 2}, array.zeros(2, "int64")) end, "array.exp", "same_kind")
  local f = array.lt(a, 2, array.zeros(2, "float32"))   -- bool into float: allowed
  T.eq(vals(f), {1.0, 0.0})
  T.raises(function() array.add(a, a, array.zeros(3)) end, "array.add", "out has shape (3,)",
           "result has shape (2,)")
  T.raises(function() array.add(a, a, array.zeros({1, 2})) end, "out has shape (1, 2)")
  T.raises(function() array.add(a, a, {0, 0}) end, "array.add", "out must be an array, got table")
  T.raises(function() array.sqrt(a, 5) end, "array.sqrt", "out must be an array, got number")
end)

T.test("out may be an input: in place", function()
  local a = array.new{1.0, 2.0, 3.0}
  array.mul(a, a, a)
  T.eq(vals(a), {1.0, 4.0, 9.0})
  array.sqrt(a, a)
  T.eq(vals(a), {1.0, 2.0, 3.0})
  a:exp(a)
  T.near(vals(a), {math.exp(1), math.exp(2), math.exp(3)}, 1e-15)
  local m = array.new{{1, 2}, {3, 4}}
  array.sub(m, array.new{1, 1}, m)
  T.eq(vals(m), {{0, 1}, {2, 3}})
  local f = array.new({1.5, -2.5}, "float32")
  array.add(f, 1e300, f)          -- weak scalar: cast to float32 (inf), as NumPy 2
  T.eq(vals(f), {math.huge, math.huge})
end)

T.test("Lua numbers and booleans are weak scalars", function()
  T.eq((array.new({1, 2}, "float32") * 0.5).dtype, "float32")
  T.eq((array.new({1, 2}, "float32") + 3).dtype, "float32")
  T.eq((array.new{1, 2} * 2.5).dtype, "float64")
  T.eq((array.new{1, 2} + 3).dtype, "int64")
  T.eq((array.new{true, false} + 1).dtype, "int64")
  T.eq((array.new{true, false} * 1.5).dtype, "float64")
  T.eq(array.add(array.new{true, false}, true).dtype, "bool")
  T.eq(vals(array.add(array.new{1, 2}, true)), {2, 3})
  T.eq(array.new({1, 2}, "float32"):lt(0.5).dtype, "bool")
  -- tables are converted like array.new (a strong operand)
  T.eq(vals(array.new{1.5, 2.5} + {1, 2}), {2.5, 4.5})
  T.eq((array.new({1, 2}, "float32") + {1.5, 2.5}).dtype, "float64")
end)

T.test("only Lua scalars in: a Lua value out", function()
  T.eq(array.add(1, 2), 3)
  T.eq(math.type(array.add(1, 2)), "integer")
  T.eq(array.div(1, 4), 0.25)
  T.eq(array.lt(1, 2), true)
  T.eq(array.exp(0), 1.0)
  T.eq(array.floor_divide(-7, 2), -4)
  T.eq(array.maximum(0/0, 1) ~= array.maximum(0/0, 1), true)
  T.eq(array.where(true, 1, 2.5), 1.0)
  T.eq(array.clip(5, 0, 3), 3)
  T.eq(array.round(2.5), 2.0)
  T.eq(array.logical_xor(true, false), true)
  -- a 0-d array in gives a 0-d array out
  T.eq(array.exp(array.new(0.0)).ndim, 0)
end)

T.test("comparisons are methods and module functions returning bool arrays", function()
  local a = array.new{1, 2, 3}
  T.eq(vals(a:lt(2)), {true, false, false})
  T.eq(vals(a:le(2)), {true, true, false})
  T.eq(vals(a:gt(2)), {false, false, true})
  T.eq(vals(a:ge(2)), {false, true, true})
  T.eq(vals(a:eq(2)), {false, true, false})
  T.eq(vals(a:ne(2)), {true, false, true})
  T.eq(vals(array.gt(2, a)), {true, false, false})
  T.eq(vals(a:eq(array.new{{1}, {3}})), {{true, false, false}, {false, false, true}})
  T.eq(vals(array.new{0/0}:ne(0/0)), {true})
  T.eq(vals(array.new({2.5}):gt(array.new({2}, "int64"))), {true})
  T.raises(function() return a < a end, "a:lt(b)")
  T.raises(function() return a <= 1 end, "a:le(b)")
  T.eq(a == a, true)            -- == stays identity
  T.eq(a == array.new{1, 2, 3}, false)
end)

T.test("logical and bitwise operations", function()
  local p, q = array.new{true, true, false, false}, array.new{true, false, true, false}
  T.eq(vals(array.logical_and(p, q)), {true, false, false, false})
  T.eq(vals(array.logical_or(p, q)), {true, true, true, false})
  T.eq(vals(array.logical_xor(p, q)), {false, true, true, false})
  T.eq(vals(array.logical_not(p)), {false, false, true, true})
  T.eq(vals(p & q), {true, false, false, false})
  T.eq(vals(p | q), {true, true, true, false})
  T.eq(vals(p ~ q), {false, true, true, false})
  T.eq(vals(~p), {false, false, true, true})
  -- any dtype counts non-zero (and NaN) as true
  T.eq(vals(array.logical_and(array.new{0.5, 0/0, 0.0}, 1)), {true, true, false})
  T.eq(vals(array.new{12, -1} & 10), {8, 10})
  T.eq(vals(~array.new{0, -1}), {-1, 0})
  T.raises(function() return array.new{1.5} & 1 end, "array.bitwise_and",
           "not supported for float64", "bool or int64")
  T.raises(function() return ~array.new{1.5} end, "array.invert", "float64")
end)

T.test("where and clip", function()
  local x = array.new{1, 2, 3, 4}
  T.eq(vals(array.where(x:gt(2), x, 0)), {0, 0, 3, 4})
  T.eq(array.where(x:gt(2), x, 0.5).dtype, "float64")
  T.eq(vals(array.where(array.new{1, 0, 0/0}, 1, -1)), {1, -1, 1})
  T.eq(vals(array.where(array.new{{true}, {false}}, array.new{1, 2}, array.new{-1, -2})),
       {{1, 2}, {-1, -2}})
  T.eq(vals(x:clip(2, 3)), {2, 2, 3, 3})
  T.eq(vals(array.clip(x, nil, 2)), {1, 2, 2, 2})
  T.eq(vals(array.clip(x, array.new{4, 3, 2, 1}, nil)), {4, 3, 3, 4})
  T.eq(array.clip(x, 0.5, 2.5).dtype, "float64")
  local out = array.zeros(4)
  T.eq(array.clip(x, 2, 3, out) == out, true)
  T.eq(vals(out), {2.0, 2.0, 3.0, 3.0})
  array.clip(out, 2.5, nil, out)
  T.eq(vals(out), {2.5, 2.5, 3.0, 3.0})
  T.eq(vals(array.clip(x, nil, nil)), {1, 2, 3, 4})
end)

T.test("round takes decimals and out", function()
  local x = array.new{0.5, 1.5, 2.675, -2.5}
  T.eq(vals(x:round()), {0.0, 2.0, 3.0, -2.0})
  T.eq(vals(array.round(array.new{1234, 1250, -1350}, -2)), {1200, 1200, -1400})
  local out = array.zeros(4)
  T.eq(array.round(x, 1, out) == out, true)
  T.eq(array.round(x, out) == out, true)
  T.eq(vals(out), {0.0, 2.0, 3.0, -2.0})
  T.eq(array.round(array.new{1, 2}).dtype, "int64")
  T.raises(function() x:round(0.5) end, "array.round", "decimals must be an integer")
  T.raises(function() x:round("1") end, "array.round", "decimals or out")
  T.raises(function() array.round(array.new{1}, -19) end, "array.round", "-19", "int64")
end)

T.test("math functions as methods", function()
  local a = array.new{0.0, 1.0}
  T.eq(vals(a:exp()), {1.0, math.exp(1)})
  T.eq(vals(a:sin()), {0.0, math.sin(1)})
  T.eq(vals(array.new{-2, 3}:abs()), {2, 3})
  T.eq(array.new{-2, 3}:abs().dtype, "int64")
  T.eq(array.new{1, 2}:exp().dtype, "float64")
  T.eq(array.new({1, 2}, "float32"):exp().dtype, "float32")
  T.eq(array.new{true}:exp().dtype, "float32")
  T.eq(array.new{1, 2}:floor().dtype, "int64")
  T.eq(array.new{1, 2}:rint().dtype, "float64")
  T.eq(vals(array.new{1, 4}:sqrt()), {1.0, 2.0})
  T.eq(vals(array.new{-1.0}:sqrt())[1] ~= vals(array.new{-1.0}:sqrt())[1], true)
  T.eq(vals(array.new{-1.0, 0.0}:log()), {0/0, -math.huge})
end)

T.test("integer errors name the function", function()
  local a = array.new{1, 2}
  T.raises(function() return a // 0 end, "array.floor_divide", "integer division by zero")
  T.raises(function() return a % array.new{1, 0} end, "array.mod", "integer division by zero")
  T.raises(function() return array.remainder(a, 0) end, "array.remainder", "division by zero")
  T.raises(function() return array.reciprocal(array.new{0}) end, "array.reciprocal", "division by zero")
  T.raises(function() return a ^ -1 end, "array.pow", "negative integer powers")
  T.raises(function() return array.power(a, array.new{1, -2}) end, "array.power", "negative")
  -- floats follow IEEE instead, and int64 with a float divisor is float
  T.eq(vals(a // 0.0), {math.huge, math.huge})
  T.eq(vals(a ^ -1.0), {1.0, 0.5})
end)

T.test("bool arithmetic follows NumPy", function()
  local p, q = array.new{true, false}, array.new{true, true}
  T.eq(vals(p + q), {true, true})
  T.eq((p + q).dtype, "bool")
  T.eq(vals(p * q), {true, false})
  T.eq(vals(p / q), {1.0, 0.0})
  T.raises(function() return p - q end, "array.sub", "bool", "logical_xor")
  T.raises(function() return -p end, "array.negative", "bool", "logical_not")
  T.raises(function() return p:sign() end, "array.sign", "bool")
  T.eq(vals(p // q), {1, 0})
  T.eq((p // q).dtype, "int64")
end)

T.test("bad operands name the function and argument", function()
  T.raises(function() return array.new{1} + "x" end, "array.add", "#2", "got string")
  T.raises(function() return "x" * array.new{1} end, "array.mul", "#1", "got string")
  T.raises(function() return array.exp() end, "array.exp", "#1", "got nil")
  T.raises(function() return array.maximum(array.new{1}, nil) end, "array.maximum", "#2", "got nil")
  T.raises(function() return array.where(true, 1) end, "array.where", "#3")
  T.raises(function() return array.new{1} + {{1}, {1, 2}} end, "ragged")
  T.raises(function() return array.clip({}, 0, print) end, "array.clip", "got function")
end)

-- Every element is computed the same way whatever the number of threads.
T.test("results do not depend on the number of threads", function()
  local code = [[
    local n = 300001
    local x = array.zeros(n)
    for i = 1, n, 997 do x:set(i, (i % 1000) / 37 - 13) end
    local y = (x:exp() + x:sin() * 0.5 - x:tanh()) / 3 + array.maximum(x, 0.25):log()
    local h = 0
    for i, v in ipairs(y:totable()) do
      h = (h * 31 + string.unpack("<i8", string.pack("<d", v))) & 0xffffffffffff
    end
    print(h)
  ]]
  local outs = {}
  for _, threads in ipairs{1, 2} do
    local out, err, code_ = T.run(string.format("OMP_NUM_THREADS=%d %s -e %q", threads, T.gibbs, code))
    T.eq(code_, 0, err)
    outs[#outs + 1] = out
  end
  T.ok(outs[1]:match("%d"), "a checksum was printed")
  T.eq(outs[1], outs[2])
end)

T.test("help exists for every math function", function()
  local help = require "help"
  local names = {"add", "sub", "mul", "div", "floor_divide", "mod", "pow", "negative",
                 "lt", "le", "gt", "ge", "eq", "ne", "where", "exp", "log", "sqrt", "clip",
                 "round", "maximum", "fmax", "isnan", "logical_and", "arctan2"}
  for _, n in ipairs(names) do
    T.ok(help.text(array[n]), "help for array." .. n)
  end
  T.ok(help.text(array.new{1}.exp), "help for a:exp")
end)
