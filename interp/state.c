/*
** The embedding API (gibbs.h): states with a counting allocator, budgets
** enforced by a count hook and the kernels' interrupt flag, running code
** with a traceback handler, and arrays exchanged with the host.
*/
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "gibbs.h"
#include "interp.h"
#include "internal.h"

struct gibbs_State {
  lua_State *L;
  size_t used;               /* bytes allocated by the state */
  size_t mem_limit;          /* 0: none */
  double time_limit;         /* seconds per run, 0: none */
  long long instr_limit;     /* VM instructions per run, 0: none */
  long long instr_used;
  int running;               /* a run is in progress (budgets armed) */
  int why;                   /* GIBBS_* code of the last budget stop */
  int interactive;           /* SIGINT interrupts runs */
  char *error;               /* last error message with traceback */
  struct { void *p; size_t size; } cache[4];   /* freed big blocks, see below */
  size_t cached;             /* bytes held in cache */
};

/* Instructions between two looks at the clock and the interrupt flag. */
#define HOOK_COUNT 1000

static gibbs_State **extraspace(lua_State *L) {
  return (gibbs_State **)lua_getextraspace(L);
}

/* Allocation --------------------------------------------------------------- */

/*
** Big blocks (array buffers of 4 MiB and more) are kept for reuse when
** freed, a few at a time: a fresh block of that size comes from mmap and
** costs a page fault per 4 KiB on first touch, which dominates an
** expression such as a * b + c on large arrays.  The cache holds at most 4
** blocks and 256 MiB, and never lets cached plus live memory exceed the
** state's memory limit.
*/
#define BIG_BLOCK ((size_t)4 << 20)
#define CACHE_MAX ((size_t)256 << 20)

static void *cache_take(gibbs_State *G, size_t n) {
  for (int i = 0; i < 4; i++)
    if (G->cache[i].p && G->cache[i].size >= n && G->cache[i].size - n <= n / 4) {
      void *p = G->cache[i].p;
      G->cached -= G->cache[i].size;
      G->cache[i].p = NULL;
      return p;
    }
  return NULL;
}

static int cache_keep(gibbs_State *G, void *p, size_t n) {
  if (n > CACHE_MAX / 2) return 0;
  if (G->mem_limit && G->used + G->cached + n > G->mem_limit) return 0;
  int slot = -1;
  for (int i = 0; i < 4 && slot < 0; i++) if (!G->cache[i].p) slot = i;
  if (slot < 0) {                          /* full: drop the first */
    slot = 0;
    free(G->cache[0].p);
    G->cached -= G->cache[0].size;
  }
  while (G->cached + n > CACHE_MAX) {      /* too big: drop others */
    int j = -1;
    for (int i = 0; i < 4; i++) if (G->cache[i].p && i != slot) j = i;
    if (j < 0) return 0;
    free(G->cache[j].p);
    G->cached -= G->cache[j].size;
    G->cache[j].p = NULL;
  }
  G->cache[slot].p = p;
  G->cache[slot].size = n;
  G->cached += n;
  return 1;
}

static void cache_clear(gibbs_State *G) {
  for (int i = 0; i < 4; i++) { free(G->cache[i].p); G->cache[i].p = NULL; }
  G->cached = 0;
}

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  gibbs_State *G = ud;
  if (ptr == NULL) osize = 0;
  if (nsize == 0) {
    if (osize < BIG_BLOCK || !cache_keep(G, ptr, osize)) free(ptr);
    G->used -= osize;
    return NULL;
  }
  if (G->mem_limit && nsize > osize && G->used + (nsize - osize) > G->mem_limit) {
    cache_clear(G);
    return NULL;            /* Lua collects and retries, then raises "not enough memory" */
  }
  void *p = ptr == NULL && nsize >= BIG_BLOCK ? cache_take(G, nsize) : NULL;
  if (!p) p = realloc(ptr, nsize);
  if (!p && G->cached) {    /* the system is short: give the cache back and retry */
    cache_clear(G);
    p = realloc(ptr, nsize);
  }
  if (p) G->used = G->used - osize + nsize;
  return p;
}

/* Budgets and interrupts --------------------------------------------------- */

static void budget_hook(lua_State *L, lua_Debug *ar);

static void arm_hook(lua_State *L, gibbs_State *G) {
  if (G->instr_limit || G->time_limit > 0)
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_COUNT);
  else
    lua_sethook(L, NULL, 0, 0);
}

static void budget_hook(lua_State *L, lua_Debug *ar) {
  gibbs_State *G = *extraspace(L);
  (void)ar;
  if (!G || !G->running) return;
  if (gb_interrupted()) {
    double d = gb_deadline();
    arm_hook(L, G);   /* undo the count-1 hook an interrupt may have set */
    if (d > 0 && gb_clock() >= d) {
      G->why = GIBBS_EINTERRUPTED;
      luaL_error(L, "time limit of %f seconds exceeded", G->time_limit);
    }
    G->why = GIBBS_EINTERRUPTED;
    luaL_error(L, "interrupted");
  }
  if (G->instr_limit) {
    G->instr_used += HOOK_COUNT;
    if (G->instr_used > G->instr_limit) {
      G->why = GIBBS_EINTERRUPTED;
      luaL_error(L, "instruction budget of %I exhausted", (lua_Integer)G->instr_limit);
    }
  }
}

