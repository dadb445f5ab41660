/*
** Module array: n-dimensional typed arrays.  This file only assembles the
** module; the functions live in array_*.c, one concern per file.
**
** The metatable "gibbs.array" holds the operators; its __index (set by
** array_index.c) looks up methods in the method table, then properties
** (shape, ndim, size, dtype, T), then indices.
*/
#include "internal.h"

/* array(t [, dtype]) is array.new(t [, dtype]). */
static int array_call(lua_State *L) {
  lua_remove(L, 1);
  if (lua_getfield(L, lua_upvalueindex(1), "new") != LUA_TFUNCTION)
    return luaL_error(L, "array.new is missing");
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int luaopen_array(lua_State *L) {
  lua_newtable(L);                       /* module */
  int mod = lua_gettop(L);
  luaL_newmetatable(L, GBL_ARRAY);
  int mt = lua_gettop(L);
  lua_newtable(L);                       /* methods */
  int meth = lua_gettop(L);
  lua_pushvalue(L, meth);
  lua_setfield(L, mt, "__methods");
  lua_pushliteral(L, "array");
  lua_setfield(L, mt, "__name");

  gbL_array_create(L, mod, meth);
  gbL_array_index(L, mod, meth);
  gbL_array_view(L, mod, meth);
  gbL_array_math(L, mod, meth);
  gbL_array_reduce(L, mod, meth);
  gbL_array_io(L, mod, meth);
  gbL_array_print(L, mod, meth);

  if (lua_getfield(L, mt, "__index") == LUA_TNIL) {   /* until indexing exists */
    lua_pushvalue(L, meth);
    lua_setfield(L, mt, "__index");
  }
  lua_pop(L, 1);

  lua_newtable(L);                       /* the module is callable */
  lua_pushvalue(L, mod);
  lua_pushcclosure(L, array_call, 1);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, mod);
  lua_settop(L, mod);
  return 1;
}
