/*
** An example host program: it hands an array of its own to a Lua function
** without copying, lets the function fill a second host array, and reads
** the result back.  Built by `make` as build/embed-host and run by the
** tests; docs/embedding.md walks through it.
*/
#include <stdio.h>

#include "gibbs.h"

static const char *script =
  "function scale(x, y, factor)\n"
  "  for i = 1, #x do y:set(i, factor * x:get(i)) end\n"
  "  local s = 0\n"
  "  for i = 1, #y do s = s + y:get(i) end\n"
  "  return s\n"
  "end\n";

static int released;

static void release(void *ud, void *data) {
  (void)data;
  ++*(int *)ud;
}

int main(void) {
  double x[5] = {1, 2, 3, 4, 5}, y[5] = {0};
  int64_t shape[1] = {5};
  gibbs_Options opt;
  gibbs_options_init(&opt);
  opt.sandbox = 1;                      /* the script may not touch the system */
  opt.mem_limit = 64u << 20;
  gibbs_State *G = gibbs_open(&opt);
  if (!G) return 1;
  if (gibbs_run_string(G, script, "=script") != GIBBS_OK) {
    fprintf(stderr, "host: %s\n", gibbs_error(G));
    return 1;
  }
  lua_State *L = gibbs_lua(G);
  gibbs_push_array(L, x, GIBBS_FLOAT64, 1, shape, NULL, release, &released);
  gibbs_push_array(L, y, GIBBS_FLOAT64, 1, shape, NULL, release, &released);
  lua_pushnumber(L, 10);
  if (gibbs_call(G, "scale", 3, 1) != GIBBS_OK) {
    fprintf(stderr, "host: %s\n", gibbs_error(G));
    return 1;
  }
  double sum = lua_tonumber(L, -1);
  lua_pop(L, 1);
  gibbs_close(G);                       /* Lua lets go of x and y here */
  printf("sum %g, y = %g %g %g %g %g, released %d\n", sum, y[0], y[1], y[2], y[3], y[4], released);
  return sum == 150 && y[4] == 50 && released == 2 ? 0 : 1;
}
