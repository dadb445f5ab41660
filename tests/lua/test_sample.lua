-- The sample module: exact filtered distributions, goodness of fit of the
-- draws (Pearson chi-square at fixed seeds), tail precision, Mirostat's
-- control of the surprise, chains, batches and bad input.
local T = require "testing"
local F = dofile("tests/fixtures/sample.lua")

local S = dofile("tests/lua/stats_check.lua")
local chi2_sf, pearson = S.chi2_sf, S.pearson

-- Naive references in double: probabilities and filters by sorting ---------------
local function softmax(l, temp)
  temp = temp or 1
  local m = -math.huge
  for _, v in ipairs(l) do if v / temp > m then m = v / temp end end
  local p, s = {}, 0
  for i, v in ipairs(l) do p[i] = math.exp(v / temp - m); s = s + p[i] end
  for i in ipairs(p) do p[i] = p[i] / s end
  return p
end

local function order_by(p, key)     -- indices by key descending, then index
  local idx = {}
  for i in ipairs(p) do idx[i] = i end
  table.sort(idx, function(a, b)
    if key[a] ~= key[b] then return key[a] > key[b] end
    return a < b
  end)
  return idx
end

local function renormalise(p, keep)
  local q, s = {}, 0
  for i in pairs(keep) do s = s + p[i] end
  for i in pairs(keep) do q[i] = p[i] / s end
  return q
end

local naive = {}
function naive.top_k(p, k)
  local keep = {}
  for r, i in ipairs(order_by(p, p)) do if r <= k then keep[i] = true end end
  return keep
end
function naive.top_p(p, top)
  local keep, acc = {}, 0
  for _, i in ipairs(order_by(p, p)) do
    keep[i] = true
    acc = acc + p[i]
    if acc >= top then break end
  end
  return keep
end
function naive.min_p(p, mp)
  local keep, pmax = {}, 0
  for _, v in ipairs(p) do pmax = math.max(pmax, v) end
  for i, v in ipairs(p) do if v >= mp * pmax then keep[i] = true end end
  return keep
end
function naive.typical(p, top)
  local H = 0
  for _, v in ipairs(p) do if v > 0 then H = H - v * math.log(v) end end
  local key = {}
  for i, v in ipairs(p) do key[i] = -math.abs(-math.log(v) - H) end
  local keep, acc = {}, 0
  for _, i in ipairs(order_by(p, key)) do
    keep[i] = true
    acc = acc + p[i]
    if acc >= top then break end
  end
  return keep
end

-- V = 1000 Zipf-like logits -1.2 ln(i) in a fixed shuffled order.
local V = 1000
local zipf = {}
do
  local perm, state = {}, 12345
  for i = 1, V do perm[i] = i end
  for i = V, 2, -1 do                      -- Fisher-Yates with a fixed LCG
    state = (state * 1103515245 + 12345) % 2147483648
    local j = state % i + 1
    perm[i], perm[j] = perm[j], perm[i]
  end
  for i = 1, V do zipf[perm[i]] = -1.2 * math.log(i) end
end

local function count(draws)
  local c = {}
  for i = 1, draws.size do local t = draws:get(i); c[t] = (c[t] or 0) + 1 end
  return c
end

-- Tests ------------------------------------------------------------------------------

T.test("the chi-square survival function used here matches SciPy", function()
  for _, c in ipairs(F.chi2) do
    T.near(chi2_sf(c.x, c.df), c.sf, 1e-9, 1e-15, "df " .. c.df)
  end
end)

T.test("softmax, log_softmax and entropy match NumPy", function()
  local s = F.small
  T.near(sample.softmax(s.logits):totable(), s.softmax, 4e-15)
  T.near(sample.log_softmax(s.logits):totable(), s.log_softmax, 1e-14)
  T.near(sample.softmax(s.logits, 0.5):totable(), s.softmax_T05, 4e-15)
  T.near(sample.entropy(s.logits), s.entropy, 1e-15)
  T.near(sample.entropy(s.logits, 2), s.entropy / math.log(2), 1e-15)
  T.near(sample.entropy(array.zeros(64)), math.log(64), 1e-15)
  T.near(sample.surprise(s.logits, 4), -math.log(s.softmax[4], 2), 1e-14)
  T.near(sample.perplexity({math.log(0.5), math.log(0.25)}), math.sqrt(8), 1e-15)
  T.near(sample.perplexity({-1, -2}, 2), 2 ^ 1.5, 1e-15)
end)

