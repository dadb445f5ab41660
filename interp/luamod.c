/*
** gibbs.so: every gibbs module for a stock lua5.4.
**
**   local g = require "gibbs"     -- g.array, g.linalg, ...; also globals
*/
#include <lauxlib.h>

#include "interp.h"
#include "internal.h"

/* Exported (the build hides what is not marked): require looks it up. */
GIBBS_API int luaopen_gibbs(lua_State *L) {
  gibbs_interp_openmodules(L, NULL);
  lua_newtable(L);
#define GB_FIELD(name)                 \
  lua_getglobal(L, #name);             \
  lua_setfield(L, -2, #name);
  GIBBS_MODULES(GB_FIELD)
#undef GB_FIELD
  lua_getglobal(L, "help");
  lua_setfield(L, -2, "help");
  lua_pushliteral(L, GIBBS_VERSION);
  lua_setfield(L, -2, "version");
  return 1;
}
