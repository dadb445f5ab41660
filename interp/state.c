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
  gb_ctx *ctx;               /* interrupts, deadline, memory account, scratch */
  double time_limit;         /* seconds per run, 0: none */
  long long instr_limit;     /* VM instructions per run, 0: none */
  long long instr_used;
  int running;               /* a run is in progress (budgets armed) */
  int why;                   /* GIBBS_* code of the last budget stop */
  int interactive;           /* SIGINT interrupts runs */
  char *error;               /* last error message with traceback */
  lua_State *volatile resumed[16];   /* coroutines being resumed, innermost last */
  volatile int nresumed;
};

/* Instructions between two looks at the clock and the interrupt flag. */
#define HOOK_COUNT 1000

static gibbs_State **extraspace(lua_State *L) {
  return (gibbs_State **)lua_getextraspace(L);
}

/* Allocation --------------------------------------------------------------- */

/*
** Every byte Lua holds is counted in the state's context, beside the
** kernels' scratch, against one limit.  Big blocks (array buffers of 4 MiB
** and more) are kept by the context for reuse when freed: a fresh block of
** that size costs a page fault per 4 KiB on first touch, which dominates an
** expression such as a * b + c on large arrays.
*/
#define BIG_BLOCK ((size_t)4 << 20)

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  gibbs_State *G = ud;
  void *p;
  if (ptr == NULL) osize = 0;
  if (nsize == 0) {
    if (osize < BIG_BLOCK || !gb_ctx_keep(G->ctx, ptr, osize)) free(ptr);
    gb_ctx_discharge_host(G->ctx, osize);
    return NULL;
  }
  if (nsize <= osize) {
    p = realloc(ptr, nsize);
    if (p) gb_ctx_discharge_host(G->ctx, osize - nsize);
    return p;
  }
  if (!gb_ctx_charge_host(G->ctx, nsize - osize))
    return NULL;            /* Lua collects and retries, then raises "not enough memory" */
  p = ptr == NULL && nsize >= BIG_BLOCK ? gb_ctx_take(G->ctx, nsize) : NULL;
  if (!p) p = realloc(ptr, nsize);
  if (!p) {                 /* the system is short: give the cache back and retry */
    gb_ctx_drop(G->ctx);
    p = realloc(ptr, nsize);
  }
  if (!p) gb_ctx_discharge_host(G->ctx, nsize - osize);
  else if (ptr == NULL && nsize >= BIG_BLOCK) gb_ctx_advise(p, nsize);
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
  if (!G) return;
  if (!G->running) {         /* a coroutine left with an interrupt's hook */
    arm_hook(L, G);
    return;
  }
  if (gb_interrupted(G->ctx)) {
    arm_hook(L, G);   /* undo the count-1 hook an interrupt may have set */
    G->why = GIBBS_EINTERRUPTED;
    luaL_where(L, 1);
    if (gb_ctx_stopped(G->ctx) == GB_ETIMEOUT)
      lua_pushfstring(L, "%stime limit of %f seconds exceeded", lua_tostring(L, -1), G->time_limit);
    else
      lua_pushfstring(L, "%sinterrupted", lua_tostring(L, -1));
    gbL_raise(L, GB_EINTERRUPTED);
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
  if (!G) return;
  gb_ctx_interrupt(G->ctx);
  /* lua_sethook is the one Lua call safe from a signal or another thread;
     with a count of 1 the hook runs at the next instruction. */
  if (G->L) lua_sethook(G->L, budget_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
  /* the coroutine running now has a hook of its own (new ones copy their
     creator's); a coroutine being resumed is alive, held by its resumer */
  int n = G->nresumed;
  if (n > 0 && n <= 16 && G->resumed[n - 1])
    lua_sethook(G->resumed[n - 1], budget_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* Ctrl-C: while an interactive state runs, SIGINT interrupts it (as in
   lua.c); otherwise the default action stands. */
static gibbs_State *volatile sigint_state;

static void on_sigint(int sig) {
  gibbs_State *G = sigint_state;
  signal(sig, SIG_DFL);     /* a second Ctrl-C kills a stuck process */
  if (G) gibbs_interrupt(G);
}

/* Protected calls and coroutines under the budgets ----------------------------- */

/*
** Once an interrupt, the time limit or the instruction budget has stopped a
** run, the run must end: pcall, xpcall and coroutine.resume would otherwise
** catch the stop's error and carry on.  These replacements re-raise it, and
** refuse to start anything once stopped.  They keep the originals' results
** and yields (the continuation is the same function).
*/
static int stopped(lua_State *L) {
  gibbs_State *G = *extraspace(L);
  return G && G->running && G->why == GIBBS_EINTERRUPTED;
}

static int stop_again(lua_State *L) {
  gibbs_State *G = *extraspace(L);
  if (gb_ctx_stopped(G->ctx) == GB_ETIMEOUT)
    lua_pushfstring(L, "time limit of %f seconds exceeded", G->time_limit);
  else if (gb_interrupted(G->ctx))
    lua_pushliteral(L, "interrupted");
  else
    lua_pushfstring(L, "instruction budget of %I exhausted", (lua_Integer)G->instr_limit);
  return gbL_raise(L, GB_EINTERRUPTED);
}

static int pcall_done(lua_State *L, int status, lua_KContext base) {
  if (status == LUA_OK || status == LUA_YIELD) return lua_gettop(L) - (int)base;
  if (stopped(L)) return lua_error(L);     /* the stop's own error goes on */
  lua_pushboolean(L, 0);
  lua_pushvalue(L, -2);
  return 2;
}

static int guarded_pcall(lua_State *L) {
  luaL_checkany(L, 1);
  if (stopped(L)) return stop_again(L);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  return pcall_done(L, lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, pcall_done), 0);
}

static int guarded_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  if (stopped(L)) return stop_again(L);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);                     /* handler, true, f, args... */
  return pcall_done(L, lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, pcall_done), 2);
}

