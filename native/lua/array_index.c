/*
** array: properties, element access and indexing.
**
**   a[i]                 an element of a 1-D array, else a view along axis 1
**   a[{i, j}]            an element; fewer indices than axes give a view
**   a[{i, {2, -1}}]      ranges {lo, hi [, step]}: 1-based, inclusive,
**   a[{":", 3}]          negative from the end; ":" is the whole axis
**   a[mask]  a[idx]      a bool array, or an int64 array of indices along
**                        axis 1: copies
**
** Every form can be assigned to, with broadcasting.  Views share the
** buffer; their headers are computed here in constant time.
*/
#include <string.h>

#include "index.h"
#include "internal.h"

/* Scalar access ----------------------------------------------------------------- */

static int64_t checkindex(lua_State *L, lua_Integer i, int axis, int64_t len) {
  int64_t i0 = i < 0 ? len + i : i - 1;
  if (i == 0 || i0 < 0 || i0 >= len)
    gbL_error(L, "index %lld out of range for axis %d of length %lld",
              (long long)i, axis + 1, (long long)len);
  return i0;
}

/* The element at 1-based Lua indices args[first..first+n). */
static char *element(lua_State *L, gb_array *a, int first, int n) {
  char *p = a->data;
  if (n != a->ndim)
    gbL_error(L, "%d indices given for an array of %d dimension%s", n, a->ndim,
              a->ndim == 1 ? "" : "s");
  for (int k = 0; k < n; k++) {
    int ok;
    lua_Integer i = lua_tointegerx(L, first + k, &ok);
    if (!ok) gbL_error(L, "index %d must be an integer, got %s", k + 1, luaL_typename(L, first + k));
    p += checkindex(L, i, k, a->shape[k]) * a->strides[k];
  }
  return p;
}

/* Store the Lua value at idx into one element. */
static void setelement(lua_State *L, int dtype, char *p, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) gb_set_int(dtype, p, lua_tointeger(L, idx));
      else gb_set_double(dtype, p, lua_tonumber(L, idx));
      break;
    case LUA_TBOOLEAN: gb_set_int(dtype, p, lua_toboolean(L, idx)); break;
    default: gbL_error(L, "a number or boolean is needed, got %s", luaL_typename(L, idx));
  }
}

/*
** get and set are the hot path of element loops written in Lua, so they
** check self against the metatable held as their upvalue (no registry
** lookup) and take 1-D float64 access without the general loop.
*/
static gb_array *fastself(lua_State *L) {
  gb_array *a = lua_touserdata(L, 1);
  if (a && lua_getmetatable(L, 1)) {
    int same = lua_rawequal(L, -1, lua_upvalueindex(1));
    lua_pop(L, 1);
    if (same) return a;
  }
  return gbL_checkarray(L, 1);
}

/* a:get(i, j, ...) */
static int m_get(lua_State *L) {
  gb_array *a = fastself(L);
  int n = lua_gettop(L) - 1;
  if (n == 1 && a->ndim == 1 && a->dtype == GB_FLOAT64 && lua_isinteger(L, 2)) {
    lua_Integer i = lua_tointeger(L, 2);
    if (i >= 1 && i <= a->shape[0]) {
      lua_pushnumber(L, *(double *)(a->data + (i - 1) * a->strides[0]));
      return 1;
    }
  }
  gbL_pushelement(L, a->dtype, element(L, a, 2, n));
  return 1;
}

/* a:set(i, j, ..., v) */
static int m_set(lua_State *L) {
  gb_array *a = fastself(L);
  int top = lua_gettop(L);
  if (top == 3 && a->ndim == 1 && a->dtype == GB_FLOAT64 && lua_isinteger(L, 2) &&
      lua_type(L, 3) == LUA_TNUMBER) {
    lua_Integer i = lua_tointeger(L, 2);
    if (i >= 1 && i <= a->shape[0]) {
      *(double *)(a->data + (i - 1) * a->strides[0]) = lua_tonumber(L, 3);
      return 0;
    }
  }
  setelement(L, a->dtype, element(L, a, 2, top - 2), top);
  return 0;
}

static int mt_len(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  if (a->ndim == 0) gbL_error(L, "length of a 0-d array");
  lua_pushinteger(L, (lua_Integer)a->shape[0]);
  return 1;
}

/* Views from index keys ---------------------------------------------------------- */