T.test("exact filtered distributions on {0.1, 0.2, 0.3, 0.4}", function()
  local l = array{0.1, 0.2, 0.3, 0.4}:log()
  local function probs(f) return sample.softmax(f):totable() end
  T.near(probs(sample.top_k(l, 3)), {0, 2 / 9, 3 / 9, 4 / 9}, 1e-15)
  T.near(probs(sample.top_p(l, 0.7)), {0, 0, 3 / 7, 4 / 7}, 1e-15)
  local kept3, kept1 = 0, 0
  for _, v in ipairs(sample.min_p(l, 0.26):totable()) do if v > -math.huge then kept3 = kept3 + 1 end end
  for _, v in ipairs(sample.min_p(l, 0.76):totable()) do if v > -math.huge then kept1 = kept1 + 1 end end
  T.eq({kept3, kept1}, {3, 1})
  -- filters return the kept logits unchanged and -inf elsewhere
  local t = sample.top_k(l, 2):totable()
  T.eq({t[1], t[2]}, {-math.huge, -math.huge})
  T.eq(t[4], math.log(0.4))
end)

T.test("edge cases of the filters behave as documented", function()
  local l = {1, 3, 2, 3, 0}
  T.eq(sample.top_k(l, 0):totable(), l, "k <= 0 keeps all")
  T.eq(sample.top_k(l, 99):totable(), l, "k >= V keeps all")
  local ties = sample.top_k(l, 1):totable()
  T.eq({ties[2], ties[4]}, {3, 3}, "every token tied with the k-th value is kept")
  T.eq(ties[3], -math.huge)
  T.eq(sample.top_p(l, 1):totable(), l, "p >= 1 keeps all")
  local p0 = sample.top_p(l, 0):totable()
  T.eq({p0[2], p0[4], p0[3]}, {3, 3, -math.huge}, "p <= 0 keeps the most probable")
  local mk = sample.top_k(l, 1, 10):totable()
  T.eq(mk, l, "min_keep > V keeps all")
  T.eq(sample.top_p(l, 0.1, 10):totable(), l, "top_p: min_keep > V keeps all")
  T.eq(sample.typical(l, 0.1, 10):totable(), l, "typical: min_keep > V keeps all")
  -- min_keep counts the finite candidates: -inf ones are never brought back
  T.eq(sample.top_p({0, 1, -1 / 0, -1 / 0}, 0.1, 3):totable(), {0, 1, -math.huge, -math.huge})
  local big = rng.new(8):standard_normal(5000) * 3
  local kept = 0
  for _, v in ipairs(sample.top_p(big, 0.1, 6000):totable()) do if v > -math.huge then kept = kept + 1 end end
  T.eq(kept, 5000, "the bucketed path too")
  local g = sample.temperature(l, 0):totable()
  T.eq(g, {-math.huge, 3, -math.huge, -math.huge, -math.huge}, "T <= 0 is greedy (the lowest id on ties)")
  T.eq(sample.temperature(l, 2):totable(), {0.5, 1.5, 1, 1.5, 0})
  T.eq(sample.greedy(l), 2)
  T.eq(sample.greedy(array({{0, 1}, {5, 1}})):totable(), {2, 1})
end)

