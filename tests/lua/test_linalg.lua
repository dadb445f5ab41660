-- linalg against NumPy/SciPy (tests/fixtures/make_linalg.py) and closed
-- forms.  Factorizations are judged the way numerical analysts judge them:
-- residuals and reconstruction errors relative to the matrix norm and
-- machine epsilon (these hold even for Hilbert matrices), and values
-- compared with NumPy's where the problem is well conditioned.
local T = require "testing"
local F = dofile("tests/fixtures/linalg.lua")

local EPS = 2.220446049250313e-16

-- Plain-table matrix helpers, independent of the code under test.
local function tab(x) return type(x) == "table" and x or x:totable() end

local function fro(t)
  local s = 0
  local function walk(v)
    if type(v) == "table" then for _, w in ipairs(v) do walk(w) end
    else s = s + v * v end
  end
  walk(tab(t))
  return math.sqrt(s)
end

local function diff(a, b)
  a, b = tab(a), tab(b)
  local out = {}
  for i = 1, #a do
    if type(a[i]) == "table" then out[i] = diff(a[i], b[i]) else out[i] = a[i] - b[i] end
  end
  return out
end

local function transpose(a)
  a = tab(a)
  local t = {}
  for j = 1, #a[1] do
    t[j] = {}
    for i = 1, #a do t[j][i] = a[i][j] end
  end
  return t
end

local function eye(n)
  local t = {}
  for i = 1, n do t[i] = {} for j = 1, n do t[i][j] = i == j and 1 or 0 end end
  return t
end

local function scale_cols(a, s)
  a, s = tab(a), tab(s)
  local t = {}
  for i = 1, #a do t[i] = {} for j = 1, #s do t[i][j] = a[i][j] * s[j] end end
  return t
end

-- |x - want| <= tol * scale, as a norm; names what was compared.
local function close(x, want, tol, what)
  local err = fro(diff(x, want))
  if not (err <= tol) then
    error(string.format("%s: error %.3g exceeds %.3g", what, err, tol), 2)
  end
end

