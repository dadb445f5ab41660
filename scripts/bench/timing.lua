-- The timing helper of the benchmark scripts: bench(name, reps, f) runs f
-- reps times and prints "name seconds" with the best time, which it returns.
return function(name, reps, f)
  local best = math.huge
  for _ = 1, reps do
    collectgarbage()
    local t0 = time.now()
    f()
    best = math.min(best, time.now() - t0)
  end
  print(string.format("%s %.6f", name, best))
  return best
end