/* Resume co with narg values from L; the results (or the error value, and
   -1) are moved onto L.  Checks as lcorolib does. */
static int resume(lua_State *L, lua_State *co, int narg) {
  gibbs_State *G = *extraspace(L);
  int status, nres;
  lua_Debug ar;
  if (co == L || (lua_status(co) == LUA_OK && lua_getstack(co, 0, &ar))) {
    lua_pushliteral(L, "cannot resume non-suspended coroutine");
    return -1;
  }
  if (lua_status(co) == LUA_OK && lua_gettop(co) == 0) {
    lua_pushliteral(L, "cannot resume dead coroutine");
    return -1;
  }
  if (lua_status(co) != LUA_OK && lua_status(co) != LUA_YIELD) {
    lua_pushliteral(L, "cannot resume dead coroutine");
    return -1;
  }
  if (!lua_checkstack(co, narg)) {
    lua_pushliteral(L, "too many arguments to resume");
    return -1;
  }
  lua_xmove(L, co, narg);
  if (G && G->nresumed < 16) G->resumed[G->nresumed] = co;
  if (G) G->nresumed++;
  if (G && gb_interrupted(G->ctx) && G->running)   /* an interrupt came first */
    lua_sethook(co, budget_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
  status = lua_resume(co, L, narg, &nres);
  if (G) G->nresumed--;
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      lua_pushliteral(L, "too many results to resume");
      return -1;
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  lua_xmove(co, L, 1);
  return -1;
}

static int guarded_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  int n;
  luaL_argexpected(L, co, 1, "coroutine");
  if (stopped(L)) return stop_again(L);
  n = resume(L, co, lua_gettop(L) - 1);
  if (n < 0) {
    if (stopped(L)) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, -(n + 1));
  return n + 1;
}

static int wrapped_call(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int n = resume(L, co, lua_gettop(L));
  if (n >= 0) return n;
  if (!stopped(L)) {
    int st = lua_status(co);
    if (st != LUA_OK && st != LUA_YIELD) {   /* close its pending variables */
      lua_resetthread(co);
      lua_xmove(co, L, 1);
    }
    if (lua_type(L, -1) == LUA_TSTRING) {    /* where, as coroutine.wrap says */
      luaL_where(L, 1);
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
  }
  return lua_error(L);
}

static int guarded_wrap(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, wrapped_call, 1);
  return 1;
}

