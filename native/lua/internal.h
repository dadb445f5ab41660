/*
** Helpers shared by the Lua bindings in native/lua (not a public header).
**
** An array is a full userdata "gibbs.array" holding a gb_array header; its
** first user value is the "gibbs.buffer" userdata that owns the memory.
** Views share that buffer, so the memory lives as long as any view does,
** and because the buffer is itself a Lua userdata its size counts towards
** the garbage collector's debt and the state's memory limit.
*/
#ifndef GBL_INTERNAL_H
#define GBL_INTERNAL_H

#include <lua.h>
#include <lauxlib.h>

#include "ndarray.h"

#define GBL_ARRAY "gibbs.array"
#define GBL_BUFFER "gibbs.buffer"
#define GBL_RNG "gibbs.rng"                      /* generators (rng.c) */
#define GBL_RNG_DEFAULT "gibbs.rng.default"      /* the default one, in the registry */
#define GBL_DIST "gibbs.dist"                    /* distributions (stats.c) */

typedef struct gbL_Buffer {
  char *data;                              /* GB_ALIGN-aligned */
  size_t nbytes;
  void (*release)(void *ud, void *data);   /* host memory: called by __gc */
  void *ud;
} gbL_Buffer;

/* Every C module, in the order they are opened (array first: the others
   make arrays).  Add a line here when a module is added. */
#define GIBBS_MODULES(X) \
  X(array)               \
  X(time)                \
  X(linalg)              \
  X(rng)                 \
  X(sample)              \
  X(special)             \
  X(stats)               \
  X(entropy)

#define GBL_DECLARE(name) int luaopen_##name(lua_State *L);
GIBBS_MODULES(GBL_DECLARE)
#undef GBL_DECLARE

/* Arrays ------------------------------------------------------------------ */

/* Push a new C-contiguous array; its contents are uninitialised.  Raises a
   Lua error on a bad or overflowing shape. */
gb_array *gbL_newarray(lua_State *L, int dtype, int ndim, const int64_t *shape);

/* Push a new array of the same shape as a (C-contiguous). */
gb_array *gbL_newlike(lua_State *L, const gb_array *a, int dtype);

/* Push an array that wraps memory the caller owns; release (may be NULL)
   runs when Lua collects the last view of it. */
gb_array *gbL_wraparray(lua_State *L, void *data, int dtype, int ndim,
                        const int64_t *shape, const int64_t *strides,
                        void (*release)(void *ud, void *data), void *ud);

/* Push a view with header v on the buffer of the array at index base. */
gb_array *gbL_pushview(lua_State *L, int base, const gb_array *v);

gb_array *gbL_testarray(lua_State *L, int idx);   /* NULL if not an array */
gb_array *gbL_checkarray(lua_State *L, int idx);  /* error if not an array */

/*
** Make the value at idx an array, converting numbers, booleans and nested
** tables (it is replaced in the stack).  dtype -1 keeps or infers the dtype,
** otherwise the result has that dtype (a copy when it differs).
*/
gb_array *gbL_toarray(lua_State *L, int idx, int dtype);

/* Build an array from a (possibly nested) Lua table at idx and push it.
   dtype -1 infers int64/float64/bool from the values. */
gb_array *gbL_fromtable(lua_State *L, int idx, int dtype);

/* Arguments --------------------------------------------------------------- */

/* A shape given as an integer or a table of integers; returns ndim. */
int gbL_checkshape(lua_State *L, int idx, int64_t *shape);

/* An optional dtype name (string) or def when absent/nil. */
int gbL_optdtype(lua_State *L, int idx, int def);

/* A private contiguous float64 copy of the 1-D array or table of numbers
   at idx, pushed; errors name it as `what`. */
gb_array *gbL_checkvector(lua_State *L, int idx, const char *what);

/* A 1-based axis (negative counts from the end) turned into 0-based. */
int gbL_checkaxis(lua_State *L, int idx, int ndim);

/*
** The native context (ctx.h) of the state L belongs to: the interpreter
** installs its state's context with gbL_setctx; a plain lua_State (gibbs.so
** in a stock lua5.4) gets one owned by Lua on first use.  Pass it to every
** kernel.
*/
gb_ctx *gbL_ctx(lua_State *L);
void gbL_setctx(lua_State *L, gb_ctx *ctx);

/*
** Raise "fname: message" for a failed kernel status (fname NULL: the
** running function's public name).  The message says why a stop happened
** (interrupted, time limit, memory limit, which library failed to load).
*/
int gbL_statuserror(lua_State *L, const char *fname, int status);

/* Raise the value at the top as an error that carries a status, which
   gbL_errstatus reads back from the same value (GB_OK for any other). */
int gbL_raise(lua_State *L, int status);
int gbL_errstatus(lua_State *L, int idx);

/* Raise the stop error if the context was interrupted or timed out. */
void gbL_checkinterrupt(lua_State *L);

