/*
** array: properties, element access and indexing.
*/
#include <string.h>

#include "internal.h"

/* The byte offset of the element at 1-based Lua indices args[first..]. */
static char *element(lua_State *L, gb_array *a, int first, int n) {
  char *p = a->data;
  if (n != a->ndim)
    gbL_error(L, "%d indices given for an array of %d dimension%s", n, a->ndim,
              a->ndim == 1 ? "" : "s");
  for (int k = 0; k < n; k++) {
    lua_Integer i = luaL_checkinteger(L, first + k);
    int64_t len = a->shape[k];
    int64_t i0 = i < 0 ? len + i : i - 1;
    if (i == 0 || i0 < 0 || i0 >= len)
      gbL_error(L, "index %lld out of range for axis %d of length %lld",
                (long long)i, k + 1, (long long)len);
    p += i0 * a->strides[k];
  }
  return p;
}

/* a:get(i, j, ...) */
static int m_get(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  gbL_pushelement(L, a->dtype, element(L, a, 2, lua_gettop(L) - 1));
  return 1;
}

/* a:set(i, j, ..., v) */
static int m_set(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  int top = lua_gettop(L);
  char *p = element(L, a, 2, top - 2);
  if (lua_isinteger(L, top)) gb_set_int(a->dtype, p, lua_tointeger(L, top));
  else if (lua_type(L, top) == LUA_TBOOLEAN) gb_set_int(a->dtype, p, lua_toboolean(L, top));
  else gb_set_double(a->dtype, p, luaL_checknumber(L, top));
  return 0;
}

static int mt_len(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  if (a->ndim == 0) gbL_error(L, "length of a 0-d array");
  lua_pushinteger(L, (lua_Integer)a->shape[0]);
  return 1;
}

/* Properties: shape, ndim, size, dtype. */
static int property(lua_State *L, gb_array *a, const char *k) {
  if (strcmp(k, "shape") == 0) {
    lua_createtable(L, a->ndim, 0);
    for (int i = 0; i < a->ndim; i++) {
      lua_pushinteger(L, (lua_Integer)a->shape[i]);
      lua_rawseti(L, -2, i + 1);
    }
  } else if (strcmp(k, "ndim") == 0) lua_pushinteger(L, a->ndim);
  else if (strcmp(k, "size") == 0) lua_pushinteger(L, (lua_Integer)a->size);
  else if (strcmp(k, "dtype") == 0) lua_pushstring(L, gb_dtype_name(a->dtype));
  else return 0;
  return 1;
}

/* __index: methods (upvalue 1), then properties. */
static int mt_index(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  if (lua_type(L, 2) == LUA_TSTRING) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    if (property(L, a, lua_tostring(L, 2))) return 1;
    lua_pushnil(L);
    return 1;
  }
  if (lua_isinteger(L, 2) && a->ndim == 1) {
    gbL_pushelement(L, a->dtype, element(L, a, 2, 1));
    return 1;
  }
  return gbL_error(L, "unsupported index of type %s", luaL_typename(L, 2));
}

static const luaL_Reg methods[] = {
  {"get", m_get},
  {"set", m_set},
  {NULL, NULL}
};

void gbL_array_index(lua_State *L, int mod, int meth) {
  (void)mod;
  gbL_setfuncs(L, meth, methods);
  luaL_getmetatable(L, GBL_ARRAY);
  lua_pushvalue(L, meth);
  lua_pushcclosure(L, mt_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, mt_len);
  lua_setfield(L, -2, "__len");
  lua_pop(L, 1);
}
