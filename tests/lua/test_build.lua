-- The build's other outputs: build/gibbs.so for a stock lua5.4, and
-- `make install` with a pkg-config file that a host program builds with.
local T = require "testing"

local sanitized = os.getenv("SANITIZE") == "1"

T.test("stock lua5.4 can require \"gibbs\" and gets every module", function()
  if sanitized then T.skip("the sanitizer build's gibbs.so needs the ASan runtime") end
  local out, err, code = T.run("LUA_CPATH='" .. T.build .. "/?.so' lua5.4 -e " ..
    "'local g = require \"gibbs\"; print(array.range(1, 4):sum(), linalg.det{{2, 0}, {0, 3}}, " ..
    "type(rng.new), type(sample.chain), type(time.now))'")
  T.eq(code, 0, "exit status; stderr: " .. err)
  T.eq(out, "10\t6.0\tfunction\tfunction\tfunction\n")
end)

-- lua_close unloads gibbs.so while OpenMP's worker threads are parked in
-- it: without -z nodelete, 4-5 runs in 30 crashed at exit (issue 14).
T.test("stock lua5.4 exits cleanly after parallel work in gibbs.so", function()
  if sanitized then T.skip("the sanitizer build's gibbs.so needs the ASan runtime") end
  local crashes = 0
  for _ = 1, 30 do
    local _, _, code = T.run("LUA_CPATH='" .. T.build .. "/?.so' lua5.4 -e " ..
      "'require \"gibbs\"; local s = array.exp(rng.new(1):standard_normal(3000000)):sum(); " ..
      "local e = entropy.knn(rng.new(2):standard_normal(20000)); assert(s > 0 and e == e)'")
    if code ~= 0 then crashes = crashes + 1 end
  end
  T.eq(crashes, 0, "runs that failed or crashed at exit, of 30")
end)

T.test("make install puts the program, libraries, header and gibbs.pc under PREFIX", function()
  if sanitized then T.skip("hosts would need the sanitizer runtime") end
  local prefix = T.tmpdir()
  local _, err, code = T.run("make --no-print-directory install PREFIX=" .. prefix .. " BUILD=" .. T.build)
  T.eq(code, 0, "make install: " .. err)
  for _, f in ipairs({"bin/gibbs", "lib/libgibbs.a", "lib/libgibbs.so", "lib/lua/5.4/gibbs.so",
                      "include/gibbs.h", "lib/pkgconfig/gibbs.pc"}) do
    T.ok(io.open(prefix .. "/" .. f), f .. " installed")
  end
  local pc = "PKG_CONFIG_PATH=" .. prefix .. "/lib/pkgconfig"
  local exe = prefix .. "/host"
  _, err, code = T.run("cc scripts/embed/host.c $(" .. pc .. " pkg-config --cflags --libs gibbs) -Wl,-rpath," ..
                       prefix .. "/lib -o " .. exe)
  T.eq(code, 0, "building the example host with pkg-config: " .. err)
  local out
  out, err, code = T.run(exe)
  T.eq(code, 0, "the host runs: " .. err)
  T.ok(out:find("sum 150", 1, true), out)
  os.execute("rm -rf " .. prefix)
end)
