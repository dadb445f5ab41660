/*
** The embedding API (interp/gibbs.h): options, running strings and files,
** calling functions, errors with tracebacks, host arrays without copying
** and their owner callbacks, the memory limit, the instruction and time
** budgets, an interrupt from another thread (on a Lua loop and on a native
** one), the sandbox and the module list.  Every state must stay usable
** after an error.
*/
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "gibbs.h"

static gibbs_State *open_with(void (*set)(gibbs_Options *)) {
  gibbs_Options o;
  gibbs_options_init(&o);
  if (set) set(&o);
  return gibbs_open(&o);
}

static double number(gibbs_State *G, const char *expr) {
  char code[256];
  snprintf(code, sizeof code, "__result = %s", expr);
  if (gibbs_run_string(G, code, "=number") != GIBBS_OK) return -12345;
  lua_State *L = gibbs_lua(G);
  lua_getglobal(L, "__result");
  double v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}

TEST(runs_strings_and_files_and_calls_functions) {
  gibbs_State *G = open_with(NULL);
  CHECK(G != NULL);
  CHECK(gibbs_run_string(G, "function add(a, b) return a + b, a * b end", "=defs") == GIBBS_OK);
  lua_State *L = gibbs_lua(G);
  lua_pushnumber(L, 3);
  lua_pushnumber(L, 4);
  CHECK(gibbs_call(G, "add", 2, 2) == GIBBS_OK);
  CHECK(lua_tonumber(L, -2) == 7 && lua_tonumber(L, -1) == 12);
  lua_pop(L, 2);
  FILE *f = fopen("build/test_embed_script.lua", "w");
  if (f) { fputs("answer = array.range(1, 10):sum()\n", f); fclose(f); }
  CHECK(gibbs_run_file(G, "build/test_embed_script.lua") == GIBBS_OK);
  CHECK(number(G, "answer") == 55);
  remove("build/test_embed_script.lua");
  gibbs_close(G);
}

TEST(errors_carry_message_and_traceback) {
  gibbs_State *G = open_with(NULL);
  CHECK(gibbs_run_string(G, "local function f() error('boom') end f()", "=chunk") == GIBBS_ERROR);
  const char *e = gibbs_error(G);
  CHECK(strstr(e, "boom") != NULL && strstr(e, "traceback") != NULL);
  CHECK(gibbs_run_string(G, "this is not lua", "=bad") == GIBBS_ESYNTAX);
  CHECK(gibbs_call(G, "no_such_function", 0, 0) != GIBBS_OK);
  CHECK(number(G, "1 + 1") == 2);                /* still usable */
  gibbs_close(G);
}

static int releases;
static void release(void *ud, void *data) { (void)data; ++*(int *)ud; }

TEST(host_arrays_are_shared_without_copying) {
  double x[6] = {1, 2, 3, 4, 5, 6};
  int64_t shape[2] = {2, 3};
  releases = 0;
  gibbs_State *G = open_with(NULL);
  lua_State *L = gibbs_lua(G);
  CHECK(gibbs_push_array(L, x, GIBBS_FLOAT64, 2, shape, NULL, release, &releases) == GIBBS_OK);
  lua_setglobal(L, "x");
  CHECK(number(G, "x:sum()") == 21);
  CHECK(gibbs_run_string(G, "x[{2, 3}] = 60; y = x.T", "=w") == GIBBS_OK);
  CHECK(x[5] == 60);                             /* Lua wrote into host memory */
  lua_getglobal(L, "y");
  gibbs_ArrayInfo info;
  CHECK(gibbs_to_array(L, -1, &info));
  CHECK(info.data == (void *)x && info.dtype == GIBBS_FLOAT64 && info.ndim == 2);
  CHECK(info.shape[0] == 3 && info.shape[1] == 2 && info.strides[0] == 8 && info.strides[1] == 24);
  lua_pop(L, 1);
  lua_pushnumber(L, 1);
  CHECK(!gibbs_to_array(L, -1, &info));
  lua_pop(L, 1);
  CHECK(releases == 0);
  gibbs_close(G);
  CHECK(releases == 1);                          /* exactly once */
  int64_t bad[1] = {-1};
  G = open_with(NULL);
  CHECK(gibbs_push_array(gibbs_lua(G), x, GIBBS_FLOAT64, 1, bad, NULL, NULL, NULL) != GIBBS_OK);
  gibbs_close(G);
}