T.test("every logit -inf or any NaN or +inf is an error, never a silent pick", function()
  for _, f in ipairs({"greedy", "categorical", "softmax", "entropy"}) do
    T.raises(function() sample[f]({-1 / 0, -1 / 0}) end, "sample." .. f, "every logit is -inf")
    T.raises(function() sample[f]({0, 0 / 0, 1}) end, "logit 2 is NaN or +inf")
    T.raises(function() sample[f]({0, 1 / 0}) end, "logit 2 is NaN or +inf")
  end
  T.raises(function() sample.top_k({{0, 1}, {-1 / 0, -1 / 0}}, 1) end, "row 2")
  T.raises(function() sample.chain{{"top_k", 2}, seed = 1}:sample({0 / 0}) end, "sample", "NaN")
  T.raises(function() sample.softmax({}) end, "vocabulary is empty")
  T.raises(function() sample.softmax(array.zeros({2, 2, 2})) end, "1-D", "(2, 2, 2)")
  T.raises(function() sample.chain{{"bogus", 1}} end, "unknown sampler bogus")
  T.raises(function() sample.chain{{"top_k", 1}, seed = -1} end, "seed")
  T.raises(function() sample.mirostat{tau = -1} end, "tau must be > 0")
  T.raises(function() sample.mirostat{surprise = "both"} end, "surprise must be")
  T.raises(function() sample.epsilon({1, 2}, 1.5) end, "epsilon must be in [0, 1)")
  T.raises(function() sample.surprise({1, 2}, 3) end, "token 3 out of range")
  T.raises(function() sample.categorical({1, 2}, {}) end, "generator")
  T.raises(function() sample.perplexity({0.5}) end, "<= 0")
end)

local function check_fit(name, filtered_logits, q, n, seed)
  local draws = sample.categorical(filtered_logits, rng.new(seed), n)
  local c = count(draws)
  for t in pairs(c) do
    if not q[t] then error(name .. ": drew excluded token " .. t) end
  end
  local p, stat, cells = pearson(c, q, n)
  if not (p > 1e-4) then
    error(string.format("%s: chi-square %.1f on %d cells, p = %.3g", name, stat, cells - 1, p))
  end
end

T.test("10^6 draws after each filter fit the renormalised truncated softmax", function()
  local p = softmax(zipf)
  local N = 1000000
  check_fit("top-k 50", sample.top_k(zipf, 50), renormalise(p, naive.top_k(p, 50)), N, 1)
  check_fit("top-p 0.9", sample.top_p(zipf, 0.9), renormalise(p, naive.top_p(p, 0.9)), N, 2)
  check_fit("min-p 0.05", sample.min_p(zipf, 0.05), renormalise(p, naive.min_p(p, 0.05)), N, 3)
  check_fit("typical 0.9", sample.typical(zipf, 0.9), renormalise(p, naive.typical(p, 0.9)), N, 4)
  local pt = softmax(zipf, 0.7)
  check_fit("temperature 0.7 then top-p 0.9", sample.top_p(sample.temperature(zipf, 0.7), 0.9),
            renormalise(pt, naive.top_p(pt, 0.9)), N, 5)
end)

T.test("a chain's own draws fit the same reference (10^5 draws)", function()
  local s = sample.chain{{"temperature", 0.7}, {"top_p", 0.9}, seed = 11}
  local pt = softmax(zipf, 0.7)
  local q = renormalise(pt, naive.top_p(pt, 0.9))
  local c, n = {}, 100000
  local l = array(zipf)
  for _ = 1, n do local t = s:sample(l); c[t] = (c[t] or 0) + 1 end
  for t in pairs(c) do T.ok(q[t], "excluded token " .. t .. " drawn") end
  local pv = pearson(c, q, n)
  T.ok(pv > 1e-4, "p-value " .. pv)
end)

T.test("the order of a chain matters: temperature first or last", function()
  -- top-p 0.6 then T = 3 keeps fewer tokens than T = 3 then top-p 0.6
  local l = array(zipf)
  local a = sample.chain{{"top_p", 0.6}, {"temperature", 3}, seed = 1}
  local b = sample.chain{{"temperature", 3}, {"top_p", 0.6}, seed = 1}
  a:sample(l); b:sample(l)
  local p = softmax(zipf)
  local kept_a = 0
  for _ in pairs(naive.top_p(p, 0.6)) do kept_a = kept_a + 1 end
  local kept_b = 0
  for _ in pairs(naive.top_p(softmax(zipf, 3), 0.6)) do kept_b = kept_b + 1 end
  T.eq(a.kept, kept_a)
  T.eq(b.kept, kept_b)
  T.ok(kept_b > kept_a, "temperature first widens the top-p set")
  T.eq(tostring(sample.chain{preset = "llama.cpp"}), "sample.chain{top_k, typical, top_p, min_p, temperature}")
  T.eq(tostring(sample.chain{preset = "huggingface"}),
       "sample.chain{temperature, top_k, top_p, min_p, typical, epsilon, eta}")
end)