local function flatten(t)
  local out = {}
  local function walk(v)
    if type(v) == "table" then for _, w in ipairs(v) do walk(w) end
    else out[#out + 1] = v end
  end
  walk(tab(t))
  return out
end

local function mm(a, b) return linalg.matmul(a, b) end

T.test("matmul matches NumPy for vectors, matrices, batches and broadcasting", function()
  for _, c in ipairs(F.products) do
    local a, b = array(c.a), array(c.b)
    local got = mm(a, b)
    local k = a.shape[a.ndim]
    local tol = 4 * k * EPS * fro(c.a) * fro(c.b)
    if type(got) == "number" then
      T.eq(#c.shape, 0, "vector . vector gives a number")
      T.ok(math.abs(got - c.c[1]) <= tol, "dot product")
    else
      T.eq(got.shape, c.shape, "shape")
      close(flatten(got), c.c, tol, "matmul values")
    end
  end
end)

T.test("matmul keeps int64 exact and float32 as float32; a:dot is matmul", function()
  local c = mm(array(F.int_product.a), array(F.int_product.b))
  T.eq(c.dtype, "int64")
  T.eq(c:totable(), F.int_product.c)
  local f = mm(array({{1, 2}, {3, 4}}, "float32"), array({{1}, {1}}, "float32"))
  T.eq(f.dtype, "float32")
  T.eq(f:totable(), {{3}, {7}})
  T.eq(array{{1, 2}, {3, 4}}:dot({1, 1}):totable(), {3, 7})
  T.eq(mm(array({{true, false}}), array({{false}, {true}})):totable(), {{false}})
end)

T.test("matmul over an empty inner axis gives zeros, empty outer axes give empty arrays", function()
  local z = mm(array.zeros({2, 0}), array.zeros({0, 3}))
  T.eq(z.shape, {2, 3})
  T.eq(z:totable(), {{0, 0, 0}, {0, 0, 0}})
  T.eq(mm(array.zeros({0, 4}), array.zeros({4, 2})).shape, {0, 2})
end)

T.test("slogdet of Hilbert matrices matches the closed form c(n)^4 / c(2n)", function()
  -- c(n) = 1! 2! ... (n-1)!; the sums of log k! are exact to a few ulps.
  local function logc(n)
    local s, f = 0, 0
    for i = 1, n - 1 do f = f + math.log(i); s = s + f end
    return s
  end
  for _, case in ipairs({{n = 4, cond = 1.6e4}, {n = 6, cond = 1.5e7}, {n = 8, cond = 1.6e10}}) do
    local n, H = case.n, {}
    for i = 1, n do H[i] = {} for j = 1, n do H[i][j] = 1 / (i + j - 1) end end
    local s, l = linalg.slogdet(array(H))
    local exact = 4 * logc(n) - logc(2 * n)
    T.eq(s, 1, "sign")
    T.ok(math.abs(l - exact) <= math.max(1e-13, n * case.cond * EPS),
         string.format("n = %d: %.15g vs %.15g", n, l, exact))
  end
end)

for _, c in ipairs(F.square) do
  local n = #c.A
  local A = array(c.A)
  local nA = fro(c.A)
  local well = c.cond < 1e8
  local tol = 20 * n * EPS

  T.test(c.name .. ": solve has a small backward error and matches NumPy", function()
    for _, rhs in ipairs({{c.b, c.x}, {c.B, c.X}}) do
      local x = linalg.solve(A, rhs[1])
      local r = diff(mm(A, x), rhs[1])
      T.ok(fro(r) <= tol * (nA * fro(x) + fro(rhs[1])), "residual |Ax - b|")
      if well then close(x, rhs[2], 10 * n * c.cond * EPS * fro(rhs[2]), "x vs NumPy") end
    end
  end)

  T.test(c.name .. ": inv, det and slogdet", function()
    local X = linalg.inv(A)
    close(mm(A, X), eye(n), tol * nA * fro(X), "A inv(A) - I")
    if well then close(X, c.inv, 10 * n * c.cond * EPS * fro(c.inv), "inv vs NumPy") end
    -- LU is backward stable, so det carries a relative error of up to about
    -- n cond(A) eps: two correct LAPACKs (ours and NumPy's) may differ by that
    -- much on the Hilbert matrices, so that is the tolerance there.
    local rel = math.max(1e-9, n * c.cond * EPS)
    local s, l = linalg.slogdet(A)
    T.eq(s, c.sign, "sign")
    T.ok(math.abs(l - c.logabs) <= rel * math.max(1, math.abs(c.logabs)), "logabs")
    local d = linalg.det(A)
    T.ok(math.abs(d - c.det) <= rel * math.abs(c.det), "det " .. d .. " vs " .. c.det)
  end)

  T.test(c.name .. ": cholesky reconstructs and matches NumPy", function()
    local L = linalg.cholesky(c.spd)
    local Lt = tab(L)
    for i = 1, n do for j = i + 1, n do T.eq(Lt[i][j], 0, "upper part is zero") end end
    close(mm(L, transpose(L)), c.spd, tol * fro(c.spd), "L L^T - A")
    close(L, c.chol, tol * fro(c.chol) * 10, "L vs NumPy")
  end)

  T.test(c.name .. ": eigh gives ascending eigenvalues and orthonormal vectors", function()
    local w, V = linalg.eigh(c.sym)
    local nS = fro(c.sym)
    close(w, c.eigh_w, tol * nS, "eigenvalues vs NumPy")
    local wt = tab(w)
    for i = 2, n do T.ok(wt[i - 1] <= wt[i], "ascending") end
    close(mm(c.sym, V), scale_cols(V, w), tol * nS, "A V - V diag(w)")
    close(mm(transpose(V), V), eye(n), tol, "V^T V - I")
    close(linalg.eigh(c.sym, false), c.eigh_w, tol * nS, "values only")
  end)

  T.test(c.name .. ": eig of a general matrix", function()
    local wr, wi, Vr, Vi = linalg.eig(A)
    -- sort like the fixture: by real part, then imaginary part
    local ev = {}
    for i, r in ipairs(tab(wr)) do ev[i] = {r, tab(wi)[i]} end
    table.sort(ev, function(p, q) if p[1] ~= q[1] then return p[1] < q[1] end return p[2] < q[2] end)
    local re, im = {}, {}
    for i, p in ipairs(ev) do re[i], im[i] = p[1], p[2] end
    local etol = (well and 1e-9 or 1e-6) * math.max(1, nA)
    close(re, c.eig_re, etol, "real parts")
    close(im, c.eig_im, etol, "imaginary parts")
    -- A (Vr + i Vi) = (Vr + i Vi) diag(wr + i wi)
    local AVr, AVi = mm(A, Vr), mm(A, Vi)
    local rr = diff(scale_cols(Vr, wr), scale_cols(Vi, wi))
    local vi_w = tab(scale_cols(Vi, wr))
    local vr_wi = tab(scale_cols(Vr, wi))
    local im_part = {}
    for i = 1, n do im_part[i] = {} for j = 1, n do im_part[i][j] = vr_wi[i][j] + vi_w[i][j] end end
    close(AVr, rr, tol * nA * n, "real part of A V - V L")
    close(AVi, im_part, tol * nA * n, "imaginary part of A V - V L")
  end)

  T.test(c.name .. ": svd reconstructs, is orthogonal and matches NumPy's values", function()
    local U, S, Vt = linalg.svd(A)
    close(S, c.S, tol * c.S[1], "singular values")
    close(mm(scale_cols(U, S), Vt), c.A, tol * nA, "U S Vt - A")
    close(mm(transpose(U), U), eye(n), tol, "U^T U - I")
    close(mm(Vt, transpose(Vt)), eye(n), tol, "Vt Vt^T - I")
    close(linalg.svd(A, {uv = false}), c.S, tol * c.S[1], "values only")
  end)

  T.test(c.name .. ": qr reconstructs with orthonormal Q and upper R", function()
    local Q, R = linalg.qr(A)
    close(mm(Q, R), c.A, tol * nA, "Q R - A")
    close(mm(transpose(Q), Q), eye(n), tol, "Q^T Q - I")
    local Rt = tab(R)
    for i = 1, n do for j = 1, i - 1 do T.eq(Rt[i][j], 0, "lower part of R") end end
    if well then close(R, c.R, 10 * n * c.cond * EPS * nA, "R vs NumPy (same signs)") end
    close(linalg.qr(A, "r"), R, 0, "mode r")
  end)

  T.test(c.name .. ": pinv, norms, cond and matrix_rank", function()
    local P = linalg.pinv(A)
    if well then close(P, c.pinv, 10 * n * c.cond * EPS * fro(c.pinv), "pinv vs NumPy") end
    if well then close(mm(mm(A, P), A), c.A, 1e-10 * nA, "A P A - A") end
    local N = c.norms
    local function rel(got, want, what)
      T.ok(math.abs(got - want) <= 1e-12 * math.abs(want), what .. ": " .. got .. " vs " .. want)
    end
    rel(linalg.norm(A), N.fro, "fro (default)")
    rel(linalg.norm(A, "fro"), N.fro, "fro")
    rel(linalg.norm(A, "nuc"), N.nuc, "nuc")
    rel(linalg.norm(A, 1), N.one, "1")
    rel(linalg.norm(A, -1), N.mone, "-1")
    rel(linalg.norm(A, 2), N.two, "2")
    if well then rel(linalg.norm(A, -2), N.mtwo, "-2") end
    rel(linalg.norm(A, math.huge), N.inf, "inf")
    rel(linalg.norm(A, -math.huge), N.minf, "-inf")
    if well then
      T.ok(math.abs(linalg.cond(A) - c.cond) <= 1e-8 * c.cond, "cond")
      T.ok(math.abs(linalg.cond(A, 1) - c.cond1) <= 1e-8 * c.cond1, "cond 1")
    end
    T.eq(linalg.matrix_rank(A), c.rank, "rank")
  end)

  if #c.expm > 0 then
    T.test(c.name .. ": expm matches SciPy at every scale", function()
      for _, e in ipairs(c.expm) do
        local E = linalg.expm(e.A)
        close(E, e.E, 1e-12 * math.max(1, fro(e.E)) * n, "expm at |A|_1 = " .. linalg.norm(e.A, 1))
      end
    end)
  end
end

for _, c in ipairs(F.rect) do
  local A = array(c.A)
  local m, n = #c.A, #c.A[1]
  local k = math.min(m, n)
  local nA = fro(c.A)
  local tol = 20 * math.max(m, n) * EPS

  T.test(c.name .. ": lstsq matches NumPy (solution, residuals, rank, singular values)", function()
    local x, res, rank, s = linalg.lstsq(A, c.b)
    T.eq(rank, c.lstsq_rank, "rank")
    close(s, c.lstsq_s, tol * c.lstsq_s[1], "singular values")
    T.eq(res.size, #c.lstsq_res, "residuals present only for full column rank, m > n")
    if res.size > 0 then close(res, c.lstsq_res, 1e-10 * (c.lstsq_res[1] + 1), "residuals") end
    close(x, c.lstsq_x, 1e-8 * fro(c.lstsq_x), "x")
    local X, RES = linalg.lstsq(A, c.B)
    close(X, c.lstsq_X, 1e-8 * fro(c.lstsq_X), "X (several right-hand sides)")
    if RES.size > 0 then close(RES, c.lstsq_RES, 1e-10 * fro(c.lstsq_RES), "residuals of X") end
  end)

  T.test(c.name .. ": qr (reduced and complete) and svd (full and economy)", function()
    local Q, R = linalg.qr(A)
    T.eq(Q.shape, {m, k}); T.eq(R.shape, {k, n})
    close(mm(Q, R), c.A, tol * nA, "reduced Q R - A")
    close(mm(transpose(Q), Q), eye(k), tol, "reduced Q^T Q")
    local Qc, Rc = linalg.qr(A, "complete")
    T.eq(Qc.shape, {m, m}); T.eq(Rc.shape, {m, n})
    close(mm(Qc, Rc), c.A, tol * nA, "complete Q R - A")
    close(mm(transpose(Qc), Qc), eye(m), tol, "complete Q^T Q")
    local U, S, Vt = linalg.svd(A)
    T.eq(U.shape, {m, m}); T.eq(Vt.shape, {n, n})
    close(S, c.S, tol * c.S[1], "singular values")
    local Ue, Se, Vte = linalg.svd(A, {full = false})
    T.eq(Ue.shape, {m, k}); T.eq(Vte.shape, {k, n})
    close(mm(scale_cols(Ue, Se), Vte), c.A, tol * nA, "economy U S Vt - A")
  end)

  T.test(c.name .. ": pinv satisfies the Penrose conditions and matches NumPy", function()
    local P = linalg.pinv(A)
    T.eq(P.shape, {n, m})
    close(P, c.pinv, 1e-8 * fro(c.pinv), "pinv vs NumPy")
    close(mm(mm(A, P), A), c.A, 1e-10 * nA, "A P A = A")
    close(mm(mm(P, A), P), P, 1e-10 * fro(P), "P A P = P")
    T.eq(linalg.matrix_rank(A), c.rank, "rank")
    T.ok(math.abs(linalg.norm(A, "nuc") - c.norms.nuc) <= 1e-12 * c.norms.nuc, "nuclear norm")
  end)
end

T.test("expm closed forms: zero, diagonal, nilpotent, rotation", function()
  close(linalg.expm(array.zeros({3, 3})), eye(3), 0, "e^0 = I")
  close(linalg.expm({{1, 0}, {0, -2}}), {{math.exp(1), 0}, {0, math.exp(-2)}}, 4 * EPS * math.exp(1), "diagonal")
  close(linalg.expm({{0, 1}, {0, 0}}), {{1, 1}, {0, 1}}, 4 * EPS, "nilpotent")
  for _, t in ipairs({0.1, 1, 3, 30}) do
    local E = linalg.expm({{0, t}, {-t, 0}})
    close(E, {{math.cos(t), math.sin(t)}, {-math.sin(t), math.cos(t)}}, 1e-13 * t, "rotation by " .. t)
  end
  -- a Markov generator: rows of e^(Qt) are probability vectors
  local E = tab(linalg.expm({{-0.3, 0.2, 0.1}, {0.05, -0.05, 0}, {0.5, 0.5, -1}}))
  for i = 1, 3 do T.ok(math.abs(E[i][1] + E[i][2] + E[i][3] - 1) <= 1e-14, "row sums") end
end)

T.test("inputs are never modified", function()
  local A = array{{4, 1}, {1, 3}}
  local before = A:totable()
  linalg.solve(A, {1, 2}); linalg.inv(A); linalg.det(A); linalg.cholesky(A)
  linalg.qr(A); linalg.svd(A); linalg.eigh(A); linalg.eig(A); linalg.lstsq(A, {1, 2})
  linalg.pinv(A); linalg.expm(A); linalg.norm(A, 2)
  T.eq(A:totable(), before)
end)

T.test("results are float64 for integer input, float32 for float32 input", function()
  T.eq(linalg.inv({{2, 0}, {0, 4}}).dtype, "float64")
  T.eq(linalg.inv({{2, 0}, {0, 4}}):totable(), {{0.5, 0}, {0, 0.25}})
  local f = array({{2, 0}, {0, 4}}, "float32")
  T.eq(linalg.inv(f).dtype, "float32")
  T.eq(linalg.eigh(f).dtype, "float32")
  T.eq(linalg.solve(f, array({2, 4}, "float32")).dtype, "float32")
end)

T.test("empty matrices behave like NumPy's", function()
  local E = array.zeros({0, 0})
  T.eq(linalg.det(E), 1.0)
  local s, l = linalg.slogdet(E)
  T.eq({s, l}, {1, 0})
  T.eq(linalg.inv(E).shape, {0, 0})
  T.eq(linalg.solve(E, array.zeros(0)).shape, {0})
  T.eq(linalg.svd(array.zeros({0, 3}), {uv = false}).shape, {0})
  T.eq(linalg.eigh(E).shape, {0})
  T.eq(linalg.norm(E), 0)
end)

T.test("bad input gives clear errors", function()
  T.raises(function() linalg.inv({{1, 2, 3}, {4, 5, 6}}) end, "linalg.inv", "square", "(2, 3)")
  T.raises(function() linalg.det({1, 2}) end, "linalg.det", "2-D", "(2,)")
  T.raises(function() linalg.solve({{1, 0}, {0, 1}}, {1, 2, 3}) end, "linalg.solve", "(2, 2)", "(3,)")
  T.raises(function() linalg.matmul({{1, 2}}, {{1, 2}}) end, "linalg.matmul", "(1, 2)", "do not align")
  T.raises(function() array{{1, 2}}:dot({{1, 2}}) end, "array:dot", "do not align")
  T.raises(function() linalg.matmul(array.zeros({2, 2, 3}), array.zeros({3, 3, 2})) end, "broadcast")
  T.raises(function() linalg.matmul(array{1}, 2) end, "at least one axis")
  T.raises(function() linalg.solve({{1, 2}, {2, 4}}, {1, 1}) end, "linalg.solve", "singular", "pivot 2")
  T.raises(function() linalg.inv({{0, 0}, {0, 0}}) end, "linalg.inv", "singular", "pivot 1")
  T.raises(function() linalg.cholesky({{1, 2}, {2, 1}}) end, "linalg.cholesky", "not positive definite", "order 2")
  for _, f in ipairs({"inv", "det", "cholesky", "eigh", "eig", "svd", "qr", "pinv", "expm"}) do
    T.raises(function() linalg[f]({{1, 0 / 0}, {0, 1}}) end, "linalg." .. f, "NaN or infinity")
    T.raises(function() linalg[f]({{1, 1 / 0}, {0, 1}}) end, "NaN or infinity")
  end
  T.raises(function() linalg.lstsq({{1, 0}, {0, 1}}, {0 / 0, 1}) end, "NaN or infinity")
  T.raises(function() linalg.norm({{1, 2}, {3, 4}}, 3) end, "invalid matrix norm order 3")
  T.raises(function() linalg.qr({{1}}, "bogus") end, "linalg.qr", "\"reduced\"", "bogus")
  T.raises(function() linalg.norm({{1, 2}, {3, 4}}, "bogus") end, "linalg.norm", "\"nuc\"", "bogus")
  T.raises(function() linalg.set_num_threads(0) end, "thread count")
  T.raises(function() linalg.matmul({1, "x"}, {1, 2}) end, "linalg.matmul")
end)

T.test("singular matrices: cond is infinite, rank is deficient, slogdet gives sign 0", function()
  local S = {{1, 2}, {2, 4}}
  local s, l = linalg.slogdet(S)
  T.eq(s, 0); T.eq(l, -math.huge)
  T.eq(linalg.det(S), 0)
  T.eq(linalg.matrix_rank(S), 1)
  T.ok(linalg.cond(S) > 1e15, "cond of a singular matrix")
  T.eq(linalg.cond(S, 1), math.huge)
end)

T.test("set_num_threads changes OpenBLAS's thread count", function()
  local n = linalg.get_num_threads()
  linalg.set_num_threads(1)
  T.eq(linalg.get_num_threads(), 1)
  linalg.set_num_threads(n)
  T.eq(linalg.get_num_threads(), n)
end)


T.test("unknown options are rejected, naming the function and the key", function()
  T.raises(function() linalg.svd({{1, 2}, {3, 4}}, {ful = false}) end,
           "linalg.svd", "unknown option 'ful'")
  T.raises(function() linalg.svd({{1, 2}, {3, 4}}, {full = 1}) end, "linalg.svd", "full")
  T.raises(function() linalg.svd({{1, 2}, {3, 4}}, 5) end, "linalg.svd", "options")
end)

-- issue 14: the offset was negated, which overflows for math.mininteger
T.test("trace with offsets at and past the edges of the matrix", function()
  local b = array.eye(3):astype("bool")
  T.eq(linalg.trace(b, math.mininteger), 0)
  T.eq(linalg.trace(b, math.maxinteger), 0)
  T.eq(linalg.trace(array.eye(3), math.mininteger), 0.0)
  T.eq(linalg.trace(array.eye(3), math.maxinteger), 0.0)
  T.eq(linalg.trace(array.eye(3), -3), 0.0)
  T.eq(linalg.trace(array.eye(3), 3), 0.0)
  local a = array.new{{1, 2, 3}, {4, 5, 6}}
  T.eq(linalg.trace(a, -1), 4)
  T.eq(linalg.trace(a, 2), 3)
  T.eq(linalg.trace(a, -2), 0)
  T.eq(linalg.trace(a), 6)
end)

-- What users see when OpenBLAS cannot be loaded: the loader's reason,
-- behind the name of the function that needed it.
T.test("a library that cannot be loaded is named in the error", function()
  local code = [[
    for _, f in ipairs{
      function() linalg.solve({{2, 0}, {0, 2}}, {1, 1}) end,
      function() linalg.det({{2, 0}, {0, 2}}) end,
      function() linalg.cholesky({{2, 0}, {0, 2}}) end,
      function() linalg.svd({{2, 0}, {0, 2}}) end,
      function() linalg.set_num_threads(1) end,
    } do
      local ok, err = pcall(f)
      print(ok, err)
    end
    print(linalg.trace({{2, 0}, {0, 2}}))
  ]]
  local out, err, rc = T.run("GIBBS_BLAS_LIBRARY=/nonexistent/libopenblas.so.0 " .. T.gibbs .. " -", code)
  T.eq(rc, 0, "exit status (stderr: " .. err .. ")")
  local lines = {}
  for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
  T.eq(#lines, 6, "output lines: " .. out)
  local names = {"linalg.solve", "linalg.det", "linalg.cholesky", "linalg.svd", "linalg.set_num_threads"}
  for i, name in ipairs(names) do
    T.ok(lines[i]:find("false\t" .. name .. ": cannot load OpenBLAS: ", 1, true), lines[i])
    T.ok(lines[i]:find("/nonexistent/libopenblas.so.0", 1, true), lines[i])
  end
  T.eq(lines[6], "4")
end)
