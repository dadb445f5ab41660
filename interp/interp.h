/*
** What the interpreter's files share (not installed; hosts use gibbs.h).
*/
#ifndef GIBBS_INTERP_H
#define GIBBS_INTERP_H

#include <lua.h>

#include "gibbs.h"

/* state.c */
int gibbs_interp_pcall(gibbs_State *G, int nargs, int nresults);
struct gb_ctx *gibbs_interp_ctx(gibbs_State *G);
int gibbs_interp_traceback(lua_State *L);
void gibbs_interp_openmodules(lua_State *L, const char *list);

/* stdlib.c: the embedded Lua modules and docs */
typedef struct gibbs_EmbeddedFile {
  const char *path;          /* "stdlib/help.lua", "docs/array.md" */
  const char *data;
  size_t len;
} gibbs_EmbeddedFile;
extern const gibbs_EmbeddedFile gibbs_embedded_files[];   /* NULL path ends it */
void gibbs_interp_openstdlib(lua_State *L);

/* sandbox.c */
int gibbs_interp_sandbox(lua_State *L, const char *write_dir, const char *const *read_dirs);
const char *gibbs_interp_loadmode(lua_State *L);   /* "t" sandboxed, else "bt" */

/* complete.c: the completions of word (sorted, NULL-terminated, malloc'd
   strings in a malloc'd array; *count of them) */
char **gibbs_completions(lua_State *L, const char *word, int *count);

/* progress.c: the progress bar on stderr */
void gibbs_progress_install(gibbs_State *G);
size_t gibbs_progress_line(char *buf, size_t n, const char *what, double done,
                           double total, double elapsed, int width);

/* repl.c */
int gibbs_repl(gibbs_State *G);

#endif