T.test("tail precision: a 1% tail spread over 2^18 tokens is drawn at its rate", function()
  local V2 = 2 ^ 18
  local l = array.zeros(V2)
  l:set(1, math.log(0.99 * (V2 - 1) / 0.01))   -- p1 = 0.99, the rest share 0.01
  local n = 200000
  local d = sample.categorical(l, rng.new(7), n)
  local tail, quart = 0, {0, 0, 0, 0}
  for i = 1, n do
    local t = d:get(i)
    if t > 1 then
      tail = tail + 1
      local qi = math.min(4, (t - 2) * 4 // (V2 - 1) + 1)
      quart[qi] = quart[qi] + 1
    end
  end
  T.ok(math.abs(tail / n - 0.01) <= 0.0006, "tail rate " .. tail / n)
  local pv = pearson(quart, {0.25, 0.25, 0.25, 0.25}, tail)
  T.ok(pv > 1e-4, "quartiles of the tail, p = " .. pv)
  -- the single-draw path (a running double sum) on a smaller vocabulary, in float32
  local V3 = 2 ^ 14
  local l3 = array.zeros({20000, V3}, "float32")
  for r = 1, 20000 do l3:set(r, 1, math.log(0.99 * (V3 - 1) / 0.01)) end
  local d3 = sample.categorical(l3, rng.new(8))
  local tail3 = 0
  for i = 1, d3.size do if d3:get(i) > 1 then tail3 = tail3 + 1 end end
  T.ok(math.abs(tail3 / d3.size - 0.01) <= 0.0028, "single-draw tail rate " .. tail3 / d3.size)
end)

T.test("Mirostat: the Zipf estimate and k, including s = 1 and uniform logits", function()
  local N = 50000
  local z = {}
  for i = 1, N do z[i] = -1.1 * math.log(i) end
  T.near(sample.zipf_exponent(z), 1.1, 1e-5)
  T.eq(sample.zipf_exponent(array.zeros(1000)), 0)
  -- k = (eps 2^mu / (1 - N^-eps))^(1/s); at s = 1 the limit 2^mu / ln N
  T.eq(sample.mirostat_k(1, 10, N), math.floor(2 ^ 10 / math.log(N)))
  local eps = 0.1
  T.eq(sample.mirostat_k(1.1, 10, N), math.floor((eps * 2 ^ 10 / (1 - N ^ -eps)) ^ (1 / 1.1)))
  T.eq(sample.mirostat_k(0, 10, N), N, "uniform: every token")
  T.eq(sample.mirostat_k(1.1, 1000, N), N, "huge mu: capped at N")
  T.eq(sample.mirostat_k(1.1, -50, N), 1, "at least one")
end)

T.test("Mirostat v1 and v2 hold the mean surprise at tau = 5 on Zipf(1.1), V = 50,000", function()
  local N = 50000
  local z = {}
  for i = 1, N do z[i] = -1.1 * math.log(i) end
  local l = array(z)
  for _, make in ipairs({sample.mirostat, sample.mirostat_v2}) do
    local m = make{tau = 5, eta = 0.1, seed = 3}
    T.eq(m.mu, 10, "mu starts at 2 tau")
    local lo, hi = math.huge, -math.huge
    for step = 1, 21000 do
      m:sample(l)
      if step > 1000 then lo, hi = math.min(lo, m.mu), math.max(hi, m.mu) end
    end
    local s = m.surprises
    T.eq(s.size, 21000)
    local sum = 0
    for i = 1001, 21000 do sum = sum + s:get(i) end
    T.ok(math.abs(sum / 20000 - 5) <= 0.05, "mean surprise " .. sum / 20000)
    T.ok(lo > 0 and hi < 20, "mu stays bounded: " .. lo .. " .. " .. hi)
  end
end)

T.test("clones keep their state; reset forgets it", function()
  local l = array(zipf)
  local m = sample.mirostat{tau = 4, seed = 5}
  for _ = 1, 50 do m:sample(l) end
  local c = m:clone()
  T.eq(c.mu, m.mu)
  for _ = 1, 20 do T.eq(c:sample(l), m:sample(l)) end
  T.eq(c.mu, m.mu)
  m:reset()
  T.eq(m.mu, 8)
  local s = sample.chain{{"penalties", repetition = 1.5}, {"top_k", 5}, seed = 2}
  s:accept(3)
  s:sample(l)
  T.eq(s.history.size, 2)
  T.eq(s.history:get(1), 3)
  local t = s:clone()
  T.eq(t.history:totable(), s.history:totable())
end)

T.test("batches: one token and one state per row", function()
  local rows = array{{0, 0, 50}, {50, 0, 0}, {0, 50, 0}}
  local s = sample.chain{{"top_k", 1}, seed = 1}
  T.eq(s:sample(rows):totable(), {3, 1, 2})
  T.raises(function() s:sample(array{0, 1}) end, "keeps state for 3 row(s)")
  local m = sample.mirostat_v2{tau = 3, seed = 1}
  m:sample(array.zeros({4, 100}))
  T.eq(m.mu.size, 4)
  T.eq(sample.softmax(rows).shape, {3, 3})
  T.eq(sample.entropy(rows).shape, {3})
  -- a batch of identical rows drawn from children of one generator fits
  local many = array.zeros({2000, 4})
  local d = sample.categorical(many, rng.new(4))
  local c = count(d)
  T.ok(pearson(c, {0.25, 0.25, 0.25, 0.25}, 2000) > 1e-4, "uniform rows")
end)

T.test("penalties follow CTRL's rule plus frequency and presence", function()
  local out = sample.penalties({2, -2, 1}, {1, 2, 1}, {repetition = 2, frequency = 0.25, presence = 0.5}):totable()
  T.eq(out, {2 / 2 - 2 * 0.25 - 0.5, -2 * 2 - 0.25 - 0.5, 1})
end)

T.test("simulate reports tokens, surprises, kept sizes and the perplexity", function()
  local steps = array.zeros({50, 8})
  local r = sample.simulate(sample.chain{{"top_k", 2}, seed = 1}, steps)
  T.eq(r.tokens.size, 50)
  T.eq(r.kept:totable()[1], 8, "all tied: every token kept")
  T.near(r.surprises:get(1), 3, 1e-15, 0, "uniform over 8: 3 bits")
  T.near(r.perplexity, 8, 1e-14)
end)

T.test("top-p over large vocabularies (the bucketed path) keeps exactly the sorted prefix", function()
  local g = rng.new(5)
  for trial = 1, 12 do
    local l = g:standard_normal(20000) * (trial % 5 + 0.5)
    if trial % 3 == 0 then l[{{1, 100}}] = 2.5 end       -- a block of ties
    local t = l:totable()
    local idx = {}
    for i = 1, #t do idx[i] = i end
    table.sort(idx, function(a, b) if t[a] ~= t[b] then return t[a] > t[b] end return a < b end)
    local m, w, S = l:max(), {}, 0
    for i = 1, #t do w[i] = math.exp(t[i] - m); S = S + w[i] end
    for _, p in ipairs({0.1, 0.5, 0.95, 0.999}) do
      local acc, kept = 0, {}
      for _, i in ipairs(idx) do
        kept[i] = true
        acc = acc + w[i]
        if acc >= p * S then break end
      end
      local f = sample.top_p(l, p):totable()
      for i = 1, #t do
        if (f[i] > -math.huge) ~= (kept[i] == true) then
          error(string.format("trial %d, p %g: token %d (logit %g) differs", trial, p, i, t[i]), 0)
        end
      end
    end
  end
end)

T.test("unknown options are rejected, naming the function and the key", function()
  local cases = {
    {"sample.penalties", function(o) return sample.penalties({0, 1}, {1}, o) end},
    {"sample.chain", function(o) o[1] = {"top_k", 2}; return sample.chain(o) end},
    {"sample.chain", function(o) o.preset = "llama.cpp"; return sample.chain(o) end},
    {"sample.chain", function(o) o.preset = "huggingface"; return sample.chain(o) end},
    {"sample.chain", function(o) o[1] = "penalties"; return sample.chain{o} end},
    {"sample.chain", function(o) return sample.chain{preset = "llama.cpp", penalties = o} end},
    {"sample.chain", function(o) return sample.chain{preset = "llama.cpp", xtc = o} end},
    {"sample.mirostat", function(o) return sample.mirostat(o) end},
    {"sample.mirostat_v2", function(o) return sample.mirostat_v2(o) end},
  }
  for _, c in ipairs(cases) do
    T.raises(function() c[2]({bogus = 1}) end, c[1], "unknown option 'bogus'")
  end
  -- a chain's list is its steps, its string keys options; anything else is neither
  T.raises(function() sample.chain{{"top_k", 2}, top_k = 3} end, "unknown option 'top_k'")
  T.raises(function() sample.chain{{"top_k", 2}, [5] = {"top_p", 0.5}} end, "string keys")
  T.raises(function() sample.chain{{"top_k", 2, k = 1}} end, "top_k takes positional", "k")
  T.raises(function() sample.chain{{"penalties", 1.1}} end, "named parameters")
  T.raises(function() sample.chain{{"top_k", 2}, preset = "llama.cpp"} end, "no steps")
  T.raises(function() sample.chain{preset = "vllm"} end, "preset", "llama.cpp")
  T.raises(function() sample.mirostat{m = 1} end, "option m")
  -- the keys that are known still work
  local s = sample.chain{preset = "huggingface", temperature = 0.5, top_k = 2, top_p = 0.9,
                         min_p = 0.01, typical = 1, epsilon = 0, eta = 0,
                         penalties = {repetition = 1.1, last_n = 4}, seed = 3}
  T.eq(tostring(s), "sample.chain{penalties, temperature, top_k, top_p, min_p, typical, epsilon, eta}")
  local x = sample.chain{preset = "llama.cpp", xtc = {threshold = 0.1, probability = 0.5}, seed = 1}
  T.ok(tostring(x):find("xtc", 1, true) ~= nil, tostring(x))
end)

T.test("token ids: integral floats are integers everywhere, other numbers an error", function()
  local a, b = sample.chain{{"penalties", repetition = 10}, seed = 1}, sample.chain{{"penalties", repetition = 10}, seed = 1}
  a:accept(2.0)
  b:accept(2)
  T.eq(a.history:totable(), b.history:totable())
  T.eq(sample.surprise({0, 1}, 2.0), sample.surprise({0, 1}, 2))
  T.raises(function() a:accept(2.5) end, "token id must be an integer, got 2.5")
  T.raises(function() sample.surprise({0, 1}, 1.5) end, "token id must be an integer, got 1.5")
  T.raises(function() a:accept({2.5}) end, "token id must be an integer, got 2.5")
  T.raises(function() sample.surprise({{0, 1}}, {1.5}) end, "token id must be an integer, got 1.5")
  T.eq(sample.surprise({{0, 1}, {1, 0}}, {2.0, 2.0}):totable(), sample.surprise({{0, 1}, {1, 0}}, {2, 2}):totable())
  T.raises(function() a:accept(0) end, "1-based")
  T.raises(function() a:accept({1, 2}) end, "need one token per row (1), got 2")
  -- a fresh sampler takes its row count from the first tokens it is given
  local c = sample.chain{{"top_k", 1}, seed = 1}
  c:accept({1, 2, 3})
  T.eq(#c.history, 3)
  T.eq(c:sample(array{{0, 9}, {9, 0}, {0, 9}}):totable(), {2, 1, 2})
end)
