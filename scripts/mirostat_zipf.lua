-- Mirostat's perplexity control on a synthetic Zipf model (Basu et al.
-- 2020, section 5): with logits -s ln(rank) over a 50,000-token vocabulary,
-- plain top-k and top-p give a perplexity fixed by their parameter and the
-- model, while Mirostat steers the observed surprise to tau, so the
-- perplexity lands near 2^tau whatever the Zipf exponent.
--   build/gibbs scripts/mirostat_zipf.lua
local V, STEPS = 50000, 3000

local function zipf_steps(s, steps)
  local row = array.range(1, V):astype("float64"):log() * -s
  return array.stack({row}, 1):reshape(1, V) + array.zeros({steps, 1})
end

local function report(name, r)
  local mean = r.surprises[{{501, -1}}]:mean()
  print(string.format("  %-24s mean surprise %5.2f bits   perplexity %7.2f   mean kept %8.1f",
                      name, mean, 2 ^ mean, r.kept:astype("float64"):mean()))
end

for _, s in ipairs({0.9, 1.1, 1.3}) do
  print(string.format("Zipf exponent %.1f", s))
  local steps = zipf_steps(s, STEPS)
  report("top-k 40", sample.simulate(sample.chain{{"top_k", 40}, seed = 1}, steps))
  report("top-p 0.9", sample.simulate(sample.chain{{"top_p", 0.9}, seed = 1}, steps))
  for _, tau in ipairs({3, 5}) do
    report("mirostat v1, tau " .. tau, sample.simulate(sample.mirostat{tau = tau, eta = 0.1, seed = 1}, steps))
    report("mirostat v2, tau " .. tau, sample.simulate(sample.mirostat_v2{tau = tau, eta = 0.1, seed = 1}, steps))
  end
end
print("\nMirostat's perplexity follows 2^tau (8 for tau 3, 32 for tau 5); top-k and top-p drift with s.")
