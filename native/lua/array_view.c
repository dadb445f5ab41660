/*
** array: views and copies — transpose, reshape, squeeze, expand_dims,
** ravel and flatten, contiguous, copy, astype, item.
**
** A view is a new header on the same buffer (gbL_pushview), so it costs the
** same whatever the array's size.  reshape and ravel return views when the
** layout allows and copies otherwise, as NumPy does.
*/
#include <string.h>

#include "index.h"
#include "internal.h"

/* A C-contiguous copy of the array at idx, pushed. */
static gb_array *push_copy(lua_State *L, int idx, int dtype) {
  gb_array *a = gbL_checkarray(L, idx);
  gb_array *b = gbL_newlike(L, a, dtype);
  int st = gb_copy(gbL_ctx(L), b, a);
  if (st != GB_OK) gbL_statuserror(L, NULL, st);
  return b;
}

/* a:transpose([perm]): axes permuted (reversed by default), 1-based perm. */
static int m_transpose(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  gb_array v = *a;
  int perm[GB_MAXDIM];
  unsigned char seen[GB_MAXDIM] = {0};
  if (lua_isnoneornil(L, 2)) {
    for (int i = 0; i < a->ndim; i++) perm[i] = a->ndim - 1 - i;
  } else {
    luaL_checktype(L, 2, LUA_TTABLE);
    if ((int)lua_rawlen(L, 2) != a->ndim)
      return gbL_error(L, "perm has %d axes for an array of %d", (int)lua_rawlen(L, 2), a->ndim);
    for (int i = 0; i < a->ndim; i++) {
      lua_rawgeti(L, 2, i + 1);
      int ax = gbL_checkaxis(L, -1, a->ndim);
      lua_pop(L, 1);
      if (seen[ax]) return gbL_error(L, "axis %d repeated in perm", ax + 1);
      seen[ax] = 1;
      perm[i] = ax;
    }
  }
  for (int i = 0; i < a->ndim; i++) {
    v.shape[i] = a->shape[perm[i]];
    v.strides[i] = a->strides[perm[i]];
  }
  gbL_pushview(L, 1, &v);
  return 1;
}

/* The new shape from a table or integer arguments, with one -1 inferred. */
static int read_newshape(lua_State *L, const gb_array *a, int64_t *shape) {
  int nd = 0, infer = -1;
  int n = lua_gettop(L);
  if (n == 2 && lua_istable(L, 2)) {
    nd = (int)lua_rawlen(L, 2);
    if (nd > GB_MAXDIM) gbL_error(L, "too many dimensions (%d, at most %d)", nd, GB_MAXDIM);
    for (int i = 0; i < nd; i++) {
      lua_rawgeti(L, 2, i + 1);
      int ok;
      shape[i] = (int64_t)lua_tointegerx(L, -1, &ok);
      if (!ok) gbL_error(L, "shape entry %d must be an integer", i + 1);
      lua_pop(L, 1);
    }
  } else {
    nd = n - 1;
    if (nd > GB_MAXDIM) gbL_error(L, "too many dimensions (%d, at most %d)", nd, GB_MAXDIM);
    for (int i = 0; i < nd; i++) shape[i] = (int64_t)luaL_checkinteger(L, i + 2);
  }
  int64_t known = 1;
  for (int i = 0; i < nd; i++) {
    if (shape[i] == -1) {
      if (infer >= 0) gbL_error(L, "only one extent can be -1");
      infer = i;
    } else if (shape[i] < 0) {
      gbL_error(L, "negative extent %lld", (long long)shape[i]);
    } else {
      if (shape[i] && known > INT64_MAX / shape[i]) gbL_error(L, "shape too large");
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || a->size % known)
      gbL_error(L, "cannot infer the -1 extent: size %lld is not a multiple of %lld",
                (long long)a->size, (long long)known);
    shape[infer] = a->size / known;
    known *= shape[infer];
  }
  if (known != a->size) {
    char s1[128], s2[128];
    gb_format_shape(s1, sizeof s1, a->ndim, a->shape);
    gb_format_shape(s2, sizeof s2, nd, shape);
    gbL_error(L, "cannot reshape an array of shape %s (size %lld) into %s", s1,
              (long long)a->size, s2);
  }
  return nd;
}

/* Push a reshaped: a view when the layout allows (gb_reshape_view), else a
   view of a C-contiguous copy. */
