/*
** Module time: a monotonic clock and quick measurements.
**
**   time.now()         seconds on a monotonic clock (ns resolution)
**   time.cpu()         processor time used by the program, in seconds
**   time.sleep(s)      sleep, interruptible by Ctrl-C
**   time.it(f [, n])   seconds per call of f: best and mean over n calls
*/
#include <errno.h>
#include <time.h>

#include "internal.h"

static int t_now(lua_State *L) {
  lua_pushnumber(L, gb_clock());
  return 1;
}

static int t_cpu(lua_State *L) {
  lua_pushnumber(L, (lua_Number)clock() / CLOCKS_PER_SEC);
  return 1;
}

static int t_sleep(lua_State *L) {
  lua_Number s = luaL_checknumber(L, 1);
  if (!(s >= 0) || s > 1e9) gbL_error(L, "seconds must be between 0 and 1e9, got %g", (double)s);
  double end = gb_clock() + s;
  for (;;) {
    double left = end - gb_clock();
    if (left <= 0) break;
    if (left > 0.05) left = 0.05;      /* wake up to look at the interrupt flag */
    struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
    nanosleep(&ts, NULL);
    gbL_checkinterrupt(L);
  }
  return 0;
}

/* Call f n times; with no n, enough times to fill about 0.2 s (at most 10^6). */
static int t_it(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_Integer n = luaL_optinteger(L, 2, 0);
  if (n < 0) gbL_error(L, "n must be positive, got %lld", (long long)n);
  double best = 1e300, total = 0;
  lua_Integer done = 0;
  double start = gb_clock();
  while (n ? done < n : (done < 1000000 && (done < 3 || gb_clock() - start < 0.2))) {
    lua_pushvalue(L, 1);
    double t0 = gb_clock();
    lua_call(L, 0, 0);
    double dt = gb_clock() - t0;
    if (dt < best) best = dt;
    total += dt;
    done++;
  }
  lua_pushnumber(L, best);
  lua_pushnumber(L, done ? total / (double)done : 0);
  lua_pushinteger(L, done);
  return 3;
}

/* time.progress([on]): switch the progress bar on or off; returns whether
   it is on. */
static int t_progress(lua_State *L) {
  if (!lua_isnoneornil(L, 1)) gb_ctx_progress_enable(gbL_ctx(L), lua_toboolean(L, 1));
  lua_pushboolean(L, gb_ctx_progress_enabled(gbL_ctx(L)));
  return 1;
}

/* A script's own progress: p = time.progress_bar(total [, what]);
   p:step([k]) adds k (1) to the count done; p:finish() ends it. */
#define BAR_MT "gibbs.progress_bar"

typedef struct pbar { double done, total; int open; } pbar;

static int t_progress_bar(lua_State *L) {
  double total = luaL_checknumber(L, 1);
  const char *what = luaL_optstring(L, 2, "progress");
  if (!(total > 0)) gbL_error(L, "total must be positive, got %g", total);
  pbar *p = lua_newuserdatauv(L, sizeof *p, 0);
  p->done = 0;
  p->total = total;
  p->open = 1;
  luaL_setmetatable(L, BAR_MT);
  gb_progress_begin(gbL_ctx(L), what, total);
  return 1;
}

static int bar_step(lua_State *L) {
  pbar *p = luaL_checkudata(L, 1, BAR_MT);
  p->done += luaL_optnumber(L, 2, 1);
  if (p->open) gb_progress_step(gbL_ctx(L), p->done);
  return 0;
}

static int bar_finish(lua_State *L) {
  pbar *p = luaL_checkudata(L, 1, BAR_MT);
  if (p->open) { p->open = 0; gb_progress_end(gbL_ctx(L)); }
  return 0;
}

static const luaL_Reg time_funcs[] = {
  {"now", t_now},
  {"cpu", t_cpu},
  {"sleep", t_sleep},
  {"it", t_it},
  {"progress", t_progress},
  {"progress_bar", t_progress_bar},
  {NULL, NULL}
};

static const luaL_Reg bar_methods[] = {
  {"step", bar_step},
  {"finish", bar_finish},
  {NULL, NULL}
};

int luaopen_time(lua_State *L) {
  if (luaL_newmetatable(L, BAR_MT)) {
    luaL_newlib(L, bar_methods);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__methods");
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, bar_finish);     /* a bar dropped unfinished ends */
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  luaL_newlib(L, time_funcs);
  return 1;
}
