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