void gibbs_interrupt(gibbs_State *G) {
  gb_interrupt();
  /* lua_sethook is the one Lua call safe from a signal or another thread;
     with a count of 1 the hook runs at the next instruction. */
  if (G && G->L) lua_sethook(G->L, budget_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* Ctrl-C: while an interactive state runs, SIGINT interrupts it (as in
   lua.c); otherwise the default action stands. */
static gibbs_State *volatile sigint_state;

static void on_sigint(int sig) {
  gibbs_State *G = sigint_state;
  signal(sig, SIG_DFL);     /* a second Ctrl-C kills a stuck process */
  if (G) gibbs_interrupt(G);
}

/* Opening ------------------------------------------------------------------- */

void gibbs_options_init(gibbs_Options *o) {
  memset(o, 0, sizeof *o);
}

/* Is name in the comma-separated list (NULL: everything)? */
static int wanted(const char *list, const char *name) {
  size_t n = strlen(name);
  if (!list) return 1;
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && strncmp(p, name, n) == 0) return 1;
    if (!e) break;
    p = e + 1;
  }
  return 0;
}

static int open_selected(lua_State *L) {
  const char *list = lua_touserdata(L, 1);
  luaL_openlibs(L);
  gibbs_interp_openmodules(L, list);
  return 0;
}