static void push_reshaped(lua_State *L, int idx, int nd, const int64_t *shape) {
  gb_array *a = gbL_checkarray(L, idx);
  gb_array v;
  if (!gb_reshape_view(a, nd, shape, &v)) {
    push_copy(L, idx, -1);
    idx = lua_gettop(L);
    a = gbL_checkarray(L, idx);
    size_t nb;
    gb_array_init(&v, a->dtype, nd, shape, &nb);
    v.data = a->data;
  }
  gbL_pushview(L, idx, &v);
}

/* a:reshape(shape) or a:reshape(d1, d2, ...) */
static int m_reshape(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  int64_t shape[GB_MAXDIM];
  int nd = read_newshape(L, a, shape);
  push_reshaped(L, 1, nd, shape);
  return 1;
}

/* a:ravel(): 1-D, a view when possible. */
static int m_ravel(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  int64_t n = a->size;
  lua_settop(L, 1);
  push_reshaped(L, 1, 1, &n);
  return 1;
}

/* a:flatten(): a 1-D copy. */
static int m_flatten(lua_State *L) {
  gb_array *b = push_copy(L, 1, -1);
  b->ndim = 1;
  b->shape[0] = b->size;
  b->strides[0] = (int64_t)gb_dtype_size(b->dtype);
  return 1;
}

/* a:squeeze([axis]): drop extent-1 axes (or just the one given). */
static int m_squeeze(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  gb_array v = *a;
  int only = -1;
  if (!lua_isnoneornil(L, 2)) {
    only = gbL_checkaxis(L, 2, a->ndim);
    if (a->shape[only] != 1)
      return gbL_error(L, "axis %d has extent %lld, not 1", only + 1, (long long)a->shape[only]);
  }
  v.ndim = 0;
  for (int i = 0; i < a->ndim; i++) {
    if (a->shape[i] == 1 && (only < 0 || only == i)) continue;
    v.shape[v.ndim] = a->shape[i];
    v.strides[v.ndim++] = a->strides[i];
  }
  gbL_pushview(L, 1, &v);
  return 1;
}

/* a:expand_dims(axis): a new extent-1 axis at position axis (1..ndim+1, or
   negative from the end). */
static int m_expand_dims(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  if (a->ndim == GB_MAXDIM) return gbL_error(L, "already %d dimensions", GB_MAXDIM);
  int ax = gbL_checkaxis(L, 2, a->ndim + 1);
  gb_array v = *a;
  v.ndim = a->ndim + 1;
  for (int i = 0, j = 0; i < v.ndim; i++) {
    if (i == ax) {
      v.shape[i] = 1;
      v.strides[i] = j < a->ndim ? a->strides[j] * a->shape[j] : (int64_t)gb_dtype_size(a->dtype);
    } else {
      v.shape[i] = a->shape[j];
      v.strides[i] = a->strides[j++];
    }
  }
  gbL_pushview(L, 1, &v);
  return 1;
}

/* a:contiguous(): a itself when C-contiguous, else a C-contiguous copy. */
static int m_contiguous(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  if (gb_is_c_contiguous(a)) lua_settop(L, 1);
  else push_copy(L, 1, -1);
  return 1;
}

/* a:copy(): a C-contiguous copy with its own buffer. */
static int m_copy(lua_State *L) {
  push_copy(L, 1, -1);
  return 1;
}

/* a:astype(dtype): a copy converted like NumPy's astype (floats to integers
   truncate toward zero, saturating; NaN becomes 0). */
static int m_astype(lua_State *L) {
  gbL_checkarray(L, 1);
  int dtype = gbL_optdtype(L, 2, -1);
  if (dtype < 0) return gbL_error(L, "a dtype name is needed (float64, float32, int64, bool)");
  push_copy(L, 1, dtype);
  return 1;
}

/* a:item(): the one element of a size-1 array, as a Lua value. */
static int m_item(lua_State *L) {
  gb_array *a = gbL_checkarray(L, 1);
  if (a->size != 1) {
    char s[128];
    gb_format_shape(s, sizeof s, a->ndim, a->shape);
    return gbL_error(L, "item() needs an array of one element, got shape %s", s);
  }
  gbL_pushelement(L, a->dtype, a->data);
  return 1;
}

static const luaL_Reg methods[] = {
  {"transpose", m_transpose},
  {"reshape", m_reshape},
  {"ravel", m_ravel},
  {"flatten", m_flatten},
  {"squeeze", m_squeeze},
  {"expand_dims", m_expand_dims},
  {"contiguous", m_contiguous},
  {"copy", m_copy},
  {"astype", m_astype},
  {"item", m_item},
  {NULL, NULL}
};

void gbL_array_view(lua_State *L, int mod, int meth) {
  (void)mod;
  gbL_setfuncs(L, meth, methods);
}