static void small_memory(gibbs_Options *o) { o->mem_limit = 32u << 20; }

TEST(memory_limit_fails_the_run_not_the_host) {
  gibbs_State *G = open_with(small_memory);
  CHECK(gibbs_run_string(G, "local t = {} for i = 1, 1e7 do t[i] = {i} end", "=hog") == GIBBS_ENOMEM);
  CHECK(strstr(gibbs_error(G), "not enough memory") != NULL);
  CHECK(gibbs_run_string(G, "big = array.zeros(1e8)", "=hog2") == GIBBS_ENOMEM);
  CHECK(number(G, "array.ones(10):sum()") == 10);
  gibbs_close(G);
}

static void budget(gibbs_Options *o) { o->instr_limit = 1000000; }
static void deadline(gibbs_Options *o) { o->time_limit = 0.3; }

TEST(budgets_end_endless_loops) {
  gibbs_State *G = open_with(budget);
  CHECK(gibbs_run_string(G, "while true do end", "=loop") == GIBBS_EINTERRUPTED);
  CHECK(number(G, "2 * 21") == 42);
  gibbs_close(G);
  G = open_with(deadline);
  CHECK(gibbs_run_string(G, "while true do end", "=loop") == GIBBS_EINTERRUPTED);
  CHECK(gibbs_run_string(G, "time.sleep(30)", "=sleep") == GIBBS_EINTERRUPTED);
  CHECK(number(G, "3") == 3);
  gibbs_close(G);
}

static void *interrupter(void *G) {
  struct timespec ts = {0, 200 * 1000 * 1000};
  nanosleep(&ts, NULL);
  gibbs_interrupt(G);
  return NULL;
}

TEST(interrupt_from_another_thread) {
  gibbs_State *G = open_with(NULL);
  const char *loops[] = {
    "while true do end",                                        /* Lua */
    "time.sleep(30)",                                           /* native wait */
    "local a = array.zeros(2e6) for i = 1, 1e6 do a = a:exp() end",  /* native math */
  };
  for (int i = 0; i < 3; i++) {
    pthread_t t;
    pthread_create(&t, NULL, interrupter, G);
    int st = gibbs_run_string(G, loops[i], "=work");
    pthread_join(t, NULL);
    CHECK(st == GIBBS_EINTERRUPTED);             /* each runs 30 s or more alone */
    CHECK(number(G, "1") == 1);                  /* the flag was cleared */
  }
  gibbs_close(G);
}

static void sandbox_only_array(gibbs_Options *o) { o->sandbox = 1; o->modules = "array"; }

TEST(sandbox_and_module_options) {
  gibbs_State *G = open_with(sandbox_only_array);
  CHECK(number(G, "os.execute == nil and 1 or 0") == 1);
  CHECK(number(G, "io.popen == nil and 1 or 0") == 1);
  CHECK(number(G, "rawget(_G, 'linalg') == nil and 1 or 0") == 1);
  CHECK(number(G, "array.ones(3):sum()") == 3);
  CHECK(gibbs_run_string(G, "io.open('/tmp/gibbs_embed_x', 'w')", "=w") == GIBBS_ERROR);
  gibbs_close(G);
}

/* A callable table gets the table and then the host's arguments, as a call
   from Lua would pass them, and the stack holds only the results after. */
