/*
** array: creation from tables and shapes, and conversion back to tables.
*/
#include <float.h>
#include <math.h>
#include <string.h>

#include "internal.h"

/* array.new(t [, dtype]) */
static int a_new(lua_State *L) {
  int dtype = gbL_optdtype(L, 2, -1);
  if (gbL_testarray(L, 1)) {
    gb_array *a = gbL_checkarray(L, 1);
    gb_array *b = gbL_newlike(L, a, dtype);
    gb_copy(gbL_ctx(L), b, a);
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

/* The dtype NumPy gives a Lua value: int64, float64 or bool. */
static int value_dtype(lua_State *L, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN: return GB_BOOL;
    case LUA_TNUMBER: return lua_isinteger(L, idx) ? GB_INT64 : GB_FLOAT64;
    default:
      gbL_error(L, "fill value must be a number or boolean, got %s", luaL_typename(L, idx));
      return -1;
  }
}

/* Fill a (C-contiguous) with the Lua value at idx. */
static void fill_value(lua_State *L, gb_array *a, int idx) {
  size_t es = gb_dtype_size(a->dtype);
  char one[8];
  if (lua_type(L, idx) == LUA_TNUMBER && !lua_isinteger(L, idx))
    gb_set_double(a->dtype, one, lua_tonumber(L, idx));
  else
    gb_set_int(a->dtype, one, lua_type(L, idx) == LUA_TBOOLEAN ? lua_toboolean(L, idx)
                                                               : lua_tointeger(L, idx));
  for (int64_t i = 0; i < a->size; i++) memcpy(a->data + (size_t)i * es, one, es);
}

/* array.full(shape, v [, dtype]): the dtype follows v unless given. */
static int a_full(lua_State *L) {
  int64_t shape[GB_MAXDIM];
  int nd = gbL_checkshape(L, 1, shape);
  int dtype = gbL_optdtype(L, 3, value_dtype(L, 2));
  fill_value(L, gbL_newarray(L, dtype, nd, shape), 2);
  return 1;
}

/* zeros_like, ones_like, full_like, empty_like: a's shape and dtype. */
static gb_array *new_like(lua_State *L, int dtype_arg) {
  luaL_checkany(L, 1);
  gb_array *a = gbL_toarray(L, 1, -1);
  return gbL_newlike(L, a, gbL_optdtype(L, dtype_arg, a->dtype));
}

static int a_zeros_like(lua_State *L) {
  gb_array *o = new_like(L, 2);
  memset(o->data, 0, (size_t)o->size * gb_dtype_size(o->dtype));
  return 1;
}

static int a_ones_like(lua_State *L) {
  fill_double(new_like(L, 2), 1.0);
  return 1;
}

static int a_empty_like(lua_State *L) {
  new_like(L, 2);
  return 1;
}

static int a_full_like(lua_State *L) {
  luaL_checkany(L, 2);
  gb_array *o = new_like(L, 3);
  fill_value(L, o, 2);
  return 1;
}

/*
** array.range(a, b [, step]): a, a + step, ... up to b inclusive, like
** Lua's numeric for.  int64 when all three are integers, else float64; a
** float end is included when it lies within 1e-10 steps of the grid (so
** range(0, 1, 0.1) has 11 elements), and elements are a + i * step, never
** an accumulated sum.
*/
static int a_range(lua_State *L) {
  luaL_checknumber(L, 1);
  luaL_checknumber(L, 2);
  int ints = lua_isinteger(L, 1) && lua_isinteger(L, 2) && (lua_isnoneornil(L, 3) || lua_isinteger(L, 3));
  int dtype = gbL_optdtype(L, 4, ints ? GB_INT64 : GB_FLOAT64);
  int64_t n;
  if (ints) {
    lua_Integer a = lua_tointeger(L, 1), b = lua_tointeger(L, 2), step = luaL_optinteger(L, 3, 1);
    if (step == 0) return gbL_error(L, "step must not be 0");
    if ((step > 0 && b < a) || (step < 0 && b > a)) n = 0;
    else {
      /* steps after a, in unsigned arithmetic: b - a may not be an int64 */
      lua_Unsigned q = (step > 0 ? (lua_Unsigned)b - (lua_Unsigned)a : (lua_Unsigned)a - (lua_Unsigned)b) /
                       (step > 0 ? (lua_Unsigned)step : (lua_Unsigned)0 - (lua_Unsigned)step);
      if (q >= (lua_Unsigned)INT64_MAX)
        return gbL_error(L, "range too long: %lld to %lld by %lld", (long long)a, (long long)b, (long long)step);
      n = (int64_t)q + 1;
    }
    gb_array *o = gbL_newarray(L, dtype, 1, &n);
    for (int64_t i = 0; i < n; i++)
      gb_set_int(dtype, o->data + i * o->strides[0], (int64_t)((lua_Unsigned)a + (lua_Unsigned)i * (lua_Unsigned)step));
    return 1;
  }
  double a = lua_tonumber(L, 1), b = lua_tonumber(L, 2), step = luaL_optnumber(L, 3, 1.0);
  if (step == 0 || !isfinite(a) || !isfinite(b) || !isfinite(step))
    return gbL_error(L, "need finite a, b and a non-zero step, got %g, %g, %g", a, b, step);
  double q = (b - a) / step;
  if (q < -1e-10) n = 0;
  else {
    if (q > 9.2e18) return gbL_error(L, "range too long");
    n = (int64_t)floor(q + 1e-10) + 1;
  }
  gb_array *o = gbL_newarray(L, dtype, 1, &n);
  for (int64_t i = 0; i < n; i++) gb_set_double(dtype, o->data + i * o->strides[0], a + (double)i * step);
  return 1;
}

/* array.linspace(a, b, n): n evenly spaced values from a to b inclusive
   (the last is b exactly). */
static int a_linspace(lua_State *L) {
  double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
  lua_Integer n = luaL_checkinteger(L, 3);
  if (n < 0) return gbL_error(L, "n must be >= 0, got %lld", (long long)n);
  int dtype = gbL_optdtype(L, 4, GB_FLOAT64);
  int64_t len = n;
  gb_array *o = gbL_newarray(L, dtype, 1, &len);
  double step = n > 1 ? (b - a) / (double)(n - 1) : 0.0;
  for (int64_t i = 0; i < n; i++)
    gb_set_double(dtype, o->data + i * o->strides[0], i == n - 1 && n > 1 ? b : a + (double)i * step);
  return 1;
}

/* array.eye(n [, m [, k [, dtype]]]): ones on the k-th diagonal. */
static int a_eye(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  lua_Integer m = luaL_optinteger(L, 2, n), k = luaL_optinteger(L, 3, 0);
  if (n < 0 || m < 0) return gbL_error(L, "negative size %lld x %lld", (long long)n, (long long)m);
  int64_t shape[2] = {n, m};
  gb_array *o = gbL_newarray(L, gbL_optdtype(L, 4, GB_FLOAT64), 2, shape);
  memset(o->data, 0, (size_t)o->size * gb_dtype_size(o->dtype));
  if (k > -n && k < m)      /* the diagonal meets the matrix (and i + k cannot overflow) */
    for (int64_t i = k < 0 ? -k : 0; i < n && i + k < m; i++)
      gb_set_int(o->dtype, o->data + i * o->strides[0] + (i + k) * o->strides[1], 1);
  return 1;
}

/* array.diag(v [, k]): a 1-D v on the k-th diagonal of a square matrix, or
   a copy of the k-th diagonal of a 2-D v. */
static int a_diag(lua_State *L) {
  luaL_checkany(L, 1);
  gb_array *v = gbL_toarray(L, 1, -1);
  lua_Integer k = luaL_optinteger(L, 2, 0);
  lua_Unsigned uoff = k < 0 ? (lua_Unsigned)0 - (lua_Unsigned)k : (lua_Unsigned)k;   /* |k| */
  if (v->ndim == 1) {
    if (uoff > (lua_Unsigned)(INT64_MAX - v->shape[0]))
      return gbL_error(L, "k = %lld is too far from the main diagonal", (long long)k);
    int64_t off = (int64_t)uoff, n = v->shape[0] + off, shape[2] = {n, n};
    gb_array *o = gbL_newarray(L, v->dtype, 2, shape);
    memset(o->data, 0, (size_t)o->size * gb_dtype_size(o->dtype));
    size_t es = gb_dtype_size(v->dtype);
    for (int64_t i = 0; i < v->shape[0]; i++) {
      int64_t r = k >= 0 ? i : i + off, c = k >= 0 ? i + off : i;
      memcpy(o->data + r * o->strides[0] + c * o->strides[1], v->data + i * v->strides[0], es);
    }
    return 1;
  }
  if (v->ndim != 2) return gbL_error(L, "expects a 1-D or 2-D array, got %d dimensions", v->ndim);
  int64_t r0 = 0, c0 = 0, n = 0;
  if (uoff < (lua_Unsigned)(k < 0 ? v->shape[0] : v->shape[1])) {   /* the diagonal is not empty */
    r0 = k < 0 ? (int64_t)uoff : 0;
    c0 = k > 0 ? (int64_t)uoff : 0;
    n = v->shape[0] - r0 < v->shape[1] - c0 ? v->shape[0] - r0 : v->shape[1] - c0;
  }
  gb_array d = *v;
  d.ndim = 1;
  d.shape[0] = n;
  d.size = n;
  d.strides[0] = v->strides[0] + v->strides[1];
  d.data = v->data + (n ? r0 * v->strides[0] + c0 * v->strides[1] : 0);
  gb_array *o = gbL_newarray(L, v->dtype, 1, &n);
  gb_copy(gbL_ctx(L), o, &d);
  return 1;
}

/* The arrays of the list at idx, converted, and their promoted dtype. */
static int read_list(lua_State *L, int idx, int *dtype) {
  luaL_checktype(L, idx, LUA_TTABLE);
  int n = (int)lua_rawlen(L, idx);
  if (n == 0) gbL_error(L, "need at least one array");
  luaL_checkstack(L, n + 8, "too many arrays");
  *dtype = -1;
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, i);
    gb_array *a = gbL_toarray(L, -1, -1);
    *dtype = *dtype < 0 ? a->dtype : gb_promote(*dtype, a->dtype);
  }
  return n;           /* the arrays are the top n values */
}

