/*
** gibbs.h: embedding the gibbs interpreter in a C or C++ program.
**
**   gibbs_Options o;
**   gibbs_options_init(&o);
**   o.mem_limit = 512u << 20;
**   gibbs_State *G = gibbs_open(&o);
**   if (gibbs_run_string(G, "x = array.linspace(0, 1, 5)", "setup") != GIBBS_OK)
**     fprintf(stderr, "%s\n", gibbs_error(G));
**   gibbs_close(G);
**
** A state is one Lua 5.4 state with the gibbs modules loaded.  Use one state
** from one thread at a time; gibbs_interrupt may be called from any thread.
** See docs/embedding.md.
*/
#ifndef GIBBS_H
#define GIBBS_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GIBBS_VERSION "0.1.0"

/* The library is built with -fvisibility=hidden: what is marked GIBBS_API
   is all that libgibbs.so exports. */
#ifdef __GNUC__
#define GIBBS_API __attribute__((visibility("default")))
#else
#define GIBBS_API
#endif

/* Results of the run/call functions. */
enum {
  GIBBS_OK = 0,
  GIBBS_ERROR = 1,         /* a Lua error: see gibbs_error() */
  GIBBS_ENOMEM = 2,        /* the memory limit or the system ran out */
  GIBBS_EINTERRUPTED = 3,  /* gibbs_interrupt(), the time or instruction budget */
  GIBBS_ESYNTAX = 4        /* the code did not compile */
};

typedef struct gibbs_Options {
  const char *modules;       /* comma-separated C modules to load ("array,linalg"),
                                NULL for all */
  int sandbox;               /* non-zero: no processes, native code, bytecode,
                                debug library, environment, finalizers, writes
                                outside write_dir or reads outside read_dirs
                                and write_dir (docs/embedding.md) */
  const char *write_dir;     /* under the sandbox, the one directory scripts may
                                write in, and read (NULL: none) */
  size_t mem_limit;          /* bytes the state may allocate, 0 = no limit */
  double time_limit;         /* seconds each run/call may take, 0 = no limit */
  long long instr_limit;     /* Lua VM instructions each run/call may execute,
                                0 = no limit */
  int interactive;           /* non-zero: Ctrl-C (SIGINT) interrupts runs */
  const char *const *read_dirs;  /* under the sandbox, the directories scripts
                                may read files in, besides write_dir: a
                                NULL-terminated array (NULL: none).  The
                                strings must stay valid while the state is
                                open. */
} gibbs_Options;

typedef struct gibbs_State gibbs_State;

/* Fill o with the defaults: every module, no sandbox, no limits. */
GIBBS_API void gibbs_options_init(gibbs_Options *o);

/* A new state, or NULL when memory ran out or a module failed to load. */
GIBBS_API gibbs_State *gibbs_open(const gibbs_Options *o);
GIBBS_API void gibbs_close(gibbs_State *G);

/* The underlying Lua state, for the Lua C API. */
GIBBS_API lua_State *gibbs_lua(gibbs_State *G);

/* Run a chunk of source code or a file (with a shebang line allowed). */
GIBBS_API int gibbs_run_string(gibbs_State *G, const char *code, const char *chunkname);
GIBBS_API int gibbs_run_file(gibbs_State *G, const char *path);

/* Call the global function (or value with __call) fname with nargs
   arguments already pushed on gibbs_lua(G)'s stack; leaves nresults
   results there (LUA_MULTRET: all), or nothing on failure. */
GIBBS_API int gibbs_call(gibbs_State *G, const char *fname, int nargs, int nresults);

/* The message and traceback of the last failed run or call ("" if none). */
GIBBS_API const char *gibbs_error(gibbs_State *G);

/* Ask the running computation to stop, Lua code and native loops alike.
   Safe from another thread or a signal handler. */
GIBBS_API void gibbs_interrupt(gibbs_State *G);

/* Arrays without copying ------------------------------------------------- */

typedef enum gibbs_dtype {
  GIBBS_BOOL = 0, GIBBS_INT64 = 1, GIBBS_FLOAT32 = 2, GIBBS_FLOAT64 = 3
} gibbs_dtype;

#define GIBBS_MAXDIM 32

typedef struct gibbs_ArrayInfo {
  void *data;                      /* first element */
  gibbs_dtype dtype;
  int ndim;
  int64_t shape[GIBBS_MAXDIM];
  int64_t strides[GIBBS_MAXDIM];   /* bytes */
  int64_t size;                    /* number of elements */
} gibbs_ArrayInfo;

/* Push an array viewing host memory.  strides in bytes (NULL: C order);
   shape may be NULL only when ndim is 0.
   release(ud, data) runs when Lua drops the last view (may be NULL).
   Returns GIBBS_OK, or GIBBS_ERROR for a bad dtype or shape. */
GIBBS_API int gibbs_push_array(lua_State *L, void *data, gibbs_dtype dtype, int ndim,
                               const int64_t *shape, const int64_t *strides,
                               void (*release)(void *ud, void *data), void *ud);

/* Describe the array at idx; returns 0 if the value is not an array.  The
   pointer stays valid while the array is reachable from Lua. */
GIBBS_API int gibbs_to_array(lua_State *L, int idx, gibbs_ArrayInfo *info);

/* Open every gibbs module in a plain lua_State (what gibbs.so does). */
GIBBS_API int gibbs_openlibs(lua_State *L);

#ifdef __cplusplus
}
#endif

#endif
