-- A tour of gibbs: run with `make demo` or `build/gibbs scripts/tour.lua`.
-- It grows with every module.
local function section(title)
  print(("\n== %s "):format(title) .. ("="):rep(60 - #title))
end

section("The interpreter")
print("gibbs runs Lua 5.4 (" .. _VERSION .. ") with native modules preloaded.")
print("help() lists them; help(f) explains a function.")

section("time: clocks")
local best, mean, calls = time.it(function() local s = 0; for i = 1, 1000 do s = s + i end end)
print(("a 1000-step Lua loop takes %.2f us (best of %d calls)"):format(best * 1e6, calls))

section("array: NumPy-style arrays, 1-based")
local a = array.range(1, 12):reshape(3, 4)
print(a)
print("a[{2, {2, -1}}] =", a[{2, {2, -1}}])
print("column sums:", a:sum(1))
local x = array.linspace(0, math.pi, 5)
print("sin over [0, pi]:", x:sin())

section("linalg: OpenBLAS and LAPACK")
local A = array{{4, 1}, {1, 3}}
local w, V = linalg.eigh(A)
print("eigenvalues of", A, "are", w)
print("solve A x = {1, 2}:", linalg.solve(A, {1, 2}))

section("rng: reproducible streams")
local g = rng.new(42)
local z = g:standard_normal(100000)
print(("100000 normal draws: mean %.4f, std %.4f"):format(z:mean(), z:std()))

section("special and stats: functions and distributions")
print("gammaln(0.5) =", special.gammaln(0.5), " erfinv(0.999) =", special.erfinv(0.999))
local t = stats.t(10)
print(("Student t(10): 97.5%% quantile %.6f, P(T > 3) = %.3g"):format(t:ppf(0.975), t:sf(3)))
local D, p = stats.ks_test(z, stats.normal())
print(("those normal draws against N(0, 1): KS D = %.4f, p = %.3f"):format(D, p))

section("entropy: information in data")
local x1 = g:standard_normal(20000)
local y1 = 0.6 * x1 + 0.8 * g:standard_normal(20000)
print(("KSG mutual information %.4f nats (exact %.4f)"):format(entropy.ksg(x1, y1),
      -0.5 * math.log(1 - 0.36)))
print(("entropy of N(0,1) from 20000 draws %.4f (exact %.4f)"):format(entropy.knn(x1),
      0.5 * math.log(2 * math.pi * math.exp(1))))
print(("permutation entropy of white noise, normalised: %.4f"):format(
      entropy.permutation(z, {order = 4, normalize = true})))

section("plot: pictures in the terminal")
plot.scatter(x1, y1, {width = 40, height = 10, title = "the KSG pair above"})
plot.hist(z, {bins = 8, width = 30})

section("sample: decoding schemes on logits")
local logits = array{2.0, 1.0, 0.5, -1.0, -3.0}
print("softmax:", sample.softmax(logits))
print("top-p 0.8 keeps:", sample.top_p(logits, 0.8))
local chain = sample.chain{{"top_k", 3}, {"temperature", 0.7}, seed = 1}
local counts = {0, 0, 0, 0, 0}
for _ = 1, 10000 do local t = chain:sample(logits); counts[t] = counts[t] + 1 end
print("10000 draws from top-k 3 at T = 0.7:", table.concat(counts, " "))

section("files NumPy reads")
local path = os.getenv("TMPDIR") or "/tmp"
path = path .. "/gibbs_tour.npy"
array.save(path, a)
print("saved and loaded back:", array.load(path):sum() == a:sum())
os.remove(path)
print("\nhelp() lists the modules; help(array.zeros) explains one function.")
