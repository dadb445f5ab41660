-- Token sampling timed against scripts/bench/sample.py (the same chain in
-- NumPy: softmax, argsort, cumsum).  Prints "name seconds" (best of runs);
-- on stderr, the ratios the issue sets against one logsumexp pass and the
-- speed-up of a batch on two cores over one.
local bench = dofile((arg[0]:match("^(.*/)") or "") .. "timing.lua")

local function logits(v)
  local g = rng.new(v)
  return g:standard_normal(v) * 3
end

for _, v in ipairs({131072, 262144}) do
  local l = logits(v)
  local tag = v // 1024 .. "k"
  local chain = sample.chain{{"top_k", 40}, {"top_p", 0.95}, {"temperature", 0.8}, seed = 1}
  local lse = bench("logsumexp_" .. tag, 50, function() return l:logsumexp() end)
  local c = bench("chain_topk_topp_temp_" .. tag, 50, function() return chain:sample(l) end)
  local p = bench("top_p_" .. tag, 50, function() return sample.top_p(l, 0.95) end)
  io.stderr:write(string.format("  %s: chain = %.2f x logsumexp (target <= 3), top_p = %.2f x (target <= 5)\n",
                                tag, c / lse, p / lse))
end

-- A batch of 64 x 128k on both cores, and on one (a child process).
local batch = rng.new(3):standard_normal({64, 131072}) * 3
local chain = sample.chain{{"top_k", 40}, {"top_p", 0.95}, {"temperature", 0.8}, seed = 1}
local two = bench("batch_64x128k", 10, function() return chain:sample(batch) end)
local script = [[
local batch = rng.new(3):standard_normal({64, 131072}) * 3
local chain = sample.chain{{"top_k", 40}, {"top_p", 0.95}, {"temperature", 0.8}, seed = 1}
local best = math.huge
for _ = 1, 10 do local t0 = time.now() chain:sample(batch) best = math.min(best, time.now() - t0) end
print(best)]]
local gibbs = (os.getenv("GIBBS_BUILD") or "build") .. "/gibbs"
local f = io.popen("OMP_NUM_THREADS=1 " .. gibbs .. " -e '" .. script .. "'")
local one = tonumber(f:read("a"))
f:close()
if one then
  io.stderr:write(string.format("  batch 64x128k: one core %.4f s, two %.4f s: %.2fx faster (target >= 1.6)\n",
                                one, two, one / two))
end
