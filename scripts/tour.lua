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