/* array.concat(list [, axis]): join along an existing axis (default 1). */
static int a_concat(lua_State *L) {
  lua_settop(L, 2);                 /* the axis stays at 2, arrays go above */
  int dtype, n = read_list(L, 1, &dtype), first = lua_gettop(L) - n + 1;
  gb_array *a0 = gbL_checkarray(L, first);
  if (a0->ndim == 0) return gbL_error(L, "cannot concatenate 0-d arrays");
  lua_pushvalue(L, 2);
  int axis = lua_isnoneornil(L, -1) ? 0 : gbL_checkaxis(L, -1, a0->ndim);
  lua_pop(L, 1);
  int64_t shape[GB_MAXDIM];
  memcpy(shape, a0->shape, sizeof(int64_t) * (size_t)a0->ndim);
  shape[axis] = 0;
  for (int i = 0; i < n; i++) {
    gb_array *a = gbL_checkarray(L, first + i);
    int ok = a->ndim == a0->ndim;
    for (int d = 0; ok && d < a->ndim; d++) ok = d == axis || a->shape[d] == a0->shape[d];
    if (!ok) {
      char s1[128], s2[128];
      gb_format_shape(s1, sizeof s1, a0->ndim, a0->shape);
      gb_format_shape(s2, sizeof s2, a->ndim, a->shape);
      return gbL_error(L, "array %d has shape %s, which does not fit %s along axis %d",
                       i + 1, s2, s1, axis + 1);
    }
    if (a->shape[axis] > INT64_MAX - shape[axis])
      return gbL_error(L, "the result is too long along axis %d", axis + 1);
    shape[axis] += a->shape[axis];
  }
  gb_array *o = gbL_newarray(L, dtype, a0->ndim, shape);
  int64_t at = 0;
  for (int i = 0; i < n; i++) {
    gb_array *a = gbL_checkarray(L, first + i), part = *o;
    part.data = o->data + at * o->strides[axis];
    part.shape[axis] = a->shape[axis];
    at += a->shape[axis];
    gb_copy(gbL_ctx(L), &part, a);
  }
  return 1;
}