/* An integer entry of a range table, with a default when absent. */
static lua_Integer range_entry(lua_State *L, int t, int i, lua_Integer def) {
  int ok;
  lua_Integer v;
  if (lua_rawgeti(L, t, i) == LUA_TNIL) { lua_pop(L, 1); return def; }
  v = lua_tointegerx(L, -1, &ok);
  if (!ok) gbL_error(L, "range entries must be integers, got %s", luaL_typename(L, -1));
  lua_pop(L, 1);
  return v;
}

/*
** Narrow axis k of v by the range table at t: {lo, hi [, step]}, inclusive,
** negative values counting from the end (-1 is the last); {lo} runs to the
** end and {} is the whole axis.  Endpoints must lie in the axis, except that
** an empty range (hi = lo - 1 for a positive step) is allowed.
*/
static void apply_range(lua_State *L, gb_array *v, int k, int t) {
  int64_t len = v->shape[k];
  lua_Integer step = range_entry(L, t, 3, 1);
  lua_Integer lo = range_entry(L, t, 1, step > 0 ? 1 : -1);
  lua_Integer hi = range_entry(L, t, 2, step > 0 ? -1 : 1);
  if (step == 0) gbL_error(L, "range step must not be 0");
  int64_t l = lo < 0 ? len + lo + 1 : lo, h = hi < 0 ? len + hi + 1 : hi, count;
  /* The endpoints are checked before any arithmetic on them, so that
     extreme integers cannot overflow it. */
  if (step > 0) {
    if (h >= l ? (l < 1 || h > len) : (l < 1 || l > len + 1 || h < 0))
      gbL_error(L, "range {%lld, %lld} out of range for axis %d of length %lld",
                (long long)lo, (long long)hi, k + 1, (long long)len);
    count = h >= l ? (h - l) / step + 1 : 0;
  } else {
    if (l >= h && (l > len || h < 1))
      gbL_error(L, "range {%lld, %lld, %lld} out of range for axis %d of length %lld",
                (long long)lo, (long long)hi, (long long)step, k + 1, (long long)len);
    count = l >= h ? (int64_t)((uint64_t)(l - h) / (0 - (uint64_t)step)) + 1 : 0;
  }
  if (count > 0) v->data += (l - 1) * v->strides[k];
  v->shape[k] = count;
  /* with one element or none the stride is never used, and step may then
     be too large to multiply by */
  int64_t stride;
  if (!__builtin_mul_overflow(v->strides[k], step, &stride)) v->strides[k] = stride;
}

/*
** The view a key selects: an integer (axis 1), ":" (everything), or a table
** of per-axis entries.  Integer entries drop their axis.  Returns 1 when
** every axis got an integer (v->data is then the element).
*/
static int key_view(lua_State *L, const gb_array *a, int key, gb_array *v) {
  int drop[GB_MAXDIM] = {0}, n, ints = 0;
  *v = *a;
  if (lua_type(L, key) == LUA_TNUMBER) {
    int ok;
    lua_Integer i = lua_tointegerx(L, key, &ok);
    if (!ok) gbL_error(L, "index must be an integer, got %s", lua_tostring(L, key));
    if (a->ndim == 0) gbL_error(L, "a 0-d array has no axes to index");
    v->data += checkindex(L, i, 0, a->shape[0]) * a->strides[0];
    drop[0] = 1;
    n = 1;
    ints = 1;
  } else if (lua_type(L, key) == LUA_TSTRING) {
    if (strcmp(lua_tostring(L, key), ":") != 0)
      gbL_error(L, "unknown field or index '%s'", lua_tostring(L, key));
    return 0;
  } else {
    n = (int)lua_rawlen(L, key);
    if (n > a->ndim)
      gbL_error(L, "%d indices given for an array of %d dimension%s", n, a->ndim,
                a->ndim == 1 ? "" : "s");
    for (int k = 0; k < n; k++) {
      int t = lua_rawgeti(L, key, k + 1);
      if (t == LUA_TNUMBER) {
        int ok;
        lua_Integer i = lua_tointegerx(L, -1, &ok);
        if (!ok) gbL_error(L, "index %d must be an integer, got %s", k + 1, lua_tostring(L, -1));
        v->data += checkindex(L, i, k, a->shape[k]) * a->strides[k];
        drop[k] = 1;
        ints++;
      } else if (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), ":") == 0) {
        /* the whole axis */
      } else if (t == LUA_TTABLE && !gbL_testarray(L, -1)) {
        apply_range(L, v, k, lua_gettop(L));
      } else {
        gbL_error(L, "index %d must be an integer, a range {lo, hi [, step]} or \":\", got %s",
                  k + 1, luaL_typename(L, -1));
      }
      lua_pop(L, 1);
    }
  }
  int nd = 0;
  int64_t size = 1;
  for (int k = 0; k < a->ndim; k++) {
    if (drop[k]) continue;
    v->shape[nd] = v->shape[k];
    v->strides[nd++] = v->strides[k];
    size *= v->shape[nd - 1];
  }
  v->ndim = nd;
  v->size = size;
  return ints == a->ndim;
}

