-- Files: .npy read from files NumPy wrote (every element type, versions,
-- Fortran order, byte orders, 0-d and empty arrays), .npy written byte for
-- byte as NumPy writes it, malformed files refused with clear errors, text
-- files with their options and errors, and writes that never leave a
-- half-written file.
local T = require "testing"
local F = dofile("tests/fixtures/array_io.lua")
local DIR = "tests/fixtures/npy/"

local function flat(t, out)
  out = out or {}
  if type(t) ~= "table" then out[#out + 1] = t return out end
  for _, v in ipairs(t) do flat(v, out) end
  return out
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local tmp = T.tmpdir()

T.test("files NumPy wrote load with the right dtype, shape and values", function()
  for _, c in ipairs(F) do
    local a = array.load(DIR .. c.file .. ".npy")
    T.eq(a.dtype, c.dtype, c.file .. ": dtype")
    T.eq(a.shape, c.shape, c.file .. ": shape")
    local got = a.ndim == 0 and {a:item()} or flat(a:totable())
    for i, w in ipairs(c.data) do
      if c.dtype == "float32" then
        T.ok(got[i] == w or math.abs(got[i] - w) <= 1e-7 * math.abs(w), c.file .. ": element " .. i)
      else
        T.eq(got[i], w, c.file .. ": element " .. i)
      end
    end
  end
end)

T.test("gibbs writes exactly the bytes NumPy writes", function()
  local cases = {
    {"ref_save_f8", array.range(0, 11):astype("float64"):reshape(3, 4)},
    {"ref_save_f4", array({0.5, 1.5}, "float32")},
    {"ref_save_i8", array.range(1, 5)},
    {"ref_save_b1", array{true, false, true}},
    {"ref_save_0d", array(2.5):reshape()},
    {"ref_save_T", array.range(0, 5):astype("float64"):reshape(2, 3).T},
    {"ref_save_big0", array.zeros({123456789012, 0})},
  }
  for _, c in ipairs(cases) do
    local path = tmp .. "/" .. c[1] .. ".npy"
    array.save(path, c[2])
    T.ok(slurp(path) == slurp(DIR .. c[1] .. ".npy"), c[1] .. ": bytes differ from NumPy's")
    local back = array.load(path)
    T.eq(back.shape, c[2].shape, c[1] .. ": round trip shape")
    if back.size > 0 then T.eq(back:totable(), c[2]:totable(), c[1] .. ": round trip") end
  end
end)

T.test("malformed files give clear errors naming the file and the problem", function()
  local cases = {
    bad_magic = "not an .npy file", bad_version = "unsupported .npy version 9.0",
    truncated_header = "truncated header", truncated_data = "the data is",
    extra_data = "the data is", bad_dict = "malformed header",
    object_dtype = "cannot read element type '|O'", huge_shape = "too large",
  }
  for name, msg in pairs(cases) do
    T.raises(function() array.load(DIR .. name .. ".npy") end, "array.load", name .. ".npy", msg)
  end
  T.raises(function() array.load(tmp .. "/missing.npy") end, "cannot open")
  T.raises(function() array.load(tmp) end, "not a regular file")
end)

T.test("text files: delimiters, headers, comments, column selection, dtypes", function()
  local path = tmp .. "/t.csv"
  local a = array{{1.5, 2, 3}, {4, 5.25, 6}}
  array.savetxt(path, a, {delimiter = ",", header = "a,b,c"})
  T.eq(slurp(path), "# a,b,c\n1.5,2,3\n4,5.25,6\n")
  T.eq(array.loadtxt(path, {delimiter = ","}):totable(), a:totable())
  T.eq(array.loadtxt(path, {delimiter = ",", usecols = {3, 1}}):totable(), {{3, 1.5}, {6, 4}})
  T.eq(array.loadtxt(path, {delimiter = ",", usecols = 2}):totable(), {2, 5.25})
  local f = assert(io.open(tmp .. "/w.txt", "w"))
  f:write("skip me\n% comment\n1 2  3\n\n4\t5 6 % trailing\n")
  f:close()
  local w = array.loadtxt(tmp .. "/w.txt", {skiprows = 1, comments = "%", dtype = "int64"})
  T.eq(w.dtype, "int64")
  T.eq(w:totable(), {{1, 2, 3}, {4, 5, 6}})
  array.savetxt(tmp .. "/i.txt", array{{1, 2}, {3, 4}}, {fmt = "%.3f"})
  T.eq(slurp(tmp .. "/i.txt"), "1.000 2.000\n3.000 4.000\n")
  array.savetxt(tmp .. "/v.txt", array{1e-300, 0.1})
  T.eq(array.loadtxt(tmp .. "/v.txt"):totable(), {1e-300, 0.1}, "floats round-trip")
end)

T.test("a bad number names the file, line and column", function()
  local f = assert(io.open(tmp .. "/bad.csv", "w"))
  f:write("1,2\n3,abc\n")
  f:close()
  T.raises(function() array.loadtxt(tmp .. "/bad.csv", {delimiter = ","}) end,
           "array.loadtxt", "bad.csv:2: column 2: cannot parse 'abc' as a number")
  f = assert(io.open(tmp .. "/ragged.csv", "w"))
  f:write("1,2\n3\n")
  f:close()
  T.raises(function() array.loadtxt(tmp .. "/ragged.csv", {delimiter = ","}) end, "ragged.csv:2", "1 columns")
  T.raises(function() array.savetxt(tmp .. "/x.txt", array{1}, {fmt = "%s"}) end, "fmt must be one printf")
  T.raises(function() array.savetxt(tmp .. "/x.txt", array.zeros({2, 2, 2})) end, "1-D or 2-D")
  T.raises(function() array.loadtxt(tmp .. "/bad.csv", {delimter = ","}) end,
           "array.loadtxt", "unknown option 'delimter'")
  T.raises(function() array.loadtxt(tmp .. "/bad.csv", {skiprows = -1}) end, "option skiprows")
  T.raises(function() array.savetxt(tmp .. "/x.txt", array{1}, {format = "%d"}) end,
           "array.savetxt", "unknown option 'format'")
end)

T.test("loadtxt: usecols out of range and NUL bytes are errors naming the option or line", function()
  local path = tmp .. "/cols.txt"
  local f = assert(io.open(path, "w"))
  f:write("1 2\n3 4\n")
  f:close()
  for _, c in ipairs({(1 << 32) + 1, 1 << 31, math.maxinteger, math.mininteger, 0, -1, 4097}) do
    T.raises(function() array.loadtxt(path, {usecols = c}) end, "array.loadtxt", "usecols")
    T.raises(function() array.loadtxt(path, {usecols = {2, c}}) end, "array.loadtxt", "usecols")
  end
  T.raises(function() array.loadtxt(path, {usecols = 3}) end, "column 3 requested, but lines have 2")
  f = assert(io.open(tmp .. "/nul.txt", "wb"))
  f:write("1\n2\n\0 3\n4\n5")
  f:close()
  T.raises(function() array.loadtxt(tmp .. "/nul.txt") end, "array.loadtxt", "nul.txt:3:", "NUL byte")
  f = assert(io.open(tmp .. "/nul.txt", "wb"))
  f:write("# header\0\n1\n")
  f:close()
  T.raises(function() array.loadtxt(tmp .. "/nul.txt", {skiprows = 1}) end, "nul.txt:1:", "NUL byte")
end)

T.test("a failed write leaves no file and no temporary behind", function()
  T.raises(function() array.save(tmp .. "/no/such/dir/a.npy", array{1}) end, "array.save", "cannot write")
  local path = tmp .. "/keep.npy"
  array.save(path, array{1, 2})
  local before = slurp(path)
  -- a directory in the way of the rename: the old file stays intact
  T.raises(function() array.save(tmp, array{3}) end, "cannot write")
  T.eq(slurp(path), before)
  local p = io.popen("ls -a " .. tmp)
  local names = p:read("a")
  p:close()
  T.ok(not names:find("tmp", 1, true), "temporary files left: " .. names)
end)

local function names(dir)
  local p = io.popen("ls -a " .. dir)
  local t = {}
  for name in p:lines() do if name ~= "." and name ~= ".." then t[#t + 1] = name end end
  p:close()
  table.sort(t)
  return t
end

T.test("a save killed mid-write leaves the old file and a named temporary, which the next save removes", function()
  local dir = T.tmpdir()
  local path = dir .. "/big.npy"
  array.save(path, array{1, 2, 3})
  local before = slurp(path)
  -- a file size limit kills the writer (SIGXFSZ) half-way through 8 MB
  local _, _, code = T.run("ulimit -f 64; " .. T.gibbs .. " -e 'array.save(\"" .. path ..
                           "\", array.zeros(1e6))'")
  T.ok(code ~= 0, "the writer was killed")
  T.eq(slurp(path), before, "the old file is intact")
  local left = names(dir)
  T.eq(#left, 2, "the target and one temporary: " .. table.concat(left, " "))
  T.ok(left[1]:find("^%.big%.npy%.gibbs%-tmp%.%d+%.......$"), "a recognisable name: " .. left[1])
  -- temporaries of a live process (pid 1) and of another target stay
  local keep = {".big.npy.gibbs-tmp.1.abcdef", ".other.npy.gibbs-tmp.1073741823.abcdef"}
  for _, name in ipairs(keep) do assert(io.open(dir .. "/" .. name, "w")):close() end
  array.save(path, array{4})
  T.eq(array.load(path):totable(), {4})
  T.eq(names(dir), {keep[1], keep[2], "big.npy"})
  os.execute("rm -rf " .. dir)
end)