/* array.stack(list [, axis]): join equal-shaped arrays along a new axis
   (default 1: the result's first axis runs over the list). */
static int a_stack(lua_State *L) {
  lua_settop(L, 2);
  int dtype, n = read_list(L, 1, &dtype), first = lua_gettop(L) - n + 1;
  gb_array *a0 = gbL_checkarray(L, first);
  if (a0->ndim == GB_MAXDIM) return gbL_error(L, "too many dimensions");
  lua_pushvalue(L, 2);
  int axis = lua_isnoneornil(L, -1) ? 0 : gbL_checkaxis(L, -1, a0->ndim + 1);
  lua_pop(L, 1);
  int64_t shape[GB_MAXDIM];
  for (int d = 0, j = 0; d <= a0->ndim; d++) shape[d] = d == axis ? n : a0->shape[j++];
  for (int i = 0; i < n; i++) {
    gb_array *a = gbL_checkarray(L, first + i);
    int ok = a->ndim == a0->ndim;
    for (int d = 0; ok && d < a->ndim; d++) ok = a->shape[d] == a0->shape[d];
    if (!ok) {
      char s1[128], s2[128];
      gb_format_shape(s1, sizeof s1, a0->ndim, a0->shape);
      gb_format_shape(s2, sizeof s2, a->ndim, a->shape);
      return gbL_error(L, "array %d has shape %s, array 1 has %s: stack needs equal shapes",
                       i + 1, s2, s1);
    }
  }
  gb_array *o = gbL_newarray(L, dtype, a0->ndim + 1, shape);
  for (int i = 0; i < n; i++) {
    gb_array *a = gbL_checkarray(L, first + i), part = *o;
    part.data = o->data + i * o->strides[axis];
    part.ndim = a0->ndim;
    for (int d = 0, j = 0; d <= a0->ndim; d++) {
      if (d == axis) continue;
      part.shape[j] = o->shape[d];
      part.strides[j++] = o->strides[d];
    }
    part.size = a->size;
    gb_copy(gbL_ctx(L), &part, a);
  }
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
    if ((i & 4095) == 4095) gbL_checkinterrupt(L);    /* huge, mostly empty shapes */
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
  {"full", a_full},
  {"zeros_like", a_zeros_like},
  {"ones_like", a_ones_like},
  {"empty_like", a_empty_like},
  {"full_like", a_full_like},
  {"range", a_range},
  {"linspace", a_linspace},
  {"eye", a_eye},
  {"diag", a_diag},
  {"concat", a_concat},
  {"stack", a_stack},
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
