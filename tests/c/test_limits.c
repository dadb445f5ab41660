/*
** The budgets hold whatever the script does: a time limit, an instruction
** budget or an interrupt from another thread ends the run even when the
** script catches errors (pcall, xpcall, coroutine.resume, coroutine.wrap)
** or loops inside a coroutine.  Each case prints how long the stop took;
** the bound checked is loose (the stop must come, not come fast).
*/
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ctx.h"
#include "gibbs.h"

#define BOUND 10.0   /* seconds: far above the 1 s limit, far below a hang */

static gibbs_State *open_limited(double seconds, long long instructions) {
  gibbs_Options o;
  gibbs_options_init(&o);
  o.time_limit = seconds;
  o.instr_limit = instructions;
  return gibbs_open(&o);
}

/* Run code, return its status; *took gets the seconds it ran. */
static int timed(gibbs_State *G, const char *code, double *took) {
  double t0 = gb_clock();
  int st = gibbs_run_string(G, code, "=limits");
  *took = gb_clock() - t0;
  return st;
}

static const char *const catchers[] = {
  "while true do pcall(function() while true do end end) end",
  "while true do xpcall(function() while true do end end, function(e) return e end) end",
  "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
  "while true do pcall(coroutine.wrap(function() while true do end end)) end",
  "while true do pcall(pcall, function() while true do end end) end",
  "local co = coroutine.wrap(function() while true do coroutine.yield() end end)\n"
  "while true do pcall(co) end",
};

TEST(a_time_limit_cannot_be_caught) {
  for (size_t i = 0; i < sizeof catchers / sizeof *catchers; i++) {
    gibbs_State *G = open_limited(1, 0);
    double took;
    int st = timed(G, catchers[i], &took);
    printf("    time limit 1 s, case %zu: stopped after %.2f s\n", i + 1, took);
    CHECK(st == GIBBS_EINTERRUPTED);
    CHECK(strstr(gibbs_error(G), "time limit") != NULL);
    CHECK(took < BOUND);
    /* the next run starts with a fresh budget */
    CHECK(gibbs_run_string(G, "x = 1 + 1", "=next") == GIBBS_OK);
    gibbs_close(G);
  }
}

TEST(an_instruction_budget_cannot_be_caught) {
  gibbs_State *G = open_limited(0, 1000000);
  double took;
  CHECK(timed(G, catchers[0], &took) == GIBBS_EINTERRUPTED);
  CHECK(strstr(gibbs_error(G), "instruction budget") != NULL);
  CHECK(timed(G, catchers[2], &took) == GIBBS_EINTERRUPTED);
  gibbs_close(G);
}

typedef struct later { gibbs_State *G; double after; } later;

static void *interrupt_later(void *ud) {
  later *l = ud;
  usleep((useconds_t)(l->after * 1e6));
  gibbs_interrupt(l->G);
  return NULL;
}

static const char *const loops[] = {
  "while true do end",
  "coroutine.wrap(function() while true do end end)()",
  "local co = coroutine.create(function() while true do end end) coroutine.resume(co)",
  "coroutine.wrap(function() coroutine.wrap(function() while true do end end)() end)()",
  "while true do pcall(function() while true do end end) end",
};

TEST(an_interrupt_reaches_coroutines_without_any_limit) {
  for (size_t i = 0; i < sizeof loops / sizeof *loops; i++) {
    gibbs_State *G = gibbs_open(NULL);
    later l = {G, 0.2};
    pthread_t t;
    double took;
    pthread_create(&t, NULL, interrupt_later, &l);
    int st = timed(G, loops[i], &took);
    pthread_join(t, NULL);
    printf("    interrupt after 0.2 s, case %zu: stopped after %.2f s\n", i + 1, took);
    CHECK(st == GIBBS_EINTERRUPTED);
    CHECK(took < BOUND);
    CHECK(gibbs_run_string(G, "x = 1", "=next") == GIBBS_OK);
    gibbs_close(G);
  }
}

TEST(caught_errors_still_work_within_the_budget) {
  gibbs_State *G = open_limited(30, 0);
  CHECK(gibbs_run_string(G,
    "local ok, e = pcall(error, 'boom')\n"
    "assert(not ok and e == 'boom')\n"
    "local ok2, v = xpcall(function() return 7 end, print)\n"
    "assert(ok2 and v == 7)\n"
    "local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)\n"
    "local _, x = coroutine.resume(co, 1) assert(x == 2)\n"
    "local _, y = coroutine.resume(co, 5) assert(y == 10)\n"
    "local ok3, e3 = coroutine.resume(co) assert(not ok3 and e3:find('dead'))\n"
    "local w = coroutine.wrap(function() error('inside') end)\n"
    "local ok4, e4 = pcall(w) assert(not ok4 and e4:find('inside'))\n"
    "local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)\n"
    "assert(gen() == 1 and gen() == 2 and gen() == 3)\n"
    "local co2 = coroutine.wrap(function() return pcall(coroutine.yield, 4) end)\n"
    "assert(co2() == 4) local ok5, r = co2('back') assert(ok5 and r == 'back')\n",
    "=catch") == GIBBS_OK);
  if (*gibbs_error(G)) printf("    %s\n", gibbs_error(G));
  gibbs_close(G);
}

int main(void) {
  RUN(a_time_limit_cannot_be_caught);
  RUN(an_instruction_budget_cannot_be_caught);
  RUN(an_interrupt_reaches_coroutines_without_any_limit);
  RUN(caught_errors_still_work_within_the_budget);
  return check_exit();
}