static void guard_calls(lua_State *L) {
  lua_pushcfunction(L, guarded_pcall);
  lua_setglobal(L, "pcall");
  lua_pushcfunction(L, guarded_xpcall);
  lua_setglobal(L, "xpcall");
  if (lua_getglobal(L, "coroutine") == LUA_TTABLE) {
    lua_pushcfunction(L, guarded_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, guarded_wrap);
    lua_setfield(L, -2, "wrap");
  }
  lua_pop(L, 1);
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
  guard_calls(L);
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
  if (!(G->ctx = gb_ctx_new())) {
    free(G);
    return NULL;
  }
  gb_ctx_set_limit(G->ctx, o->mem_limit);
  G->time_limit = o->time_limit;
  G->instr_limit = o->instr_limit;
  G->interactive = o->interactive;
  G->L = lua_newstate(limited_alloc, G);
  if (!G->L) {
    gb_ctx_free(G->ctx);
    free(G);
    return NULL;
  }
  *extraspace(G->L) = G;
  gbL_setctx(G->L, G->ctx);
  lua_gc(G->L, LUA_GCGEN, 0, 0);
  lua_pushcfunction(G->L, open_selected);
  lua_pushlightuserdata(G->L, (void *)o->modules);
  if (lua_pcall(G->L, 1, 0, 0) != LUA_OK ||
      (o->sandbox && gibbs_interp_sandbox(G->L, o->write_dir, o->read_dirs) != 0)) {
    lua_close(G->L);
    gb_ctx_free(G->ctx);
    free(G);
    return NULL;
  }
  return G;
}

void gibbs_close(gibbs_State *G) {
  if (!G) return;
  lua_close(G->L);
  gb_ctx_free(G->ctx);
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
  /* the status of an error a kernel raised travels with its message */
  gibbs_State *G = *extraspace(L);
  int st = gbL_errstatus(L, 1);
  if (G && !G->why && st != GB_OK)
    G->why = st == GB_ENOMEM ? GIBBS_ENOMEM
           : st == GB_EINTERRUPTED || st == GB_ETIMEOUT ? GIBBS_EINTERRUPTED : GIBBS_OK;
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
  gb_ctx_clear(G->ctx);
  if (G->time_limit > 0) gb_ctx_set_deadline(G->ctx, gb_clock() + G->time_limit);
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
  G->running = 0;
  lua_remove(L, base);
  if (st == LUA_OK) {
    set_error(G, NULL);
    return GIBBS_OK;
  }
  set_error(G, lua_tostring(L, -1) ? lua_tostring(L, -1) : "(error object is not a string)");
  lua_pop(L, 1);
  if (st == LUA_ERRMEM) st = GIBBS_ENOMEM;
  else st = G->why ? G->why : GIBBS_ERROR;
  gb_ctx_clear(G->ctx);
  return st;
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

/* A callable table is called as it is: lua_pcall passes it to __call with
   the arguments. */
static int callable(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TFUNCTION) return 1;
  if (luaL_getmetafield(L, idx, "__call") == LUA_TNIL) return 0;
  lua_pop(L, 1);
  return 1;
}

int gibbs_call(gibbs_State *G, const char *fname, int nargs, int nresults) {
  lua_State *L = G->L;
  lua_getglobal(L, fname);
  if (!callable(L, -1)) {
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

gb_ctx *gibbs_interp_ctx(gibbs_State *G) { return G->ctx; }

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
  if ((int)dtype < 0 || (int)dtype >= GB_NDTYPE || ndim < 0 || ndim > GIBBS_MAXDIM ||
      (ndim > 0 && !shape))
    return GIBBS_ERROR;
  for (int i = 0; i < ndim; i++)
    if (shape[i] < 0) return GIBBS_ERROR;
  in.data = data;
  in.dtype = dtype;
  in.ndim = ndim;
  if (ndim > 0) {           /* a 0-d array may come with NULL for both */
    memcpy(in.shape, shape, sizeof(int64_t) * (size_t)ndim);
    if (strides) memcpy(in.strides, strides, sizeof(int64_t) * (size_t)ndim);
  }
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