/* Masks and index arrays ------------------------------------------------------------ */

/*
** The shape of a[key] for the mask or index array at key, into shape;
** returns ndim.  Errors name the problem as the kernels' statuses cannot.
*/
static int selected_shape(lua_State *L, const gb_array *a, const gb_array *k, int64_t *shape) {
  int nd, st;
  if (k->dtype == GB_BOOL) {
    if ((st = gb_mask_shape(a, k, &nd, shape)) == GB_ESHAPE) {
      char s1[128], s2[128];
      gb_format_shape(s1, sizeof s1, k->ndim, k->shape);
      gb_format_shape(s2, sizeof s2, a->ndim, a->shape);
      gbL_error(L, "mask of shape %s does not match the array's shape %s", s1, s2);
    }
  } else if (k->dtype == GB_INT64) {
    if ((st = gb_take_shape(a, k, &nd, shape)) == GB_ESHAPE) {
      if (a->ndim == 0) gbL_error(L, "a 0-d array has no axes to index");
      gbL_error(L, "too many dimensions (%d, at most %d)", k->ndim + a->ndim - 1, GB_MAXDIM);
    }
  } else {
    return gbL_error(L, "an index array must be bool (a mask) or int64 (indices), got %s",
                     gb_dtype_name(k->dtype));
  }
  if (st != GB_OK) gbL_statuserror(L, NULL, st);
  return nd;
}

/* Raise the error of a take or put; bad is the index out of range. */
static void selecterror(lua_State *L, const gb_array *a, int st, int64_t bad) {
  if (st == GB_EINVAL)
    gbL_error(L, "index %lld out of range for axis 1 of length %lld", (long long)bad,
              (long long)a->shape[0]);
  gbL_statuserror(L, NULL, st);
}

/* Push a[mask] or a[idx] (copies), for the array key at key. */
static void push_selected(lua_State *L, int self, int key) {
  gb_array *a = gbL_checkarray(L, self), *k = gbL_checkarray(L, key);
  int64_t shape[GB_MAXDIM], bad = 0;
  int nd = selected_shape(L, a, k, shape), st;
  gb_array *o = gbL_newarray(L, a->dtype, nd, shape);
  if (k->dtype == GB_BOOL) st = gb_mask_get(gbL_ctx(L), a, k, o);
  else st = gb_take(gbL_ctx(L), a, k, o, &bad);
  if (st != GB_OK) selecterror(L, a, st, bad);
}

/* Assignment -------------------------------------------------------------------------- */

/* dst[...] = the value at val, broadcast to dst's shape. */
static void assign(lua_State *L, gb_array *dst, int val) {
  if (lua_type(L, val) == LUA_TNUMBER || lua_type(L, val) == LUA_TBOOLEAN) {
    gb_array *s = gbL_newarray(L, dst->dtype, 0, NULL);
    setelement(L, dst->dtype, s->data, val);
    gb_array b;
    gb_broadcast_to(s, dst->ndim, dst->shape, &b);
    gb_copy(gbL_ctx(L), dst, &b);
    return;
  }
  luaL_checkany(L, val);
  gb_array *s = gbL_toarray(L, val, -1);
  gb_array b;
  if (gb_broadcast_to(s, dst->ndim, dst->shape, &b) != GB_OK) {
    char s1[128], s2[128];
    gb_format_shape(s1, sizeof s1, s->ndim, s->shape);
    gb_format_shape(s2, sizeof s2, dst->ndim, dst->shape);
    gbL_error(L, "cannot assign a value of shape %s to a selection of shape %s", s1, s2);
  }
  int st = gb_copy(gbL_ctx(L), dst, &b);
  if (st != GB_OK) gbL_statuserror(L, NULL, st);
}

