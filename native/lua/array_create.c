/*
** array: creation from tables and shapes, and conversion back to tables.
*/
#include <string.h>

#include "internal.h"

/* array.new(t [, dtype]) */
static int a_new(lua_State *L) {
  int dtype = gbL_optdtype(L, 2, -1);
  if (gbL_testarray(L, 1)) {
    gb_array *a = gbL_checkarray(L, 1);
    gb_array *b = gbL_newlike(L, a, dtype);
    gb_copy(b, a);
    return 1;
  }
  if (lua_type(L, 1) == LUA_TNUMBER || lua_type(L, 1) == LUA_TBOOLEAN) {
    gbL_toarray(L, 1, dtype);
    lua_settop(L, 1);
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  gbL_fromtable(L, 1, dtype);
  return 1;
}

static gb_array *new_from_shape(lua_State *L, int dtype_arg, int def) {
  int64_t shape[GB_MAXDIM];
  int nd = gbL_checkshape(L, 1, shape);
  int dtype = gbL_optdtype(L, dtype_arg, def);
  return gbL_newarray(L, dtype, nd, shape);
}

static void fill_double(gb_array *a, double v) {
  size_t es = gb_dtype_size(a->dtype);
  for (int64_t i = 0; i < a->size; i++) gb_set_double(a->dtype, a->data + (size_t)i * es, v);
}

/* array.zeros(shape [, dtype]) */
static int a_zeros(lua_State *L) {
  gb_array *a = new_from_shape(L, 2, GB_FLOAT64);
  memset(a->data, 0, (size_t)a->size * gb_dtype_size(a->dtype));
  return 1;
}

/* array.ones(shape [, dtype]) */
static int a_ones(lua_State *L) {
  fill_double(new_from_shape(L, 2, GB_FLOAT64), 1.0);
  return 1;
}

/* array.empty(shape [, dtype]) */
static int a_empty(lua_State *L) {
  new_from_shape(L, 2, GB_FLOAT64);
  return 1;
}

/* a:totable(): nested Lua tables (a number for a 0-d array). */
static void push_table(lua_State *L, const gb_array *a, const char *p, int axis) {
  if (axis == a->ndim) {
    gbL_pushelement(L, a->dtype, p);
    return;
  }
  lua_createtable(L, (int)a->shape[axis], 0);
  for (int64_t i = 0; i < a->shape[axis]; i++) {
    push_table(L, a, p + i * a->strides[axis], axis + 1);
    lua_rawseti(L, -2, (lua_Integer)(i + 1));
  }
}

static int m_totable(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  luaL_checkstack(L, a->ndim + 4, "array too deep");
  push_table(L, a, a->data, 0);
  return 1;
}

static const luaL_Reg module_funcs[] = {
  {"new", a_new},
  {"zeros", a_zeros},
  {"ones", a_ones},
  {"empty", a_empty},
  {NULL, NULL}
};

static const luaL_Reg methods[] = {
  {"totable", m_totable},
  {NULL, NULL}
};

void gbL_array_create(lua_State *L, int mod, int meth) {
  gbL_setfuncs(L, mod, module_funcs);
  gbL_setfuncs(L, meth, methods);
}