void gibbs_interp_openmodules(lua_State *L, const char *list) {
#define GB_OPEN(name) \
  if (wanted(list, #name) || strcmp(#name, "array") == 0) { \
    luaL_requiref(L, #name, luaopen_##name, 1);              \
    lua_pop(L, 1);                                           \
  }
  GIBBS_MODULES(GB_OPEN)
#undef GB_OPEN
  gibbs_interp_openstdlib(L);
}

int gibbs_openlibs(lua_State *L) {
  gibbs_interp_openmodules(L, NULL);
  return GIBBS_OK;
}

gibbs_State *gibbs_open(const gibbs_Options *o) {
  gibbs_Options defaults;
  gibbs_State *G = calloc(1, sizeof *G);
  if (!o) {
    gibbs_options_init(&defaults);
    o = &defaults;
  }
  if (!G) return NULL;
  G->mem_limit = o->mem_limit;
  G->time_limit = o->time_limit;
  G->instr_limit = o->instr_limit;
  G->interactive = o->interactive;
  G->L = lua_newstate(limited_alloc, G);
  if (!G->L) {
    free(G);
    return NULL;
  }
  *extraspace(G->L) = G;
  lua_gc(G->L, LUA_GCGEN, 0, 0);
  lua_pushcfunction(G->L, open_selected);
  lua_pushlightuserdata(G->L, (void *)o->modules);
  if (lua_pcall(G->L, 1, 0, 0) != LUA_OK ||
      (o->sandbox && gibbs_interp_sandbox(G->L, o->write_dir) != 0)) {
    lua_close(G->L);
    free(G);
    return NULL;
  }
  return G;
}

void gibbs_close(gibbs_State *G) {
  if (!G) return;
  lua_close(G->L);
  cache_clear(G);
  free(G->error);
  free(G);
}

lua_State *gibbs_lua(gibbs_State *G) { return G->L; }

const char *gibbs_error(gibbs_State *G) { return G->error ? G->error : ""; }

/* Running ------------------------------------------------------------------- */

static void set_error(gibbs_State *G, const char *msg) {
  free(G->error);
  G->error = msg ? strdup(msg) : NULL;
}

/* The message handler: the message with a traceback appended. */
int gibbs_interp_traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Call the function below nargs arguments with budgets armed; on failure
   the message is left in G->error and nothing on the stack. */
static int protected_call(gibbs_State *G, int nargs, int nresults) {
  lua_State *L = G->L;
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, gibbs_interp_traceback);
  lua_insert(L, base);
  G->running = 1;
  G->why = GIBBS_OK;
  G->instr_used = 0;
  gb_interrupt_clear();
  if (G->time_limit > 0) gb_set_deadline(gb_clock() + G->time_limit);
  arm_hook(L, G);
  if (G->interactive) {
    sigint_state = G;
    signal(SIGINT, on_sigint);
  }
  int st = lua_pcall(L, nargs, nresults, base);
  if (G->interactive) {
    signal(SIGINT, SIG_DFL);
    sigint_state = NULL;
  }
  gb_set_deadline(0);
  G->running = 0;
  lua_remove(L, base);
  if (st == LUA_OK) {
    set_error(G, NULL);
    return GIBBS_OK;
  }
  set_error(G, lua_tostring(L, -1) ? lua_tostring(L, -1) : "(error object is not a string)");
  lua_pop(L, 1);
  gb_interrupt_clear();
  if (st == LUA_ERRMEM) return GIBBS_ENOMEM;
  if (G->why) return G->why;
  /* an interrupted native kernel raises an ordinary error */
  if (strstr(G->error, "interrupted")) return GIBBS_EINTERRUPTED;
  if (strstr(G->error, "not enough memory")) return GIBBS_ENOMEM;
  return GIBBS_ERROR;
}

static int load_status(gibbs_State *G, int st) {
  if (st == LUA_OK) return GIBBS_OK;
  set_error(G, lua_tostring(G->L, -1));
  lua_pop(G->L, 1);
  return st == LUA_ERRMEM ? GIBBS_ENOMEM : st == LUA_ERRSYNTAX ? GIBBS_ESYNTAX : GIBBS_ERROR;
}

int gibbs_run_string(gibbs_State *G, const char *code, const char *chunkname) {
  int st = luaL_loadbufferx(G->L, code, strlen(code), chunkname ? chunkname : "=(string)",
                            gibbs_interp_loadmode(G->L));
  if (st != LUA_OK) return load_status(G, st);
  return protected_call(G, 0, 0);
}

int gibbs_run_file(gibbs_State *G, const char *path) {
  int st = luaL_loadfilex(G->L, path, gibbs_interp_loadmode(G->L));
  if (st != LUA_OK) return load_status(G, st);
  return protected_call(G, 0, 0);
}

int gibbs_call(gibbs_State *G, const char *fname, int nargs, int nresults) {
  lua_State *L = G->L;
  if (lua_getglobal(L, fname) != LUA_TFUNCTION &&
      !luaL_getmetafield(L, -1, "__call")) {
    lua_pop(L, 1 + nargs);
    lua_pushfstring(L, "gibbs_call: global '%s' is not a function", fname);
    set_error(G, lua_tostring(L, -1));
    lua_pop(L, 1);
    return GIBBS_ERROR;
  }
  lua_insert(L, -1 - nargs);
  return protected_call(G, nargs, nresults);
}

/* Interpreter-level entry points for main.c and repl.c. */
int gibbs_interp_pcall(gibbs_State *G, int nargs, int nresults) {
  return protected_call(G, nargs, nresults);
}

gibbs_State *gibbs_interp_fromlua(lua_State *L) { return *extraspace(L); }

/* Arrays -------------------------------------------------------------------- */

/* gibbs.h repeats the array core's codes (hosts do not see ndarray.h);
   arrays cross between the two by a cast. */
_Static_assert((int)GIBBS_BOOL == GB_BOOL && (int)GIBBS_INT64 == GB_INT64 &&
               (int)GIBBS_FLOAT32 == GB_FLOAT32 && (int)GIBBS_FLOAT64 == GB_FLOAT64,
               "gibbs.h's dtype codes differ from ndarray.h's");
_Static_assert(GIBBS_MAXDIM == GB_MAXDIM, "gibbs.h's GIBBS_MAXDIM differs from GB_MAXDIM");

static int push_array_protected(lua_State *L) {
  gibbs_ArrayInfo *in = lua_touserdata(L, 1);
  void **cb = lua_touserdata(L, 2);
  gbL_wraparray(L, in->data, (int)in->dtype, in->ndim, in->shape,
                cb[2] ? in->strides : NULL, (void (*)(void *, void *))cb[0], cb[1]);
  return 1;
}

int gibbs_push_array(lua_State *L, void *data, gibbs_dtype dtype, int ndim,
                     const int64_t *shape, const int64_t *strides,
                     void (*release)(void *ud, void *data), void *ud) {
  gibbs_ArrayInfo in;
  void *cb[3];
  if ((int)dtype < 0 || (int)dtype >= GB_NDTYPE || ndim < 0 || ndim > GIBBS_MAXDIM)
    return GIBBS_ERROR;
  for (int i = 0; i < ndim; i++)
    if (shape[i] < 0) return GIBBS_ERROR;
  in.data = data;
  in.dtype = dtype;
  in.ndim = ndim;
  memcpy(in.shape, shape, sizeof(int64_t) * (size_t)ndim);
  if (strides) memcpy(in.strides, strides, sizeof(int64_t) * (size_t)ndim);
  cb[0] = *(void **)&release;
  cb[1] = ud;
  cb[2] = (void *)strides;
  lua_pushcfunction(L, push_array_protected);
  lua_pushlightuserdata(L, &in);
  lua_pushlightuserdata(L, cb);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    lua_pop(L, 1);
    return GIBBS_ERROR;
  }
  return GIBBS_OK;
}

int gibbs_to_array(lua_State *L, int idx, gibbs_ArrayInfo *info) {
  gb_array *a = gbL_testarray(L, idx);
  if (!a) return 0;
  info->data = a->data;
  info->dtype = (gibbs_dtype)a->dtype;
  info->ndim = a->ndim;
  info->size = a->size;
  memcpy(info->shape, a->shape, sizeof(int64_t) * (size_t)a->ndim);
  memcpy(info->strides, a->strides, sizeof(int64_t) * (size_t)a->ndim);
  return 1;
}