/* a[mask] = v, a[idx] = v: v broadcast to the selection's shape. */
static void assign_selected(lua_State *L, int self, int key, int val) {
  gb_array *a = gbL_checkarray(L, self), *k = gbL_checkarray(L, key);
  int64_t shape[GB_MAXDIM], bad = 0;
  int nd = selected_shape(L, a, k, shape), st;
  /* the value, densely in the selection's shape, then scattered */
  gb_array *dense = gbL_newarray(L, a->dtype, nd, shape);
  int di = lua_gettop(L);
  assign(L, dense, val);
  a = gbL_checkarray(L, self);
  k = gbL_checkarray(L, key);
  dense = gbL_checkarray(L, di);
  if (k->dtype == GB_BOOL) st = gb_mask_set(gbL_ctx(L), a, k, dense);
  else st = gb_put(gbL_ctx(L), a, k, dense, &bad);
  if (st != GB_OK) selecterror(L, a, st, bad);
}

/* Metamethods ----------------------------------------------------------------------------- */

/* Properties: shape, ndim, size, dtype, T. */
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
  else if (strcmp(k, "T") == 0) {
    gb_array v = *a;
    for (int i = 0; i < a->ndim; i++) {
      v.shape[i] = a->shape[a->ndim - 1 - i];
      v.strides[i] = a->strides[a->ndim - 1 - i];
    }
    gbL_pushview(L, 1, &v);
  } else return 0;
  return 1;
}

/* __index: methods (upvalue 1), properties, then indices. */
static int mt_index(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1), v;
  int t = lua_type(L, 2);
  if (t == LUA_TSTRING) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    if (property(L, a, lua_tostring(L, 2))) return 1;
    if (strcmp(lua_tostring(L, 2), ":") != 0) { lua_pushnil(L); return 1; }
  }
  if (t == LUA_TNUMBER && lua_isinteger(L, 2) && a->ndim >= 1 &&
      lua_tointeger(L, 2) == a->shape[0] + 1) {
    lua_pushnil(L);                       /* one past the end: so that ipairs stops */
    return 1;
  }
  if (t == LUA_TNUMBER && lua_isinteger(L, 2) && a->ndim == 1) {
    lua_Integer i = lua_tointeger(L, 2);
    gbL_pushelement(L, a->dtype, a->data + checkindex(L, i, 0, a->shape[0]) * a->strides[0]);
    return 1;
  }
  if (t == LUA_TUSERDATA && gbL_testarray(L, 2)) {
    push_selected(L, 1, 2);
    return 1;
  }
  if (t != LUA_TNUMBER && t != LUA_TTABLE && t != LUA_TSTRING)
    return gbL_error(L, "cannot index an array with a %s", luaL_typename(L, 2));
  if (key_view(L, a, 2, &v)) gbL_pushelement(L, a->dtype, v.data);
  else gbL_pushview(L, 1, &v);
  return 1;
}

/* __newindex: assignment through every index form. */
static int mt_newindex(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1), v;
  int t = lua_type(L, 2);
  if (t == LUA_TSTRING && strcmp(lua_tostring(L, 2), ":") != 0)
    return gbL_error(L, "cannot set field '%s' of an array", lua_tostring(L, 2));
  if (t == LUA_TUSERDATA && gbL_testarray(L, 2)) {
    assign_selected(L, 1, 2, 3);
    return 0;
  }
  if (t != LUA_TNUMBER && t != LUA_TTABLE && t != LUA_TSTRING)
    return gbL_error(L, "cannot index an array with a %s", luaL_typename(L, 2));
  if (key_view(L, a, 2, &v)) {
    setelement(L, a->dtype, v.data, 3);
    return 0;
  }
  assign(L, &v, 3);
  return 0;
}

void gbL_array_index(lua_State *L, int mod, int meth) {
  (void)mod;
  luaL_getmetatable(L, GBL_ARRAY);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, m_get, 1);
  lua_setfield(L, meth, "get");
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, m_set, 1);
  lua_setfield(L, meth, "set");
  lua_pushvalue(L, meth);
  lua_pushcclosure(L, mt_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, mt_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, mt_len);
  lua_setfield(L, -2, "__len");
  lua_pop(L, 1);
}