TEST(calls_callable_tables) {
  gibbs_State *G = open_with(NULL);
  lua_State *L = gibbs_lua(G);
  CHECK(gibbs_run_string(G, "obj = setmetatable({k = 10}, {__call = function(self, a, b) "
                            "return self.k + a, b end})", "=defs") == GIBBS_OK);
  int top = lua_gettop(L);
  lua_pushnumber(L, 32);
  lua_pushstring(L, "second");
  CHECK(gibbs_call(G, "obj", 2, LUA_MULTRET) == GIBBS_OK);
  CHECK(lua_gettop(L) == top + 2);
  CHECK(lua_tonumber(L, top + 1) == 42);
  CHECK(lua_isstring(L, top + 2) && strcmp(lua_tostring(L, top + 2), "second") == 0);
  lua_settop(L, top);
  lua_pushnumber(L, 1);
  CHECK(gibbs_call(G, "obj", 1, 1) == GIBBS_OK && lua_gettop(L) == top + 1);
  CHECK(lua_tonumber(L, -1) == 11);
  lua_settop(L, top);
  CHECK(gibbs_run_string(G, "plain = {}", "=defs") == GIBBS_OK);
  lua_pushnumber(L, 1);
  CHECK(gibbs_call(G, "plain", 1, 1) == GIBBS_ERROR && lua_gettop(L) == top);
  CHECK(strstr(gibbs_error(G), "is not a function") != NULL);
  gibbs_close(G);
}

/* A 0-d array needs no shape: NULL is fine then (memcpy must not get it). */
TEST(pushes_zero_dimensional_arrays) {
  gibbs_State *G = open_with(NULL);
  lua_State *L = gibbs_lua(G);
  double x = 2.5;
  int64_t one = 1;
  CHECK(gibbs_push_array(L, &x, GIBBS_FLOAT64, 0, NULL, NULL, NULL, NULL) == GIBBS_OK);
  lua_setglobal(L, "s");
  CHECK(number(G, "s:item() * 2") == 5);
  CHECK(number(G, "s.ndim") == 0);
  CHECK(gibbs_push_array(L, &x, GIBBS_FLOAT64, 1, NULL, NULL, NULL, NULL) == GIBBS_ERROR);
  CHECK(gibbs_push_array(L, &x, GIBBS_FLOAT64, 1, &one, NULL, NULL, NULL) == GIBBS_OK);
  lua_pop(L, 1);
  gibbs_close(G);
}

static const char *const test_dirs[] = {"tests/c", "tests/fixtures", NULL};
static void sandbox_reading_tests(gibbs_Options *o) { o->sandbox = 1; o->read_dirs = test_dirs; }

/* read_dirs: files there are readable, others not; the host's own
   gibbs_run_file is outside the policy. */
TEST(sandbox_read_dirs) {
  gibbs_State *G = open_with(sandbox_reading_tests);
  CHECK(gibbs_run_string(G, "assert(io.open('tests/c/check.h')):close()", "=r") == GIBBS_OK);
  CHECK(gibbs_run_string(G, "assert(io.lines('tests/fixtures/array_io.lua'))", "=r") == GIBBS_OK);
  CHECK(gibbs_run_string(G, "io.open('tests/testing.lua')", "=r") == GIBBS_ERROR);
  CHECK(strstr(gibbs_error(G), "sandbox: reading 'tests/testing.lua' is not allowed") != NULL);
  CHECK(gibbs_run_string(G, "dofile('/etc/passwd')", "=r") == GIBBS_ERROR);
  CHECK(number(G, "os.getenv == nil and 1 or 0") == 1);
  FILE *f = fopen("build/test_embed_sandboxed.lua", "w");
  if (f) { fputs("ran = 1\n", f); fclose(f); }
  CHECK(gibbs_run_file(G, "build/test_embed_sandboxed.lua") == GIBBS_OK);
  CHECK(number(G, "ran") == 1);
  CHECK(gibbs_run_string(G, "dofile('build/test_embed_sandboxed.lua')", "=r") == GIBBS_ERROR);
  remove("build/test_embed_sandboxed.lua");
  gibbs_close(G);
}

int main(void) {
  RUN(runs_strings_and_files_and_calls_functions);
  RUN(errors_carry_message_and_traceback);
  RUN(host_arrays_are_shared_without_copying);
  RUN(memory_limit_fails_the_run_not_the_host);
  RUN(budgets_end_endless_loops);
  RUN(interrupt_from_another_thread);
  RUN(sandbox_and_module_options);
  RUN(sandbox_read_dirs);
  RUN(calls_callable_tables);
  RUN(pushes_zero_dimensional_arrays);
  return check_exit();
}
