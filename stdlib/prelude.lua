-- Runs when a gibbs state opens: the globals every session has.  Kept small
-- so that startup stays fast; heavier modules load on first use.

-- help(x): the help text of a function, module or topic (see stdlib/help.lua).
function help(...)
  return require("help").help(...)
end

-- pp(x): print any value readably (tables, arrays).
function pp(...)
  return require("pretty").repl_print(...)
end

-- plot: terminal plots (stdlib/plot.lua), loaded on first use so that
-- startup does not pay for it.  The global table is filled in place, so
-- references taken before the first use see the functions too.
do
  local function load(t)
    setmetatable(t, nil)
    for name, f in pairs(require "plot") do rawset(t, name, f) end
    package.loaded.plot = t
  end
  plot = setmetatable({}, {
    __index = function(t, k) load(t); return rawget(t, k) end,
    __pairs = function(t) load(t); return next, t, nil end,
  })
end