/*
** Options tables, the one reader every module uses.  gbL_opts accepts nil
** (returns 0) or a table whose keys are all in the NULL-terminated list
** known (returns 1); any other key is an error naming it and the function.
** The getters read one key of the table at idx (nil or absent: def) and
** raise "option KEY must be ..." for a wrong type or range.  gbL_optint
** takes integers and integral floats from lo to hi.  gbL_optenum and
** gbL_checkenum return the index of the string in names (NULL-terminated),
** or raise an error listing them.
*/
int gbL_opts(lua_State *L, int idx, const char *const known[]);
double gbL_optnum(lua_State *L, int idx, const char *key, double def);
lua_Integer gbL_optint(lua_State *L, int idx, const char *key, lua_Integer def,
                       lua_Integer lo, lua_Integer hi);
int gbL_optbool(lua_State *L, int idx, const char *key, int def);
const char *gbL_optstr(lua_State *L, int idx, const char *key, const char *def);
int gbL_optenum(lua_State *L, int idx, const char *key, const char *def,
                const char *const names[]);
int gbL_checkenum(lua_State *L, int arg, const char *def, const char *const names[]);

/*
** Calling Lua from a kernel (docs/internals.md, "Callbacks").  The binding
** makes a gbL_callback for the Lua function at stack index fn (this pushes
** one slot, leave it there), and gives the kernel a C callback whose ud
** leads to it.  The C callback pushes its arguments and calls
** gbL_callback_call, which runs the function under protection: GB_OK with
** nresults results pushed; GB_ECALLBACK when it raised an error (kept in
** the slot); or the context's stop status when an interrupt or the time
** limit ended it.  The kernel returns that status after freeing its work;
** the binding then calls gbL_callback_fail, which raises the callback's
** own error, or the status error.  No longjmp crosses a kernel.
*/
typedef struct gbL_callback {
  lua_State *L;
  gb_ctx *ctx;
  int fn;                    /* stack index of the function */
  int err;                   /* stack index of the error slot */
} gbL_callback;

void gbL_callback_init(lua_State *L, gbL_callback *cb, int fn);
int gbL_callback_call(gbL_callback *cb, int nargs, int nresults);
int gbL_callback_fail(gbL_callback *cb, const char *fname, int status);

/* Push a Lua number (integer for int64/bool-as-boolean) for one element. */
void gbL_pushelement(lua_State *L, int dtype, const char *p);



/*
** Raise an error prefixed with the public name of the running C function
** ("array.zeros: ..."), found the way lauxlib finds it for argument errors.
*/
int gbL_error(lua_State *L, const char *fmt, ...);

/* Push the public name of the C function running at level 0 ("array.sum",
   "array:sum" for methods, or "?" when unknown). */
void gbL_pushfuncname(lua_State *L);


/*
** Under the sandbox, writes are allowed only below one directory, and reads
** only inside the read directories and the write directory.  Every function
** that creates or changes a file calls gbL_checkwrite first, every one that
** reads a file gbL_checkread; they raise an error naming the path when it
** is not allowed (gbL_mayread answers without raising).  The policy lives
** in the registry (set by interp/sandbox.c), so it holds for every binding;
** without the sandbox everything is allowed.
*/
#define GBL_WRITEDIR_KEY "gibbs.write_dir"    /* a string, or false: none */
#define GBL_READDIRS_KEY "gibbs.read_dirs"    /* a list of strings */
void gbL_checkwrite(lua_State *L, const char *path);
void gbL_checkread(lua_State *L, const char *path);
int gbL_mayread(lua_State *L, const char *path);

/*
** The array module is split by concern; each part adds its functions to
** the module table (at index mod) and its methods to the method table (at
** index meth).  native/lua/array.c calls them in this order.
*/
void gbL_array_create(lua_State *L, int mod, int meth);   /* array_create.c */
void gbL_array_index(lua_State *L, int mod, int meth);    /* array_index.c */
void gbL_array_view(lua_State *L, int mod, int meth);     /* array_view.c */
void gbL_array_math(lua_State *L, int mod, int meth);     /* array_math.c */
void gbL_array_reduce(lua_State *L, int mod, int meth);   /* array_reduce.c */
void gbL_array_io(lua_State *L, int mod, int meth);       /* array_io.c */
void gbL_array_print(lua_State *L, int mod, int meth);    /* array_print.c */

/*
** Begin a progress report (status.h) whose end is tied to the C function's
** stack: a to-be-closed value is pushed, so the report ends when the
** function returns or an error unwinds it.  Leave the pushed value where
** it is.
*/
void gbL_progress_begin(lua_State *L, const char *what, double total);

/*
** Apply fn to every element of the nin arguments at first .. first+nin-1
** (numbers, arrays or nested tables, broadcast together).  Numbers alone
** give a Lua number; otherwise a float64 array, or the result is written
** into the array at iout (0: none), which must have the broadcast shape and
** be float64 or float32.  ctx is passed to fn untouched.  Pushes the result.
*/
#define GBL_MAPMAX 3
typedef double (*gbL_mapfn)(const void *ctx, const double *x);
int gbL_map(lua_State *L, int first, int nin, int iout, gbL_mapfn fn, const void *ctx);

/* The generator at idx, or the default generator when idx is 0 or the
   argument is absent or nil; an error for anything else. */
struct gb_rng;
struct gb_rng *gbL_optrng(lua_State *L, int idx);

/* Set the functions of l as fields of the table at idx. */
void gbL_setfuncs(lua_State *L, int idx, const luaL_Reg *l);
#endif
